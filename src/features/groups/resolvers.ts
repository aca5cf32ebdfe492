import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { GroupRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { description, displayName } from '../../graphql/validate.js';
import { findWorkspace, isWorkspaceMember } from '../workspaces/queries.js';
import { deleteGroup, deleteGroupMember, findGroup, insertGroup, insertGroupMember } from './queries.js';

/** The prefix of the system group's name; custom groups may not use it. */
const SYSTEM_PREFIX = 'all_users_';

export const groupResolvers: Resolvers = {
  Workspace: {
    groups: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.groupsPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
  },
  Group: {
    id: (group) => toGlobalId('Group', group.id),
    displayName: (group) => (group.system ? group.description! : group.name),
    role: async (group, _args, ctx) => (await ctx.loaders.groupRole.load(group.id))?.role ?? null,
    members: async (group, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      const rows = await ctx.loaders.groupMembersPage.load({ parentId: group.id, page, tenantId: group.organizationId });
      const connection = toConnection(rows, page, (m) => [m.createdAt.toISOString(), m.userId]);
      return {
        ...connection,
        edges: await Promise.all(connection.edges.map(async (e) => ({ cursor: e.cursor, node: (await ctx.loaders.userById.load(e.node.userId))! }))),
      };
    },
    workspace: async (group, _args, ctx) => (await ctx.loaders.workspaceById.load(group.workspaceId))!,
  },
  Mutation: {
    createGroup: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const workspace = await findWorkspace(tx, expectGlobalId(input.workspaceId, 'Workspace', 'workspaceId'));
      const name = displayName(input.name);
      if (name.startsWith(SYSTEM_PREFIX)) throw badInput(`Group names starting with ${SYSTEM_PREFIX} are reserved for the everyone group`, 'name');
      const group = await insertGroup(tx, {
        organizationId: workspace.organizationId,
        workspaceId: workspace.id,
        name,
        description: description(input.description),
      });
      if (!group) throw conflict(`A group named "${name}" already exists in this workspace`);
      Object.assign(audit, { targetId: toGlobalId('Group', group.id), details: { name } });
      return { group };
    },
    addGroupMember: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const group = await editableGroup(ctx, input.groupId);
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (!(await isWorkspaceMember(tx, group.workspaceId, userId))) throw badInput("userId must be a member of the group's workspace", 'userId');
      if (!(await insertGroupMember(tx, group, userId))) throw conflict('This user is already in the group');
      Object.assign(audit, { targetId: input.groupId, details: { userId: input.userId } });
      return { group };
    },
    removeGroupMember: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const group = await editableGroup(ctx, input.groupId);
      if (!(await deleteGroupMember(tx, group.id, expectGlobalId(input.userId, 'User', 'userId')))) throw notFound('Group member');
      Object.assign(audit, { targetId: input.groupId, details: { userId: input.userId } });
      return { group };
    },
    deleteGroup: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const group = await editableGroup(ctx, input.groupId);
      await deleteGroup(tx, group.id); // its workspace role and project grants go with it
      Object.assign(audit, { targetId: input.groupId, details: { name: group.name } });
      return { workspace: await findWorkspace(tx, group.workspaceId) };
    },
  },
};

/** A custom group, read under the mutation's lock: the everyone group is kept by Orgraph alone. */
async function editableGroup(ctx: Parameters<typeof mutationOf>[0], globalId: string): Promise<GroupRow> {
  const group = await findGroup(mutationOf(ctx).tx, expectGlobalId(globalId, 'Group', 'groupId'));
  if (!group) throw notFound('Group');
  if (group.system) throw conflict("The everyone group's members are the workspace's members; it cannot be edited or deleted");
  return group;
}
