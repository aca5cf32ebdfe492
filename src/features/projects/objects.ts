/** Where projects and what they hold sit in the access model. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { ProjectRow } from '../../db/schema.js';
import type { Context } from '../context.js';

export const projectObjects: ObjectTypes<Context> = {
  Project: {
    scopeOf: (p: ProjectRow) => ({ organizationId: p.organizationId, workspaceId: p.workspaceId, projectId: p.id }),
    visibleById: (ctx, id) => ctx.loaders.visibleProjectById.load(id),
  },
  ProjectGrant: { scopeOf: placed },
  Process: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProjectResourceById.PROCESS.load(id) },
  Template: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProjectResourceById.TEMPLATE.load(id) },
  Integration: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProjectResourceById.INTEGRATION.load(id) },
  ConfigParameter: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProjectResourceById.CONFIG_PARAMETER.load(id) },
  Build: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleBuildById.load(id) },
  ProcessInstance: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProcessInstanceById.load(id) },
  ProcessOperation: { scopeOf: placed },
};
