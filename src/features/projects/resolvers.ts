import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { ProjectRole, ProjectRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { displayName, slug } from '../../graphql/validate.js';
import { everyoneGroupOf, findGroup } from '../groups/queries.js';
import { isWorkspaceMember } from '../workspaces/queries.js';
import { deleteGrant, findGrant, findProject, insertProject, projectOwnerGrant, putGrant } from './queries.js';

const PROJECT_RANK: Record<ProjectRole, number> = { PROJECT_VIEWER: 1, PROJECT_EDITOR: 2, PROJECT_OWNER: 3 };

type MutationContext = Parameters<typeof mutationOf>[0];

export const projectResolvers: Resolvers = {
  Workspace: {
    projects: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.projectsPage.load({ parentId: ws.id, page }), page, timeKeyOf);
    },
    project: (ws, { slug: wanted }, ctx) => ctx.loaders.projectBySlug.load({ workspaceId: ws.id, slug: wanted }),
  },
  Project: {
    id: (project) => toGlobalId('Project', project.id),
    workspace: async (project, _args, ctx) => (await ctx.loaders.workspaceById.load(project.workspaceId))!,
    owner: async (project, _args, ctx) => {
      const grants = await ctx.loaders.projectGrants.load({ parentId: project.id, tenantId: project.organizationId });
      return (await ctx.loaders.userById.load(grants.find((g) => g.role === 'PROJECT_OWNER')!.userId!))!;
    },
    viewerRole: async (project, _args, ctx) => {
      const held = await ctx.access.rolesIn({ organizationId: project.organizationId, workspaceId: project.workspaceId, projectId: project.id });
      return [...held.project].sort((a, b) => PROJECT_RANK[b] - PROJECT_RANK[a])[0] ?? null;
    },
    grants: (project, _args, ctx) => ctx.loaders.projectGrants.load({ parentId: project.id, tenantId: project.organizationId }),
  },
  ProjectGrant: {
    user: (grant, _args, ctx) => (grant.userId ? ctx.loaders.userById.load(grant.userId) : null),
    group: (grant, _args, ctx) => (grant.groupId ? ctx.loaders.groupById.load(grant.groupId) : null),
  },
  Mutation: {
    createProject: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      if (ctx.principal.kind !== 'user') throw new Error('createProject is for users only');
      const workspaceId = expectGlobalId(input.workspaceId, 'Workspace', 'workspaceId');
      const everyoneRole = input.everyoneRole ?? null;
      if (everyoneRole === 'PROJECT_OWNER') throw badInput('The everyone group can be PROJECT_EDITOR or PROJECT_VIEWER', 'everyoneRole');
      const values = { workspaceId, slug: slug(input.slug), name: displayName(input.name) };
      const everyone = await everyoneGroupOf(tx, workspaceId);
      const project = await insertProject(tx, { ...values, organizationId: everyone.organizationId });
      if (!project) throw conflict(`A project with slug "${values.slug}" already exists in this workspace`);
      await putGrant(tx, project, { userId: ctx.principal.userId }, 'PROJECT_OWNER');
      if (everyoneRole) await putGrant(tx, project, { groupId: everyone.id }, everyoneRole);
      Object.assign(audit, { projectId: project.id, targetId: toGlobalId('Project', project.id), details: { slug: values.slug, everyoneRole } });
      return { project };
    },
    grantProjectAccess: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const project = await lockedProject(ctx, input.projectId);
      if (input.role === 'PROJECT_OWNER') throw badInput('Ownership changes only by transferProjectOwnership', 'role');
      const grantee = await projectGrantee(ctx, project, input.userId ?? null, input.groupId ?? null);
      if ((await findGrant(tx, project.id, grantee))?.role === 'PROJECT_OWNER') {
        throw conflict("The owner's role changes only by transferProjectOwnership");
      }
      await putGrant(tx, project, grantee, input.role);
      Object.assign(audit, { targetId: input.userId ?? input.groupId, details: { role: input.role } });
      return { project };
    },
    revokeProjectAccess: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const project = await lockedProject(ctx, input.projectId);
      const grantee = await projectGrantee(ctx, project, input.userId ?? null, input.groupId ?? null);
      const grant = await findGrant(tx, project.id, grantee);
      if (!grant) throw notFound('Project grant');
      if (grant.role === 'PROJECT_OWNER') throw conflict('The owner keeps the project until ownership is transferred');
      await deleteGrant(tx, project.id, grantee);
      Object.assign(audit, { targetId: input.userId ?? input.groupId, details: { role: grant.role } });
      return { project };
    },
    transferProjectOwnership: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const project = await lockedProject(ctx, input.projectId);
      const newOwnerId = expectGlobalId(input.newOwnerUserId, 'User', 'newOwnerUserId');
      if (!(await isWorkspaceMember(tx, project.workspaceId, newOwnerId))) {
        throw badInput("newOwnerUserId must be a member of the project's workspace", 'newOwnerUserId');
      }
      const current = await projectOwnerGrant(tx, project.id);
      if (current.userId === newOwnerId) throw conflict('This user already owns the project');
      // Demote first: the database allows one owner row at a time, and requires one at commit.
      await putGrant(tx, project, { userId: current.userId! }, 'PROJECT_EDITOR');
      await putGrant(tx, project, { userId: newOwnerId }, 'PROJECT_OWNER');
      Object.assign(audit, {
        targetId: input.projectId,
        details: { from: toGlobalId('User', current.userId!), to: input.newOwnerUserId },
      });
      return { project };
    },
  },
};

/** The project an input names, read inside the mutation's transaction. */
export async function lockedProject(ctx: MutationContext, globalId: string): Promise<ProjectRow> {
  const project = await findProject(mutationOf(ctx).tx, expectGlobalId(globalId, 'Project', 'projectId'));
  if (!project) throw notFound('Project');
  return project;
}

/** A workspace member or a group of the project's workspace: exactly one. */
async function projectGrantee(ctx: MutationContext, project: ProjectRow, userGlobalId: string | null, groupGlobalId: string | null) {
  const { tx } = mutationOf(ctx);
  if ((userGlobalId === null) === (groupGlobalId === null)) throw badInput('Give exactly one of userId or groupId', 'input');
  if (userGlobalId !== null) {
    const userId = expectGlobalId(userGlobalId, 'User', 'userId');
    if (!(await isWorkspaceMember(tx, project.workspaceId, userId))) {
      throw badInput("userId must be a member of the project's workspace", 'userId');
    }
    return { userId };
  }
  const group = await findGroup(tx, expectGlobalId(groupGlobalId!, 'Group', 'groupId'));
  if (!group || group.workspaceId !== project.workspaceId) throw notFound('Group');
  return { groupId: group.id };
}
