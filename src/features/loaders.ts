/**
 * The per-request DataLoaders of every feature, built by the context for one
 * principal. Reads of related rows go through them, so no field costs a
 * query per row.
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

export function createLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  return {
    ...viewerLoaders(db, onBatch),
    ...organizationLoaders(db, principal, onBatch),
    ...catalogLoaders(db, principal, onBatch),
    ...workspaceLoaders(db, principal, onBatch),
    ...projectLoaders(db, principal, onBatch),
    ...libraryLoaders(db, principal, onBatch),
    ...systemLoaders(db, onBatch),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
