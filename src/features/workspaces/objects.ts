/** Where workspaces and what they hold sit in the access model. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { WorkspaceRow } from '../../db/schema.js';
import type { Context } from '../context.js';

export const workspaceObjects: ObjectTypes<Context> = {
  Workspace: {
    scopeOf: (ws: WorkspaceRow) => ({ organizationId: ws.organizationId, workspaceId: ws.id }),
    visibleById: (ctx, id) => ctx.loaders.visibleWorkspaceById.load(id),
  },
  WorkspaceMember: { scopeOf: placed },
  Group: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleGroupById.load(id) },
  Theme: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleWorkspaceResourceById.THEME.load(id) },
  Font: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleWorkspaceResourceById.FONT.load(id) },
  WorkspaceMedia: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleWorkspaceResourceById.MEDIA.load(id) },
};
