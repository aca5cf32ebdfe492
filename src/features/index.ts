/**
 * Every feature of the schema, wired explicitly: a feature is served because
 * it is listed here. Each one's SDL is `schema/<feature>.graphql`.
 */
import type { ObjectTypes } from '../access/scopes.js';
import { accessResolvers } from './access/access-resolvers.js';
import { audit } from './audit/index.js';
import { catalog } from './catalog/index.js';
import type { Context } from './context.js';
import type { Feature } from './feature.js';
import { nodeResolvers } from './node/node-resolvers.js';
import { organizations } from './organizations/index.js';
import { libraries } from './libraries/index.js';
import { projects } from './projects/index.js';
import { system } from './system/index.js';
import { viewer } from './viewer/index.js';
import { workspaces } from './workspaces/index.js';

const OBJECT_FEATURES: Feature[] = [viewer, organizations, audit, catalog, workspaces, projects, libraries, system];

/** Every object type's place in the access model, as its feature declares it. */
export const objectTypes: ObjectTypes<Context> = Object.assign({}, ...OBJECT_FEATURES.map((f) => f.objects));

/** `node(id:)` finds the objects of every feature above, through their own declarations. */
const node: Feature = { schema: 'node', resolvers: [nodeResolvers(objectTypes)], objects: {} };

/** Explanations find their objects the same way, and decide with the same engine. */
const access: Feature = { schema: 'access', resolvers: [accessResolvers(objectTypes)], objects: {} };

export const FEATURES: Feature[] = [node, ...OBJECT_FEATURES, access];

export const resolvers = FEATURES.flatMap((f) => f.resolvers);
