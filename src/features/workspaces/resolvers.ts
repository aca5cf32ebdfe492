import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { displayName, jsonObject, slug, text } from '../../graphql/validate.js';
import { auditConnection } from '../audit/resolvers.js';
import { findGroup } from '../groups/queries.js';
import { findMember } from '../members/queries.js';
import { findWorkspace, insertWorkspace, isWorkspaceMember, ownedProjectCount, removeWorkspaceMember, setWorkspaceRole, upsertWorkspaceResource } from './queries.js';

export const workspaceResolvers: Resolvers = {
  Organization: {
    workspaces: async (org, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.workspacesPage.load({ parentId: org.id, page }), page, timeKeyOf);
    },
    workspace: (org, { slug: wanted }, ctx) => ctx.loaders.workspaceBySlug.load({ organizationId: org.id, slug: wanted }),
  },
  Workspace: {
    id: (ws) => toGlobalId('Workspace', ws.id),
    organization: async (ws, _args, ctx) => (await ctx.loaders.visibleOrganizationById.load(ws.organizationId))!,
    viewerRoles: async (ws, _args, ctx) => [...(await ctx.access.rolesIn({ organizationId: ws.organizationId, workspaceId: ws.id })).workspace],
    members: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.workspaceMembersPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
    themes: (ws, _args, ctx) => ctx.loaders.themes.load({ parentId: ws.id, tenantId: ws.organizationId }),
    fonts: (ws, _args, ctx) => ctx.loaders.fonts.load({ parentId: ws.id, tenantId: ws.organizationId }),
    auditLog: (ws, args, ctx) => auditConnection(ctx, { workspaceId: ws.id }, args),
  },
  WorkspaceMember: {
    user: async (member, _args, ctx) => (await ctx.loaders.userById.load(member.userId!))!,
  },
  Theme: {
    tokens: (theme) => theme.body.tokens,
  },
  Font: {
    family: (font) => font.name,
    source: (font) => font.body.source as string,
  },
  Mutation: {
    createWorkspace: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const organizationId = expectGlobalId(input.organizationId, 'Organization', 'organizationId');
      const values = { organizationId, slug: slug(input.slug), name: displayName(input.name) };
      // The database creates its "Everyone from <name>" group in the same statement.
      const workspace = await insertWorkspace(tx, values);
      if (!workspace) throw conflict(`A workspace with slug "${values.slug}" already exists in this organization`);
      Object.assign(audit, { workspaceId: workspace.id, targetId: toGlobalId('Workspace', workspace.id), details: { slug: values.slug, name: values.name } });
      return { workspace };
    },
    setWorkspaceRole: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const workspace = await findWorkspace(tx, expectGlobalId(input.workspaceId, 'Workspace', 'workspaceId'));
      const grantee = await workspaceGrantee(ctx, workspace, input.userId ?? null, input.groupId ?? null);
      await setWorkspaceRole(tx, { organizationId: workspace.organizationId, workspaceId: workspace.id, ...grantee, role: input.role });
      Object.assign(audit, { targetId: input.userId ?? input.groupId, details: { role: input.role } });
      return { workspace };
    },
    removeWorkspaceMember: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const workspace = await findWorkspace(tx, expectGlobalId(input.workspaceId, 'Workspace', 'workspaceId'));
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (!(await isWorkspaceMember(tx, workspace.id, userId))) throw notFound('Workspace member');
      if ((await ownedProjectCount(tx, userId, { workspaceId: workspace.id })) > 0) {
        throw conflict('This member owns projects in the workspace; transfer their ownership first');
      }
      await removeWorkspaceMember(tx, workspace.id, userId);
      Object.assign(audit, { targetId: input.userId });
      return { workspace };
    },
    saveTheme: async (_parent, { input }, ctx) => {
      const theme = await saveWorkspaceResource(ctx, input.workspaceId, 'THEME', displayName(input.name), {
        tokens: jsonObject(input.tokens, 'tokens'),
      });
      return { theme };
    },
    saveFont: async (_parent, { input }, ctx) => {
      const font = await saveWorkspaceResource(ctx, input.workspaceId, 'FONT', displayName(input.family, 'family'), {
        source: text(input.source, 'source', 2000),
      });
      return { font };
    },
  },
};

async function saveWorkspaceResource(
  ctx: Parameters<typeof mutationOf>[0],
  workspaceGlobalId: string,
  kind: 'THEME' | 'FONT',
  name: string,
  body: Record<string, unknown>,
) {
  const { tx, audit } = mutationOf(ctx);
  const workspace = await findWorkspace(tx, expectGlobalId(workspaceGlobalId, 'Workspace', 'workspaceId'));
  const row = await upsertWorkspaceResource(tx, { organizationId: workspace.organizationId, workspaceId: workspace.id, kind, name, body });
  Object.assign(audit, { targetId: workspaceGlobalId, details: { kind, name } });
  return row;
}

/** A user of the organization, or a group of this workspace: exactly one. */
async function workspaceGrantee(
  ctx: Parameters<typeof mutationOf>[0],
  workspace: { id: string; organizationId: string },
  userGlobalId: string | null,
  groupGlobalId: string | null,
): Promise<{ userId: string | null; groupId: string | null }> {
  const { tx } = mutationOf(ctx);
  if ((userGlobalId === null) === (groupGlobalId === null)) throw badInput('Give exactly one of userId or groupId', 'input');
  if (userGlobalId !== null) {
    const userId = expectGlobalId(userGlobalId, 'User', 'userId');
    if (!(await findMember(tx, workspace.organizationId, userId))) throw badInput('userId must be a member of the organization', 'userId');
    return { userId, groupId: null };
  }
  const group = await findGroup(tx, expectGlobalId(groupGlobalId!, 'Group', 'groupId'));
  if (!group || group.workspaceId !== workspace.id) throw notFound('Group');
  return { userId: null, groupId: group.id };
}
