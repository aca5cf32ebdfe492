import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { Context } from '../../context.js';
import { readPage, toConnection, type PageArgs } from '../../graphql/connection.js';
import { auditLogPage, type AuditLogOf } from './queries.js';

const MAX_BIGINT = 2n ** 63n - 1n;
const isSequence = (v: unknown): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT;

export async function auditConnection(ctx: Context, of: AuditLogOf, args: PageArgs) {
  const page = readPage(args, isSequence);
  return toConnection(await auditLogPage(ctx.db, of, page), page, (e) => e.id.toString());
}

export const auditResolvers: Resolvers = {
  Organization: {
    auditLog: (org, args, ctx) => auditConnection(ctx, { organizationId: org.id }, args),
  },
  AuditEvent: {
    id: (event) => Buffer.from(`AuditEvent:${event.id}`).toString('base64url'),
    actorUser: (event, _args, ctx) => (event.actorUserId ? ctx.loaders.userById.load(event.actorUserId) : null),
    actorMachineClient: (event, _args, ctx) =>
      event.actorMachineClientId ? ctx.loaders.machineClientById.load(event.actorMachineClientId) : null,
    workspace: (event, _args, ctx) => (event.workspaceId ? ctx.loaders.workspaceById.load(event.workspaceId) : null),
    project: (event, _args, ctx) => (event.projectId ? ctx.loaders.projectById.load(event.projectId) : null),
  },
};
