/**
 * The executable schema: the SDL files of every feature, their resolvers, and
 * the access rules applied last, so every resolver is covered. Wiring is
 * explicit: a feature is in the schema because it is listed here.
 */
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { Resolvers } from '../__generated__/resolvers-types.js';
import { applyAccessRules } from '../auth/apply-access-rules.js';
import { auditResolvers } from '../features/audit/resolvers.js';
import { environmentResolvers } from '../features/environments/resolvers.js';
import { groupResolvers } from '../features/groups/resolvers.js';
import { projectResourceResolvers } from '../features/project-resources/resolvers.js';
import { projectResolvers } from '../features/projects/resolvers.js';
import { workspaceResolvers } from '../features/workspaces/resolvers.js';
import { packageResolvers } from '../features/packages/resolvers.js';
import { machineClientResolvers } from '../features/machine-clients/resolvers.js';
import { memberResolvers } from '../features/members/resolvers.js';
import { nodeResolvers } from '../features/node/resolvers.js';
import { organizationResolvers } from '../features/organizations/resolvers.js';
import { viewerResolvers } from '../features/viewer/resolvers.js';
import { DateTime, JSONScalar } from './scalars.js';

export const SDL_FILES = ['base', 'viewer', 'organizations', 'audit', 'catalog', 'workspaces', 'projects'];

export function loadTypeDefs(): string[] {
  return SDL_FILES.map((name) => readFileSync(new URL(`../../schema/${name}.graphql`, import.meta.url), 'utf8'));
}

/** Every feature's resolvers; exported for benchmarks that measure the access rules' cost. */
export const resolvers: Resolvers[] = [
  { DateTime, JSON: JSONScalar },
  viewerResolvers,
  organizationResolvers,
  memberResolvers,
  machineClientResolvers,
  auditResolvers,
  environmentResolvers,
  packageResolvers,
  workspaceResolvers,
  groupResolvers,
  projectResolvers,
  projectResourceResolvers,
  nodeResolvers,
];

/** Builds the schema; throws `AccessRuleError` when a reachable field has no access rule. */
export function buildSchema(typeDefs: string[] = loadTypeDefs()): GraphQLSchema {
  return applyAccessRules(makeExecutableSchema({ typeDefs, resolvers }));
}
