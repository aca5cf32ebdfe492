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
  Process: { scopeOf: placed },
  Template: { scopeOf: placed },
  Integration: { scopeOf: placed },
  ConfigParameter: { scopeOf: placed },
  Build: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleBuildById.load(id) },
  ProcessInstance: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleProcessInstanceById.load(id) },
  ProcessOperation: { scopeOf: placed },
};
