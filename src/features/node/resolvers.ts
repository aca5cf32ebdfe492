import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { visibleRowOf } from '../../auth/scopes.js';
import type { Context } from '../../context.js';
import { badInput } from '../../errors.js';
import { parseGlobalId, type NodeType } from '../../graphql/global-id.js';
import { visibleUserIds } from '../users/queries.js';

/**
 * `node(id:)` answers with exactly what the other paths would show: an object
 * whose scope the caller cannot see reads as null, here as everywhere.
 */
async function visibleNode(ctx: Context, type: NodeType, id: string): Promise<object | null> {
  switch (type) {
    case 'User':
      return (await visibleUserIds(ctx.db, ctx.principal, [id])).has(id) ? ctx.loaders.userById.load(id) : null;
    case 'Organization':
      return ctx.loaders.visibleOrganizationById.load(id);
    default:
      return visibleRowOf[type](ctx, id);
  }
}

export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_parent, { id }, ctx) => {
      const parsed = parseGlobalId(id);
      if (!parsed) throw badInput('id is not a valid ID', 'id');
      const row = await visibleNode(ctx, parsed.type, parsed.id);
      // graphql-js resolves the interface's concrete type from `__typename`.
      return row && (Object.assign({ __typename: parsed.type }, row) as never);
    },
  },
};
