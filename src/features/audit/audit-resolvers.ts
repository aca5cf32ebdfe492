import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { readPage, toConnection, type PageArgs } from '../../lib/connection.js';
import type { Context } from '../context.js';
import { auditLogPage, type AuditLogOf } from './audit-queries.js';

const MAX_BIGINT = 2n ** 63n - 1n;
const isSequence = (v: unknown): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT;

async function auditConnection(ctx: Context, of: AuditLogOf, args: PageArgs) {
  const page = readPage(args, isSequence);
  return toConnection(await auditLogPage(ctx.db, of, page), page, (e) => e.id.toString());
}

export const auditResolvers: Resolvers = {
  Organization: {
    auditLog: (org, args, ctx) => auditConnection(ctx, { organizationId: org.id }, args),
  },
  Workspace: {
    auditLog: (ws, args, ctx) => auditConnection(ctx, { organizationId: ws.organizationId, workspaceId: ws.id }, args),
  },
  AuditEvent: {
    id: (event) => Buffer.from(`AuditEvent:${event.id}`).toString('base64url'),
    actorUser: (event, _args, ctx) => (event.actorUserId ? ctx.loaders.userById.load(event.actorUserId) : null),
    actorMachineClient: (event, _args, ctx) =>
      event.actorMachineClientId ? ctx.loaders.machineClientById.load({ id: event.actorMachineClientId, organizationId: event.organizationId }) : null,
    workspace: (event, _args, ctx) => (event.workspaceId ? ctx.loaders.workspaceById.load({ id: event.workspaceId, organizationId: event.organizationId }) : null),
    project: (event, _args, ctx) => (event.projectId ? ctx.loaders.projectById.load({ id: event.projectId, organizationId: event.organizationId }) : null),
  },
};
