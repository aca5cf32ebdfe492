/**
 * The executable schema: the SDL files of every feature, their resolvers,
 * the access rules applied over all of them (so every resolver is covered),
 * and the operation's deadline over every resolver.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { applyAccessRules } from '../access/directives.js';
import { viewerCanResolvers } from '../access/viewer-can.js';
import type { Context } from '../features/context.js';
import { objectTypes, resolvers } from '../features/index.js';
import { runMutation } from '../mutations/runner.js';
import { withDeadline } from './deadline.js';
import { DateTime, JSONScalar } from './scalars.js';
import { loadTypeDefs } from './type-defs.js';

export { loadTypeDefs };

/** Builds the schema; throws `AccessRuleError` when a reachable field has no access rule. */
export function buildSchema(typeDefs: string[] = loadTypeDefs()): GraphQLSchema {
  const derived = viewerCanResolvers(typeDefs, objectTypes);
  const schema = makeExecutableSchema({ typeDefs, resolvers: [{ DateTime, JSON: JSONScalar }, ...resolvers, derived] });
  return withDeadline(applyAccessRules<Context>(schema, { types: objectTypes, runMutation }));
}

/** The types that sit inside an organization: the ones whose fields may take their scope from their parent. */
export const scopedTypes = (): Set<string> => new Set(Object.entries(objectTypes).flatMap(([name, t]) => (t.scopeOf ? [name] : [])));
