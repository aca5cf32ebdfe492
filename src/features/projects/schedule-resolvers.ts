import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { notFound } from '../../errors.js';
import { toGlobalId } from '../../lib/global-id.js';
import { catalogName, cronSchedule } from '../../lib/validate.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import type { Context } from '../context.js';
import { findProject } from './project-queries.js';
import { findProjectResource } from './resource-queries.js';
import { placementOf, runtimeProjectInScope, tenantOf, userIdOf } from './resource-resolvers.js';
import { deleteScheduledProcess, findScheduledProcess, setScheduledProcessActive, upsertScheduledProcess } from './schedule-queries.js';

/** Scheduled processes: a runtime resource, changed by runtime editors (and workspace admins), read by whoever sees the project's runtime. */
export const scheduleResolvers: Resolvers = {
  Project: {
    scheduledProcesses: (project, _args, ctx) => ctx.loaders.scheduledProcesses.load(tenantOf(project)),
  },
  ScheduledProcess: {
    id: (row) => toGlobalId('ScheduledProcess', row.id),
    project: (row, _args, ctx) => ctx.loaders.projectById.load({ id: row.projectId, organizationId: row.organizationId }),
    organization: (row, _args, ctx) => ctx.loaders.organizationById.load(row.organizationId),
  },
  Mutation: {
    saveScheduledProcess: async (_parent, { input }, ctx) => {
      const { tx, audit, project } = await runtimeProjectInScope(ctx);
      const name = catalogName(input.name);
      if (!(await findProjectResource(tx, project, 'PROCESS', input.processName))) throw notFound(`Process "${input.processName}"`);
      const scheduledProcess = await upsertScheduledProcess(tx, {
        ...placementOf(project),
        name,
        processName: input.processName,
        schedule: cronSchedule(input.schedule),
        createdByUserId: userIdOf(ctx),
      });
      Object.assign(audit, { targetId: toGlobalId('ScheduledProcess', scheduledProcess.id), details: { name, processName: input.processName, schedule: scheduledProcess.schedule } });
      return { scheduledProcess };
    },
    setScheduledProcessActive: async (_parent, { input }, ctx) => {
      const { tx, audit, current } = await scheduleInScope(ctx);
      const scheduledProcess = await setScheduledProcessActive(tx, current, input.active);
      Object.assign(audit, { targetId: toGlobalId('ScheduledProcess', current.id), details: { active: input.active } });
      return { scheduledProcess };
    },
    deleteScheduledProcess: async (_parent, _args, ctx) => {
      const { tx, audit, current } = await scheduleInScope(ctx);
      const project = await findProject(tx, { organizationId: current.organizationId, id: current.projectId });
      if (!project) throw notFound('Project');
      await deleteScheduledProcess(tx, current);
      const deletedScheduledProcessId = toGlobalId('ScheduledProcess', current.id);
      Object.assign(audit, { targetId: deletedScheduledProcessId, details: { name: current.name } });
      return { deletedScheduledProcessId, project };
    },
  },
};

/** The scheduled process the mutation's scope names, read under its organization's lock. */
async function scheduleInScope(ctx: Context) {
  const { tx, audit, scope } = scopedMutationOf(ctx);
  const current = await findScheduledProcess(tx, scope);
  if (!current) throw notFound('Scheduled process');
  return { tx, audit, current };
}
