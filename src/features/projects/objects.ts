/** Where projects and what they hold sit in the access model. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { ProjectRow } from '../../db/schema.js';
import type { Context } from '../context.js';
import { CONFIGURATION } from './configuration.js';

/** A project (or library) is the project scope itself. */
export const projectScopeOf = (p: ProjectRow) => ({ organizationId: p.organizationId, workspaceId: p.workspaceId, projectId: p.id });

export const projectObjects: ObjectTypes<Context> = {
  Project: { scopeOf: projectScopeOf, visibleById: (ctx, id) => ctx.loaders.visibleProjectById.load(id) },
  ProjectGrant: { scopeOf: placed },
  ...Object.fromEntries(
    CONFIGURATION.map((c) => [c.type, { scopeOf: placed, visibleById: (ctx: Context, id: string) => ctx.loaders.visibleProjectResourceById[c.kind].load(id) }]),
  ),
  ConfigParameter: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProjectResourceById.CONFIG_PARAMETER.load(id) },
  ScheduledProcess: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleScheduledProcessById.load(id) },
  Build: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleBuildById.load(id) },
  ProcessInstance: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProcessInstanceById.load(id) },
  ProcessOperation: { scopeOf: placed },
};
