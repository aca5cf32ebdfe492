import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { ObjectTypes } from '../../access/scopes.js';
import { badInput } from '../../errors.js';
import { parseGlobalId } from '../../lib/global-id.js';
import type { Context } from '../context.js';

/**
 * `node(id:)` answers with exactly what the other paths would show: each
 * type's own visible look-up (declared by its feature), so an object whose
 * scope the caller cannot see reads as null, here as everywhere.
 */
export function nodeResolvers(types: ObjectTypes<Context>): Resolvers {
  return {
    Query: {
      node: async (_parent, { id }, ctx) => {
        const parsed = parseGlobalId(id);
        const visibleById = parsed && types[parsed.type]?.visibleById;
        if (!parsed || !visibleById) throw badInput('id is not a valid ID', 'id');
        const row = await visibleById(ctx, parsed.id);
        // graphql-js resolves the interface's concrete type from `__typename`.
        return row && (Object.assign({ __typename: parsed.type }, row) as never);
      },
    },
  };
}
