import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { expectGlobalId, toGlobalId } from '../../lib/global-id.js';
import { description, displayName } from '../../lib/validate.js';
import type { Context } from '../context.js';
import { deleteGroup, deleteGroupMember, findGroup, insertGroup, insertGroupMember, insertGroupMembers } from './group-queries.js';
import { isWorkspaceMember, workspaceMembersAmong } from './workspace-queries.js';
import { inWorkspace, workspaceInScope } from './workspace-resolvers.js';

/** The prefix of the system group's name; custom groups may not use it. */
const SYSTEM_PREFIX = 'all_users_';
/** The most users one addGroupMembers adds: a bounded statement, whatever the request holds. */
const MAX_BULK = 100;

export const groupResolvers: Resolvers = {
  Workspace: {
    groups: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.groupsPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
  },
  Group: {
    id: (group) => toGlobalId('Group', group.id),
    displayName: (group) => (group.system ? (group.description ?? group.name) : group.name),
    role: async (group, _args, ctx) => (await ctx.loaders.groupRoles.load({ parentId: group.id, tenantId: group.organizationId }))[0]?.role ?? null,
    members: async (group, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      const rows = await ctx.loaders.groupMembersPage.load({ parentId: group.id, page, tenantId: group.organizationId });
      const connection = toConnection(rows, page, (m) => [m.createdAt.toISOString(), m.userId]);
      return {
        ...connection,
        edges: await Promise.all(connection.edges.map(async (e) => ({ cursor: e.cursor, node: await ctx.loaders.userById.load(e.node.userId) }))),
      };
    },
    workspace: (group, _args, ctx) => ctx.loaders.workspaceById.load({ id: group.workspaceId, organizationId: group.organizationId }),
  },
  Mutation: {
    createGroup: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      const name = displayName(input.name);
      if (name.startsWith(SYSTEM_PREFIX)) throw badInput(`Group names starting with ${SYSTEM_PREFIX} are reserved for the everyone group`, 'name');
      const group = await insertGroup(tx, { ...inWorkspace(workspace), name, description: description(input.description) });
      if (!group) throw conflict(`A group named "${name}" already exists in this workspace`);
      Object.assign(audit, { targetId: toGlobalId('Group', group.id), details: { name } });
      return { group };
    },
    addGroupMember: async (_parent, { input }, ctx) => {
      const { tx, audit, group } = await editableGroup(ctx);
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (!(await isWorkspaceMember(tx, group, userId))) throw badInput("userId must be a member of the group's workspace", 'userId');
      if (!(await insertGroupMember(tx, group, userId))) throw conflict('This user is already in the group');
      Object.assign(audit, { targetId: toGlobalId('Group', group.id), details: { userId: toGlobalId('User', userId) } });
      return { group };
    },
    addGroupMembers: async (_parent, { input }, ctx) => {
      const { tx, audit, group } = await editableGroup(ctx);
      if (input.userIds.length < 1 || input.userIds.length > MAX_BULK) throw badInput(`userIds must list 1 to ${MAX_BULK} users`, 'userIds');
      const userIds = input.userIds.map((id) => expectGlobalId(id, 'User', 'userIds'));
      if (new Set(userIds).size !== userIds.length) throw badInput('userIds must not name a user twice', 'userIds');
      const members = await workspaceMembersAmong(tx, group, userIds);
      const outsider = userIds.find((id) => !members.has(id));
      if (outsider) throw badInput(`userIds must all be members of the group's workspace; ${toGlobalId('User', outsider)} is not`, 'userIds');
      // All or nothing: one user already in the group refuses the whole change (the transaction rolls back).
      if ((await insertGroupMembers(tx, group, userIds)) !== userIds.length) throw conflict('Some of these users are already in the group');
      Object.assign(audit, { targetId: toGlobalId('Group', group.id), details: { userIds: userIds.map((id) => toGlobalId('User', id)) } });
      return { group };
    },
    removeGroupMember: async (_parent, { input }, ctx) => {
      const { tx, audit, group } = await editableGroup(ctx);
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (!(await deleteGroupMember(tx, group, userId))) throw notFound('Group member');
      Object.assign(audit, { targetId: toGlobalId('Group', group.id), details: { userId: toGlobalId('User', userId) } });
      return { group };
    },
    deleteGroup: async (_parent, _args, ctx) => {
      const { tx, audit, group, workspace } = await editableGroup(ctx);
      await deleteGroup(tx, group); // its workspace role and project grants go with it
      Object.assign(audit, { targetId: toGlobalId('Group', group.id), details: { name: group.name } });
      return { workspace };
    },
  },
};

/** The custom group the mutation's scope names, read under the lock: the everyone group is kept by Orgraph alone. */
async function editableGroup(ctx: Context) {
  const { tx, audit, scope, workspace } = await workspaceInScope(ctx);
  const group = await findGroup(tx, scope);
  if (!group) throw notFound('Group');
  if (group.system) throw conflict("The everyone group's members are the workspace's members; it cannot be edited or deleted");
  return { tx, audit, group, workspace };
}
