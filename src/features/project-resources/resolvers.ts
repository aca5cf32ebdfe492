import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { ProcessInstanceRow } from '../../db/schema.js';
import { conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection, type SortKey } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { catalogName, jsonObject, jsonValue, key, packageVersion, text } from '../../graphql/validate.js';
import { setActiveBuild } from '../projects/queries.js';
import { lockedProject } from '../projects/resolvers.js';
import {
  buildsByIds,
  findProcessInstance,
  findProjectResource,
  insertBuild,
  insertOperation,
  insertProcessInstance,
  setInstanceVariable,
  upsertProjectResource,
  type ResourceKind,
} from './queries.js';

type MutationContext = Parameters<typeof mutationOf>[0];

const tenantOf = (project: { id: string; organizationId: string }) => ({ parentId: project.id, tenantId: project.organizationId });

export const projectResourceResolvers: Resolvers = {
  Project: {
    processes: (project, _args, ctx) => ctx.loaders.processes.load(tenantOf(project)),
    templates: (project, _args, ctx) => ctx.loaders.templates.load(tenantOf(project)),
    integrations: (project, _args, ctx) => ctx.loaders.integrations.load(tenantOf(project)),
    configParameters: (project, _args, ctx) => ctx.loaders.configParameters.load(tenantOf(project)),
    builds: (project, _args, ctx) => ctx.loaders.builds.load(tenantOf(project)),
    activePolicy: (project, _args, ctx) => (project.activeBuildId ? ctx.loaders.buildById.load(project.activeBuildId) : null),
    processInstances: async (project, args, ctx) => {
      const page = readPage<SortKey>(args, isTimeKey);
      const rows = await ctx.loaders.processInstancesPage.load({ ...tenantOf(project), page });
      return toConnection(rows, page, timeKeyOf);
    },
  },
  Process: { definition: (row) => row.body.definition },
  Template: { body: (row) => row.body.body },
  Integration: { config: (row) => row.body.config },
  ConfigParameter: {
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
      process: await saveResource(ctx, input.projectId, 'PROCESS', catalogName(input.name), { definition: jsonObject(input.definition, 'definition') }),
    }),
    saveTemplate: async (_parent, { input }, ctx) => ({
      template: await saveResource(ctx, input.projectId, 'TEMPLATE', catalogName(input.name), { body: jsonObject(input.body, 'body') }),
    }),
    saveIntegration: async (_parent, { input }, ctx) => ({
      integration: await saveResource(ctx, input.projectId, 'INTEGRATION', catalogName(input.name), { config: jsonObject(input.config, 'config') }),
    }),
    setConfigParameter: async (_parent, { input }, ctx) => ({
      configParameter: await saveResource(ctx, input.projectId, 'CONFIG_PARAMETER', key(input.key, 'key'), { value: text(input.value, 'value', 10_000) }),
    }),
    createBuild: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const project = await lockedProject(ctx, input.projectId);
      const version = packageVersion(input.version);
      const build = await insertBuild(tx, {
        organizationId: project.organizationId,
        workspaceId: project.workspaceId,
        projectId: project.id,
        version,
        createdByUserId: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
      });
      if (!build) throw conflict(`Build ${version} already exists in this project`);
      Object.assign(audit, { targetId: toGlobalId('Build', build.id), details: { version } });
      return { build };
    },
    setActivePolicy: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const project = await lockedProject(ctx, input.projectId);
      const [build] = await buildsByIds(tx, [expectGlobalId(input.buildId, 'Build', 'buildId')]);
      if (!build || build.projectId !== project.id) throw notFound('Build');
      Object.assign(audit, { targetId: input.projectId, details: { buildId: input.buildId, version: build.version } });
      return { project: await setActiveBuild(tx, project.id, build.id) };
    },
    startProcessInstance: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const project = await lockedProject(ctx, input.projectId);
      if (!(await findProjectResource(tx, project.id, 'PROCESS', input.processName))) throw notFound(`Process "${input.processName}"`);
      const processInstance = await insertProcessInstance(tx, {
        organizationId: project.organizationId,
        workspaceId: project.workspaceId,
        projectId: project.id,
        processName: input.processName,
        variables: input.variables == null ? {} : jsonObject(input.variables, 'variables'),
        startedByUserId: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
      });
      Object.assign(audit, { targetId: toGlobalId('ProcessInstance', processInstance.id), details: { processName: input.processName } });
      return { processInstance };
    },
    createOperation: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const instance = await lockedInstance(ctx, input.processInstanceId);
      const operation = await insertOperation(tx, {
        organizationId: instance.organizationId,
        workspaceId: instance.workspaceId,
        projectId: instance.projectId,
        processInstanceId: instance.id,
        kind: input.kind,
        createdByUserId: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
      });
      Object.assign(audit, { targetId: input.processInstanceId, details: { kind: input.kind } });
      return { operation };
    },
    setProcessVariable: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const instance = await lockedInstance(ctx, input.processInstanceId);
      const name = key(input.name, 'name');
      const processInstance = await setInstanceVariable(tx, instance.id, name, jsonValue(input.value, 'value'));
      Object.assign(audit, { targetId: input.processInstanceId, details: { name } });
      return { processInstance };
    },
  },
};

async function saveResource(ctx: MutationContext, projectGlobalId: string, kind: ResourceKind, name: string, body: Record<string, unknown>) {
  const { tx, audit } = mutationOf(ctx);
  const project = await lockedProject(ctx, projectGlobalId);
  const row = await upsertProjectResource(tx, {
    organizationId: project.organizationId,
    workspaceId: project.workspaceId,
    projectId: project.id,
    kind,
    name,
    body,
  });
  Object.assign(audit, { targetId: projectGlobalId, details: { kind, name } });
  return row;
}

async function lockedInstance(ctx: MutationContext, globalId: string): Promise<ProcessInstanceRow> {
  const instance = await findProcessInstance(mutationOf(ctx).tx, expectGlobalId(globalId, 'ProcessInstance', 'processInstanceId'));
  if (!instance) throw notFound('Process instance');
  return instance;
}
