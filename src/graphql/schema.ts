/**
 * The executable schema: the SDL files of every feature, their resolvers,
 * the access rules applied over all of them (so every resolver is covered),
 * and the operation's deadline over every resolver.
 */
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { applyAccessRules } from '../access/directives.js';
import type { Divergence } from '../access/engine.js';
import type { RuleMode } from '../access/rules.js';
import { addViewerCanResolvers } from '../access/viewer-can.js';
import type { Context } from '../features/context.js';
import { objectTypes, resolvers } from '../features/index.js';
import { runMutation } from '../mutations/runner.js';
import { withDeadline } from './deadline.js';
import { DateTime, JSONScalar } from './scalars.js';
import { loadTypeDefs } from './type-defs.js';

export { loadTypeDefs };

export interface SchemaOptions {
  /** The SDL; the project's own files by default. */
  typeDefs?: string[];
  /** Which rules decide (see @candidateRule). */
  rules?: RuleMode;
  /** Told where a candidate rule decides otherwise than the live one. */
  onDivergence?: (ctx: Context, divergence: Divergence) => void;
}

/** Builds the schema; throws `AccessRuleError` when a reachable field has no access rule. */
export function buildSchema({ typeDefs = loadTypeDefs(), rules = 'live', onDivergence }: SchemaOptions = {}): GraphQLSchema {
  const schema = makeExecutableSchema({ typeDefs, resolvers: [{ DateTime, JSON: JSONScalar }, ...resolvers] });
  addViewerCanResolvers(schema, objectTypes, rules);
  return withDeadline(applyAccessRules<Context>(schema, { types: objectTypes, runMutation, rules, ...(onDivergence ? { onDivergence } : {}) }));
}

/** The types that sit inside an organization: the ones whose fields may take their scope from their parent. */
export const scopedTypes = (): Set<string> => new Set(Object.entries(objectTypes).flatMap(([name, t]) => (t.scopeOf ? [name] : [])));
