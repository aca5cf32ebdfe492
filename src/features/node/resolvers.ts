import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { canSee } from '../../auth/roles.js';
import { levelOf } from '../../auth/scope.js';
import { parentScopes } from '../../auth/scopes.js';
import type { Context } from '../../context.js';
import { badInput } from '../../errors.js';
import { parseGlobalId, type NodeType } from '../../graphql/global-id.js';
import { visibleUserIds } from '../users/queries.js';

/**
 * `node(id:)` answers with exactly what the other paths would show: an object
 * whose scope the caller cannot see reads as null, here as everywhere.
 */
const rowOf: Record<Exclude<NodeType, 'User'>, (ctx: Context, id: string) => Promise<object | null>> = {
  Organization: (ctx, id) => ctx.loaders.visibleOrganizationById.load(id),
  MachineClient: (ctx, id) => ctx.loaders.machineClientById.load(id),
  Environment: (ctx, id) => ctx.loaders.environmentById.load(id),
  Package: (ctx, id) => ctx.loaders.packageById.load(id),
  Workspace: (ctx, id) => ctx.loaders.workspaceById.load(id),
  Group: (ctx, id) => ctx.loaders.groupById.load(id),
  Project: (ctx, id) => ctx.loaders.projectById.load(id),
  Build: (ctx, id) => ctx.loaders.buildById.load(id),
  ProcessInstance: (ctx, id) => ctx.loaders.processInstanceById.load(id),
};

async function visibleNode(ctx: Context, type: NodeType, id: string): Promise<object | null> {
  if (type === 'User') {
    return (await visibleUserIds(ctx.db, ctx.principal, [id])).has(id) ? ctx.loaders.userById.load(id) : null;
  }
  const row = await rowOf[type](ctx, id);
  if (!row) return null;
  const scope = parentScopes[type]!(row as never);
  return canSee(await ctx.access.rolesIn(scope), levelOf(scope)) ? row : null;
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
