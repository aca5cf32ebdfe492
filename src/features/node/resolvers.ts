import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { visibleUserIds } from '../users/queries.js';
import type { Context } from '../../context.js';
import type { EnvironmentRow, MachineClientRow, OrganizationRow, PackageRow, UserRow } from '../../db/schema.js';
import { badInput } from '../../errors.js';
import { parseGlobalId, type NodeType } from '../../graphql/global-id.js';

/**
 * `node(id:)` answers with exactly what the other paths would show: an object
 * the caller cannot reach elsewhere reads as null here too.
 */
type NodeRow = OrganizationRow | UserRow | MachineClientRow | EnvironmentRow | PackageRow;

const visibleNode: Record<NodeType, (ctx: Context, id: string) => Promise<NodeRow | null>> = {
  Organization: (ctx, id) => ctx.loaders.visibleOrganizationById.load(id),
  User: async (ctx, id) => ((await visibleUserIds(ctx.db, ctx.principal, [id])).has(id) ? ctx.loaders.userById.load(id) : null),
  MachineClient: (ctx, id) => inVisibleOrganization(ctx, ctx.loaders.machineClientById.load(id)),
  Environment: (ctx, id) => inVisibleOrganization(ctx, ctx.loaders.environmentById.load(id)),
  Package: (ctx, id) => inVisibleOrganization(ctx, ctx.loaders.packageById.load(id)),
};

/** Objects inside an organization are visible to whoever sees the organization. */
async function inVisibleOrganization<T extends { organizationId: string }>(ctx: Context, row: Promise<T | null>): Promise<T | null> {
  const found = await row;
  return found && (await ctx.access.organizationRole(found.organizationId)) ? found : null;
}

export const nodeResolvers: Resolvers = {
  Query: {
    node: async (_parent, { id }, ctx) => {
      const parsed = parseGlobalId(id);
      if (!parsed) throw badInput('id is not a valid ID', 'id');
      const row = await visibleNode[parsed.type](ctx, parsed.id);
      // graphql-js resolves the interface's concrete type from `__typename`.
      return row && Object.assign({ __typename: parsed.type }, row);
    },
  },
};
