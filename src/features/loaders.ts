/**
 * The per-request DataLoaders of every feature, built by the context for one
 * principal. Reads of related rows go through them, so no field costs a
 * query per row.
 *
 * A feature's loaders are built when one of them is first used: a request
 * uses a few features' (one answered from the response cache, none), and
 * building all sixty cost more CPU than a cached answer. The loaders' names
 * sit on a prototype shared by every request, as getters that build their
 * feature's loaders on first use and keep them on the request's object.
 */
import type { Db } from '../db/client.js';
import type { Principal } from '../identity/principal.js';
import type { OnBatch } from '../lib/batch.js';
import { catalogLoaders } from './catalog/loaders.js';
import { organizationLoaders } from './organizations/loaders.js';
import { libraryLoaders } from './libraries/loaders.js';
import { projectLoaders } from './projects/loaders.js';
import { systemLoaders } from './system/loaders.js';
import { viewerLoaders } from './viewer/loaders.js';
import { workspaceLoaders } from './workspaces/loaders.js';

const FEATURES = {
  viewer: (db: Db, _principal: Principal, onBatch: OnBatch) => viewerLoaders(db, onBatch),
  organizations: organizationLoaders,
  catalog: catalogLoaders,
  workspaces: workspaceLoaders,
  projects: projectLoaders,
  libraries: libraryLoaders,
  system: (db: Db, _principal: Principal, onBatch: OnBatch) => systemLoaders(db, onBatch),
};
type Feature = keyof typeof FEATURES;
type Built<F extends Feature> = ReturnType<(typeof FEATURES)[F]>;

export type Loaders = Built<'viewer'> &
  Built<'organizations'> &
  Built<'catalog'> &
  Built<'workspaces'> &
  Built<'projects'> &
  Built<'libraries'> &
  Built<'system'>;

const STATE = Symbol('request loaders');
interface RequestLoaders {
  [STATE]: { db: Db; principal: Principal; onBatch: OnBatch; built: Partial<Record<Feature, Record<string, unknown>>> };
}

/** Loader name -> getter, made once from the features' loaders as the first request built them. */
let prototype: object | null = null;

function prototypeFrom(built: Record<Feature, Record<string, unknown>>): object {
  const shared: Record<string, PropertyDescriptor> = {};
  for (const feature of Object.keys(built) as Feature[]) {
    for (const name of Object.keys(built[feature])) {
      if (name in shared) throw new Error(`Two features name a loader ${name}`);
      shared[name] = {
        get(this: RequestLoaders) {
          const state = this[STATE];
          const loaders = (state.built[feature] ??= FEATURES[feature](state.db, state.principal, state.onBatch) as Record<string, unknown>);
          return loaders[name];
        },
      };
    }
  }
  return Object.create(Object.prototype, shared) as object;
}

export function createLoaders(db: Db, principal: Principal, onBatch: OnBatch): Loaders {
  let built: RequestLoaders[typeof STATE]['built'] = {};
  if (!prototype) {
    built = Object.fromEntries(Object.entries(FEATURES).map(([feature, make]) => [feature, make(db, principal, onBatch)]));
    prototype = prototypeFrom(built as Record<Feature, Record<string, unknown>>);
  }
  const loaders = Object.create(prototype) as RequestLoaders;
  loaders[STATE] = { db, principal, onBatch, built };
  return loaders as unknown as Loaders;
}
