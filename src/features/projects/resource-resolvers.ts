import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { canSee } from '../../access/roles.js';
import type { ProjectResourceRow, ProjectRow } from '../../db/schema.js';
import { badInput, conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { expectGlobalId, toGlobalId } from '../../lib/global-id.js';
import { jsonObject, jsonValue, key, packageVersion, text } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import type { Context } from '../context.js';
import { CONFIGURATION, exportOf, type ConfigurationKind, type ResourceKind } from './configuration.js';
import { setActiveBuild } from './project-queries.js';
import { globalIdOfProject, projectInScope } from './project-resolvers.js';
import {
  deleteProjectResource,
  findBuild,
  findLibraryVersionInWorkspace,
  findProcessInstance,
  findProjectResource,
  insertBuild,
  insertOperation,
  insertProcessInstance,
  setInstanceVariable,
  upsertProjectResource,
} from './resource-queries.js';

export const tenantOf = (project: { id: string; organizationId: string }) => ({ parentId: project.id, tenantId: project.organizationId });
export const placementOf = (project: ProjectRow) => ({ organizationId: project.organizationId, workspaceId: project.workspaceId, projectId: project.id });
export const userIdOf = (ctx: Context) => (ctx.principal.kind === 'user' ? ctx.principal.userId : null);

/** The project's resources of one kind, from the one batched read of all of them. */
export const resourcesOfKind = async (project: ProjectRow, ctx: Context, kind: ResourceKind) =>
  (await ctx.loaders.projectResources.load(tenantOf(project))).filter((r) => r.kind === kind);

type AnyResolver = (parent: never, args: never, ctx: Context) => unknown;

/** Each configuration kind's type: its global ID, its name field (when not `name`), and each content field read from the row's body. */
const typeResolvers = (c: ConfigurationKind) => ({
  id: (row: ProjectResourceRow) => toGlobalId(c.type, row.id),
  ...(c.nameField === 'name' ? {} : { [c.nameField]: (row: ProjectResourceRow) => row.name }),
  ...Object.fromEntries(c.content.map((f) => [f, (row: ProjectResourceRow) => row.body[f]])),
});

const configurationResolvers = {
  Project: Object.fromEntries(
    CONFIGURATION.map((c): [string, AnyResolver] => [c.list, ((project: ProjectRow, _args: unknown, ctx: Context) => resourcesOfKind(project, ctx, c.kind)) as AnyResolver]),
  ),
  ...Object.fromEntries(
    CONFIGURATION.map((c) => [c.type, typeResolvers(c)]),
  ),
  Mutation: Object.fromEntries(
    CONFIGURATION.map((c): [string, AnyResolver] => [
      c.mutation,
      (async (_parent: unknown, { input }: { input: Record<string, unknown> }, ctx: Context) => {
        const { name, body } = c.read(input);
        return { [c.payload]: await saveResource(ctx, c.kind, name, body) };
      }) as AnyResolver,
    ]),
  ),
} as Resolvers;

export const projectResourceResolvers: Resolvers = {
  ...configurationResolvers,
  Project: {
    ...configurationResolvers.Project,
    export: async (project, _args, ctx) => ({
      project: { slug: project.slug, name: project.name, kind: project.kind },
      resources: exportOf(await ctx.loaders.projectResources.load(tenantOf(project))),
    }),
    configParameters: (project, _args, ctx) => resourcesOfKind(project, ctx, 'CONFIG_PARAMETER'),
    builds: (project, _args, ctx) => ctx.loaders.builds.load(tenantOf(project)),
    activePolicy: (project, _args, ctx) => (project.activeBuildId ? ctx.loaders.buildById.load({ id: project.activeBuildId, organizationId: project.organizationId }) : null),
    processInstances: async (project, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      const rows = await ctx.loaders.processInstancesPage.load({ ...tenantOf(project), page });
      return toConnection(rows, page, timeKeyOf);
    },
  },
  Workspace: {
    processInstances: async (ws, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      return toConnection(await ctx.loaders.workspaceInstancesPage.load({ parentId: ws.id, tenantId: ws.organizationId, page }), page, timeKeyOf);
    },
  },
  ConfigParameter: {
    id: (row) => toGlobalId('ConfigParameter', row.id),
    key: (row) => row.name,
    value: (row) => row.body.value as string,
  },
  Build: { id: (build) => toGlobalId('Build', build.id) },
  ProcessInstance: {
    id: (instance) => toGlobalId('ProcessInstance', instance.id),
    startedBy: (instance, _args, ctx) => (instance.startedByUserId ? ctx.loaders.userById.load(instance.startedByUserId) : null),
    organization: (instance, _args, ctx) => ctx.loaders.organizationById.load(instance.organizationId),
    startedAt: (instance) => instance.createdAt,
    operations: (instance, _args, ctx) => ctx.loaders.operations.load({ parentId: instance.id, tenantId: instance.organizationId }),
  },
  ProcessOperation: {
    createdBy: (op, _args, ctx) => (op.createdByUserId ? ctx.loaders.userById.load(op.createdByUserId) : null),
  },
  Mutation: {
    ...configurationResolvers.Mutation,
    setConfigParameter: async (_parent, { input }, ctx) => ({
      configParameter: await saveResource(ctx, 'CONFIG_PARAMETER', key(input.key, 'key'), { value: text(input.value, 'value', 10_000) }),
    }),
    deleteConfigParameter: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await runtimeProjectInScope(ctx);
      if (!(await deleteProjectResource(tx, project, 'CONFIG_PARAMETER', input.key))) throw notFound(`Configuration parameter "${input.key}"`);
      Object.assign(audit, { targetId: globalIdOfProject(project), details: { kind: 'CONFIG_PARAMETER', key: input.key } });
      return { deletedKey: input.key, project };
    },
    createBuild: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await runtimeProjectInScope(ctx);
      const version = packageVersion(input.version);
      const libraryVersionId = input.libraryVersionId == null ? null : expectGlobalId(input.libraryVersionId, 'LibraryVersion', 'libraryVersionId');
      // A library version of the same workspace that the caller can see: the build takes it as it was published.
      if (libraryVersionId && !(await libraryVersionVisible(ctx, project, libraryVersionId))) throw notFound('Library version');
      const build = await insertBuild(tx, { ...placementOf(project), version, libraryVersionId, createdByUserId: userIdOf(ctx) });
      if (!build) throw conflict(`Build ${version} already exists in this project`);
      const details = { version, ...(libraryVersionId ? { libraryVersionId: toGlobalId('LibraryVersion', libraryVersionId) } : {}) };
      Object.assign(audit, { targetId: toGlobalId('Build', build.id), details });
      return { build };
    },
    setActivePolicy: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await runtimeProjectInScope(ctx);
      const build = await findBuild(tx, project, expectGlobalId(input.buildId, 'Build', 'buildId'));
      if (!build) throw notFound('Build');
      Object.assign(audit, { targetId: toGlobalId('Project', project.id), details: { buildId: toGlobalId('Build', build.id), version: build.version } });
      return { project: await setActiveBuild(tx, project, build.id) };
    },
    startProcessInstance: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await runtimeProjectInScope(ctx);
      if (!(await findProjectResource(tx, project, 'PROCESS', input.processName))) throw notFound(`Process "${input.processName}"`);
      // The instance's organization is its initiator's: the organization the caller acts in here (a machine client's own).
      const processInstance = await insertProcessInstance(tx, {
        ...placementOf(project),
        processName: input.processName,
        variables: input.variables == null ? {} : jsonObject(input.variables, 'variables'),
        startedByUserId: userIdOf(ctx),
      });
      Object.assign(audit, { targetId: toGlobalId('ProcessInstance', processInstance.id), details: { processName: input.processName } });
      return { processInstance };
    },
    createOperation: async (_parent, { input }, ctx) => {
      const { tx, audit, instance } = await instanceInScope(ctx);
      const operation = await insertOperation(tx, {
        organizationId: instance.organizationId,
        workspaceId: instance.workspaceId,
        projectId: instance.projectId,
        processInstanceId: instance.id,
        kind: input.kind,
        createdByUserId: userIdOf(ctx),
      });
      Object.assign(audit, { targetId: toGlobalId('ProcessInstance', instance.id), details: { kind: input.kind } });
      return { operation };
    },
    setProcessVariable: async (_parent, { input }, ctx) => {
      const { tx, audit, instance } = await instanceInScope(ctx);
      const name = key(input.name, 'name');
      const processInstance = await setInstanceVariable(tx, instance, name, jsonValue(input.value, 'value'));
      Object.assign(audit, { targetId: toGlobalId('ProcessInstance', instance.id), details: { name } });
      return { processInstance };
    },
  },
};

async function saveResource(ctx: Context, kind: ResourceKind, name: string, body: Record<string, unknown>) {
  const { tx, audit, project } = await projectInScope(ctx);
  // A library holds reusable resources only; a project holds every kind.
  if (project.kind === 'LIBRARY' && kind !== 'REUSABLE_RESOURCE') throw badInput('projectId names a library, which holds reusable resources only', 'projectId');
  const row = await upsertProjectResource(tx, { ...placementOf(project), kind, name, body });
  Object.assign(audit, { targetId: globalIdOfProject(project), details: { kind, name } });
  return row;
}

/** The project of a runtime mutation: libraries have no runtime (they are built into projects by version). */
export async function runtimeProjectInScope(ctx: Context) {
  const found = await projectInScope(ctx);
  if (found.project.kind === 'LIBRARY') throw badInput('projectId names a library, which has no runtime: build a project from one of its versions', 'projectId');
  return found;
}

/** Whether the caller, under the mutation's lock, sees this library version of the project's workspace (an unseen one reads as none). */
async function libraryVersionVisible(ctx: Context, project: ProjectRow, id: string): Promise<boolean> {
  const { tx } = scopedMutationOf(ctx);
  const version = await findLibraryVersionInWorkspace(tx, project, id);
  if (!version) return false;
  const held = await ctx.access.rolesInTx(tx, { organizationId: version.organizationId, workspaceId: version.workspaceId, projectId: version.projectId });
  return canSee(held, 'project');
}

/** The process instance the mutation's scope names, read under its organization's lock. */
async function instanceInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const instance = await findProcessInstance(tx, scope);
  if (!instance) throw notFound('Process instance');
  return { tx, audit, instance };
}
