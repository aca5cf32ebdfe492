import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { satisfies } from '../../auth/roles.js';
import { visibleUserIds } from '../users/queries.js';
import type { Context } from '../../context.js';
import type { MachineClientRow, OrganizationRow, UserRow } from '../../db/schema.js';
import { badInput } from '../../errors.js';
import { parseGlobalId, type NodeType } from '../../graphql/global-id.js';

/**
 * `node(id:)` answers with exactly what the other paths would show: an object
 * the caller cannot reach elsewhere reads as null here too.
 */
type NodeRow = OrganizationRow | UserRow | MachineClientRow;

const visibleNode: Record<NodeType, (ctx: Context, id: string) => Promise<NodeRow | null>> = {
  Organization: (ctx, id) => ctx.loaders.visibleOrganizationById.load(id),
  User: async (ctx, id) => ((await visibleUserIds(ctx.db, ctx.principal, [id])).has(id) ? ctx.loaders.userById.load(id) : null),
  // Machine clients are listed to owners only; a client may also see itself (viewer.machineClient).
  MachineClient: async (ctx, id) => {
    const client = await ctx.loaders.machineClientById.load(id);
    if (!client) return null;
    if (ctx.principal.kind === 'machine' && ctx.principal.machineClientId === id) return client;
    return satisfies(await ctx.access.organizationRole(client.organizationId), ['OWNER']) ? client : null;
  },
};

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
