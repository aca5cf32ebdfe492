import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { Tx } from '../../db/client.js';
import type { ProjectRole, ProjectRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { expectGlobalId, toCompositeId, toGlobalId } from '../../lib/global-id.js';
import { displayName, slug } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import type { Context } from '../context.js';
import { userOf } from '../principals.js';
import { granteeId, granteeOf, type Grantee, type GranteeInput } from '../workspaces/grantee.js';
import { everyoneGroupOf } from '../workspaces/group-queries.js';
import { findWorkspace, isWorkspaceMember } from '../workspaces/workspace-queries.js';
import { workspaceInScope } from '../workspaces/workspace-resolvers.js';
import {
  buildsFromLibrary,
  deleteGrant,
  deleteProjectRow,
  findGrant,
  findProject,
  insertProject,
  projectOwnerGrant,
  putGrant,
  type ProjectKind,
} from './project-queries.js';

const PROJECT_RANK: Record<ProjectRole, number> = { PROJECT_VIEWER: 1, PROJECT_EDITOR: 2, PROJECT_OWNER: 3 };

const inWorkspaceOf = (project: ProjectRow) => ({ organizationId: project.organizationId, workspaceId: project.workspaceId });

export const projectResolvers: Resolvers = {
  Workspace: {
    projects: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.projectsPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
    project: (ws, { slug: wanted }, ctx) => ctx.loaders.projectBySlug.load({ workspaceId: ws.id, slug: wanted }),
  },
  Project: {
    id: (project) => globalIdOfProject(project),
    workspace: (project, _args, ctx) => ctx.loaders.workspaceById.load({ id: project.workspaceId, organizationId: project.organizationId }),
    owner: async (project, _args, ctx) => {
      const grants = await ctx.loaders.projectGrants.load({ parentId: project.id, tenantId: project.organizationId });
      // The database keeps exactly one owner grant per project, always a user's.
      const owner = grants.find((g) => g.role === 'PROJECT_OWNER')?.userId;
      if (!owner) throw new Error(`project ${project.id} has no owner`);
      return ctx.loaders.userById.load(owner);
    },
    viewerRole: async (project, _args, ctx) => {
      const held = await ctx.access.rolesIn({ organizationId: project.organizationId, workspaceId: project.workspaceId, projectId: project.id });
      return [...held.project].sort((a, b) => PROJECT_RANK[b] - PROJECT_RANK[a])[0] ?? null;
    },
    grants: (project, _args, ctx) => ctx.loaders.projectGrants.load({ parentId: project.id, tenantId: project.organizationId }),
  },
  ProjectGrant: {
    // The grantee, not the row: a regrant after a revoke is a new row, and the same grant to a cache.
    id: (grant) => toCompositeId('ProjectGrant', grant.projectId, (grant.userId ?? grant.groupId)!),
    user: (grant, _args, ctx) => (grant.userId ? ctx.loaders.userById.load(grant.userId) : null),
    group: (grant, _args, ctx) => (grant.groupId ? ctx.loaders.groupById.load({ id: grant.groupId, organizationId: grant.organizationId }) : null),
  },
  Mutation: {
    createProject: async (_parent, { input }, ctx) => ({ project: await createProjectOfKind(ctx, input, 'PROJECT') }),
    deleteProject: async (_parent, _args, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      if (project.kind === 'LIBRARY' && (await buildsFromLibrary(tx, project)) > 0) {
        throw conflict("Builds were made from this library's versions; it cannot be deleted");
      }
      const workspace = await findWorkspace(tx, { organizationId: project.organizationId, id: project.workspaceId });
      if (!workspace) throw notFound('Workspace');
      const deletedProjectId = globalIdOfProject(project);
      await deleteProjectRow(tx, project);
      // The audit events of the project keep its id: the trail outlives what it describes.
      Object.assign(audit, { targetId: deletedProjectId, details: { slug: project.slug, kind: project.kind } });
      return { deletedProjectId, workspace };
    },
    grantProjectAccess: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      if (input.role === 'PROJECT_OWNER') throw badInput('Ownership changes only by transferProjectOwnership', 'role');
      const grantee = await projectGrantee(tx, project, input);
      if ((await findGrant(tx, project, grantee))?.role === 'PROJECT_OWNER') {
        throw conflict("The owner's role changes only by transferProjectOwnership");
      }
      await putGrant(tx, project, grantee, input.role);
      Object.assign(audit, { targetId: granteeId(grantee), details: { role: input.role } });
      return { project };
    },
    revokeProjectAccess: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      const grantee = await projectGrantee(tx, project, input);
      const grant = await findGrant(tx, project, grantee);
      if (!grant) throw notFound('Project grant');
      if (grant.role === 'PROJECT_OWNER') throw conflict('The owner keeps the project until ownership is transferred');
      await deleteGrant(tx, project, grantee);
      Object.assign(audit, { targetId: granteeId(grantee), details: { role: grant.role } });
      return { project };
    },
    transferProjectOwnership: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      const newOwnerId = expectGlobalId(input.newOwnerUserId, 'User', 'newOwnerUserId');
      if (!(await isWorkspaceMember(tx, inWorkspaceOf(project), newOwnerId))) {
        throw badInput("newOwnerUserId must be a member of the project's workspace", 'newOwnerUserId');
      }
      const current = await projectOwnerGrant(tx, project);
      if (current.userId === newOwnerId) throw conflict('This user already owns the project');
      // Demote first: the database allows one owner row at a time, and requires one at commit.
      await putGrant(tx, project, { userId: current.userId, groupId: null }, 'PROJECT_EDITOR');
      await putGrant(tx, project, { userId: newOwnerId, groupId: null }, 'PROJECT_OWNER');
      Object.assign(audit, {
        targetId: globalIdOfProject(project),
        details: { from: toGlobalId('User', current.userId), to: toGlobalId('User', newOwnerId) },
      });
      return { project };
    },
  },
};

/** A project's global ID, or a library's when the row is one (libraries are read as projects by the project mutations). */
export const globalIdOfProject = (project: ProjectRow) => toGlobalId(project.kind === 'LIBRARY' ? 'Library' : 'Project', project.id);

/**
 * Creates a project or a library in the workspace the mutation's scope
 * names: the caller becomes its PROJECT_OWNER, and the everyone group gets
 * `everyoneRole` (pre-selected: PROJECT_VIEWER).
 */
export async function createProjectOfKind(
  ctx: Context,
  input: { slug: string; name: string; everyoneRole?: ProjectRole | null },
  kind: ProjectKind,
): Promise<ProjectRow> {
  const { tx, audit, workspace } = await workspaceInScope(ctx);
  const user = userOf(ctx); // the rule admits users only
  const everyoneRole = input.everyoneRole ?? null;
  if (everyoneRole === 'PROJECT_OWNER') throw badInput('The everyone group can be PROJECT_EDITOR or PROJECT_VIEWER', 'everyoneRole');
  const values = { organizationId: workspace.organizationId, workspaceId: workspace.id, slug: slug(input.slug), name: displayName(input.name), kind };
  // Projects and libraries share their slugs' namespace within a workspace.
  const project = await insertProject(tx, values);
  if (!project) throw conflict(`A project or library with slug "${values.slug}" already exists in this workspace`);
  await putGrant(tx, project, { userId: user.userId, groupId: null }, 'PROJECT_OWNER');
  if (everyoneRole) {
    const everyone = await everyoneGroupOf(tx, inWorkspaceOf(project));
    await putGrant(tx, project, { userId: null, groupId: everyone.id }, everyoneRole);
  }
  Object.assign(audit, { projectId: project.id, targetId: globalIdOfProject(project), details: { slug: values.slug, everyoneRole } });
  return project;
}

/** The project the mutation's scope names, read under its organization's lock. */
export async function projectInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const project = scope.projectId ? await findProject(tx, { organizationId: scope.organizationId, id: scope.projectId }) : null;
  if (!project) throw notFound('Project');
  return { tx, audit, scope, project };
}

/** A member of the project's workspace, or a group of it: exactly one. */
function projectGrantee(tx: Tx, project: ProjectRow, input: GranteeInput): Promise<Grantee> {
  const ws = inWorkspaceOf(project);
  return granteeOf(tx, ws, input, (userId) => isWorkspaceMember(tx, ws, userId), "a member of the project's workspace");
}
