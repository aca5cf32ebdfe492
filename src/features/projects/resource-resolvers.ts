import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { ProjectRow } from '../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../lib/connection.js';
import { expectGlobalId, toGlobalId } from '../../lib/global-id.js';
import { catalogName, jsonObject, jsonValue, key, packageVersion, text } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import type { Context } from '../context.js';
import { setActiveBuild } from './project-queries.js';
import { projectInScope } from './project-resolvers.js';
import {
  findBuild,
  findProcessInstance,
  findProjectResource,
  insertBuild,
  insertOperation,
  insertProcessInstance,
  setInstanceVariable,
  upsertProjectResource,
  type ResourceKind,
} from './resource-queries.js';

const tenantOf = (project: { id: string; organizationId: string }) => ({ parentId: project.id, tenantId: project.organizationId });
const placementOf = (project: ProjectRow) => ({ organizationId: project.organizationId, workspaceId: project.workspaceId, projectId: project.id });
const userIdOf = (ctx: Context) => (ctx.principal.kind === 'user' ? ctx.principal.userId : null);

export const projectResourceResolvers: Resolvers = {
  Project: {
    processes: (project, _args, ctx) => ctx.loaders.processes.load(tenantOf(project)),
    templates: (project, _args, ctx) => ctx.loaders.templates.load(tenantOf(project)),
    integrations: (project, _args, ctx) => ctx.loaders.integrations.load(tenantOf(project)),
    configParameters: (project, _args, ctx) => ctx.loaders.configParameters.load(tenantOf(project)),
    builds: (project, _args, ctx) => ctx.loaders.builds.load(tenantOf(project)),
    activePolicy: (project, _args, ctx) => (project.activeBuildId ? ctx.loaders.buildById.load({ id: project.activeBuildId, organizationId: project.organizationId }) : null),
    processInstances: async (project, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      const rows = await ctx.loaders.processInstancesPage.load({ ...tenantOf(project), page });
      return toConnection(rows, page, timeKeyOf);
    },
  },
  Process: { id: (row) => toGlobalId('Process', row.id), definition: (row) => row.body.definition },
  Template: { id: (row) => toGlobalId('Template', row.id), body: (row) => row.body.body },
  Integration: { id: (row) => toGlobalId('Integration', row.id), config: (row) => row.body.config },
  ConfigParameter: {
    id: (row) => toGlobalId('ConfigParameter', row.id),
    key: (row) => row.name,
    value: (row) => row.body.value as string,
  },
  Build: { id: (build) => toGlobalId('Build', build.id) },
  ProcessInstance: {
    id: (instance) => toGlobalId('ProcessInstance', instance.id),
    startedBy: (instance, _args, ctx) => (instance.startedByUserId ? ctx.loaders.userById.load(instance.startedByUserId) : null),
    startedAt: (instance) => instance.createdAt,
    operations: (instance, _args, ctx) => ctx.loaders.operations.load({ parentId: instance.id, tenantId: instance.organizationId }),
  },
  ProcessOperation: {
    createdBy: (op, _args, ctx) => (op.createdByUserId ? ctx.loaders.userById.load(op.createdByUserId) : null),
  },
  Mutation: {
    saveProcess: async (_parent, { input }, ctx) => ({
      process: await saveResource(ctx, 'PROCESS', catalogName(input.name), { definition: jsonObject(input.definition, 'definition') }),
    }),
    saveTemplate: async (_parent, { input }, ctx) => ({
      template: await saveResource(ctx, 'TEMPLATE', catalogName(input.name), { body: jsonObject(input.body, 'body') }),
    }),
    saveIntegration: async (_parent, { input }, ctx) => ({
      integration: await saveResource(ctx, 'INTEGRATION', catalogName(input.name), { config: jsonObject(input.config, 'config') }),
    }),
    setConfigParameter: async (_parent, { input }, ctx) => ({
      configParameter: await saveResource(ctx, 'CONFIG_PARAMETER', key(input.key, 'key'), { value: text(input.value, 'value', 10_000) }),
    }),
    createBuild: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      const version = packageVersion(input.version);
      const build = await insertBuild(tx, { ...placementOf(project), version, createdByUserId: userIdOf(ctx) });
      if (!build) throw conflict(`Build ${version} already exists in this project`);
      Object.assign(audit, { targetId: toGlobalId('Build', build.id), details: { version } });
      return { build };
    },
    setActivePolicy: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      const build = await findBuild(tx, project, expectGlobalId(input.buildId, 'Build', 'buildId'));
      if (!build) throw notFound('Build');
      Object.assign(audit, { targetId: toGlobalId('Project', project.id), details: { buildId: toGlobalId('Build', build.id), version: build.version } });
      return { project: await setActiveBuild(tx, project, build.id) };
    },
    startProcessInstance: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await projectInScope(ctx);
      if (!(await findProjectResource(tx, project, 'PROCESS', input.processName))) throw notFound(`Process "${input.processName}"`);
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
  const row = await upsertProjectResource(tx, { ...placementOf(project), kind, name, body });
  Object.assign(audit, { targetId: toGlobalId('Project', project.id), details: { kind, name } });
  return row;
}

/** The process instance the mutation's scope names, read under its organization's lock. */
async function instanceInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const instance = await findProcessInstance(tx, scope);
  if (!instance) throw notFound('Process instance');
  return { tx, audit, instance };
}
