import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { WorkspaceResourceRow, WorkspaceRow } from '../../db/schema.js';
import { WORKSPACE_INCLUDES } from '../../access/roles.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { expectGlobalId, toCompositeId, toGlobalId } from '../../lib/global-id.js';
import { displayName, jsonObject, slug, text } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import type { Context } from '../context.js';
import { findMember } from '../organizations/member-queries.js';
import { granteeId, granteeOf } from './grantee.js';
import {
  findWorkspace,
  insertWorkspace,
  isWorkspaceMember,
  ownedProjectCount,
  removeWorkspaceMember,
  setWorkspaceRole,
  updateWorkspaceRow,
  upsertWorkspaceResource,
  type InWorkspace,
} from './workspace-queries.js';

const WORKSPACE_ROLES = ['WORKSPACE_ADMIN', 'WORKSPACE_USER', 'THEME_EDITOR', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR'] as const;

export const inWorkspace = (ws: WorkspaceRow): InWorkspace => ({ organizationId: ws.organizationId, workspaceId: ws.id });

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
    organization: (ws, _args, ctx) => ctx.loaders.organizationById.load(ws.organizationId),
    viewerRoles: async (ws, _args, ctx) => [...(await ctx.access.rolesIn({ organizationId: ws.organizationId, workspaceId: ws.id })).workspace],
    members: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.workspaceMembersPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
    themes: (ws, _args, ctx) => ctx.loaders.themes.load({ parentId: ws.id, tenantId: ws.organizationId }),
    fonts: (ws, _args, ctx) => ctx.loaders.fonts.load({ parentId: ws.id, tenantId: ws.organizationId }),
    roles: () => WORKSPACE_ROLES.map((role) => ({ role, includes: WORKSPACE_INCLUDES[role].filter((r) => r !== role) })),
    searchPrincipals: (ws, { query }, ctx) => {
      const wanted = query.trim();
      if (wanted.length < 1 || wanted.length > 100) throw badInput('query must be 1 to 100 characters', 'query');
      return ctx.loaders.searchPrincipals.load({ workspaceId: ws.id, organizationId: ws.organizationId, query: wanted.toLowerCase() });
    },
  },
  PrincipalMatch: {
    __resolveType: (match) => ('subject' in match ? 'User' : 'Group'),
  },
  WorkspaceMember: {
    id: (member) => toCompositeId('WorkspaceMember', member.workspaceId, member.userId),
    user: (member, _args, ctx) => ctx.loaders.userById.load(member.userId),
  },
  Theme: {
    id: (theme) => toGlobalId('Theme', theme.id),
    tokens: (theme) => theme.body.tokens,
  },
  Font: {
    id: (font) => toGlobalId('Font', font.id),
    family: (font) => font.name,
    source: (font) => font.body.source as string,
  },
  Mutation: {
    createWorkspace: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const values = { organizationId: scope.id, slug: slug(input.slug), name: displayName(input.name) };
      // The database creates its "Everyone from <name>" group in the same statement.
      const workspace = await insertWorkspace(tx, values);
      if (!workspace) throw conflict(`A workspace with slug "${values.slug}" already exists in this organization`);
      Object.assign(audit, { workspaceId: workspace.id, targetId: toGlobalId('Workspace', workspace.id), details: { slug: values.slug, name: values.name } });
      return { workspace };
    },
    setWorkspaceRole: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      const ws = inWorkspace(workspace);
      const grantee = await granteeOf(tx, ws, input, async (userId) => (await findMember(tx, ws.organizationId, userId)) !== null, 'a member of the organization');
      await setWorkspaceRole(tx, ws, grantee, input.role);
      Object.assign(audit, { targetId: granteeId(grantee), details: { role: input.role } });
      return { workspace };
    },
    removeWorkspaceMember: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (!(await isWorkspaceMember(tx, inWorkspace(workspace), userId))) throw notFound('Workspace member');
      if ((await ownedProjectCount(tx, userId, inWorkspace(workspace))) > 0) {
        throw conflict('This member owns projects in the workspace; transfer their ownership first');
      }
      await removeWorkspaceMember(tx, inWorkspace(workspace), userId);
      Object.assign(audit, { targetId: toGlobalId('User', userId) });
      return { workspace };
    },
    updateWorkspace: async (_parent, { input }, ctx) => {
      const { tx, audit, workspace } = await workspaceInScope(ctx);
      const values = {
        ...(input.name != null ? { name: displayName(input.name) } : {}),
        ...(input.settings != null ? { settings: jsonObject(input.settings, 'settings') } : {}),
      };
      if (Object.keys(values).length === 0) throw badInput('Give name or settings to change', 'input');
      Object.assign(audit, { targetId: toGlobalId('Workspace', workspace.id), details: { changed: Object.keys(values) } });
      return { workspace: await updateWorkspaceRow(tx, workspace, values) };
    },
    saveTheme: async (_parent, { input }, ctx) => {
      const theme = await saveWorkspaceResource(ctx, 'THEME', displayName(input.name), { tokens: jsonObject(input.tokens, 'tokens') });
      return { theme };
    },
    saveFont: async (_parent, { input }, ctx) => {
      const font = await saveWorkspaceResource(ctx, 'FONT', displayName(input.family, 'family'), { source: text(input.source, 'source', 2000) });
      return { font };
    },
  },
};

/** The workspace the mutation's scope names (or the workspace of the group it names), read under the organization's lock. */
export async function workspaceInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const workspace = scope.workspaceId ? await findWorkspace(tx, { organizationId: scope.organizationId, id: scope.workspaceId }) : null;
  if (!workspace) throw notFound('Workspace');
  return { tx, audit, scope, workspace };
}

/** Creates or updates a named resource of the workspace the mutation's scope names. */
export async function saveWorkspaceResource(ctx: Context, kind: WorkspaceResourceRow['kind'], name: string, body: Record<string, unknown>) {
  const { tx, audit, workspace } = await workspaceInScope(ctx);
  const row = await upsertWorkspaceResource(tx, { ...inWorkspace(workspace), kind, name, body });
  Object.assign(audit, { targetId: toGlobalId('Workspace', workspace.id), details: { kind, name } });
  return row;
}
