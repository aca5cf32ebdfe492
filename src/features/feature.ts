/**
 * What a feature brings to the schema: its resolvers (for the types of its
 * SDL file, `schema/<feature>.graphql`, and the fields it adds to others) and
 * its object types' places in the access model. Features are wired by
 * explicit imports in features/index.ts; their loaders in features/loaders.ts.
 */
import type { Resolvers } from '../__generated__/resolvers-types.js';
import type { ObjectTypes } from '../access/scopes.js';
import type { Context } from './context.js';

export interface Feature {
  /** Its SDL file: `schema/<schema>.graphql`. */
  schema: string;
  resolvers: Resolvers[];
  objects: ObjectTypes<Context>;
}
