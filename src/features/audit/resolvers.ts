import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { readPage, toConnection } from '../../graphql/connection.js';
import { auditLogPage } from './queries.js';

const MAX_BIGINT = 2n ** 63n - 1n;
const isSequence = (v: unknown): v is string => typeof v === 'string' && /^\d{1,19}$/.test(v) && BigInt(v) <= MAX_BIGINT;

export const auditResolvers: Resolvers = {
  Organization: {
    auditLog: async (org, args, ctx) => {
      const page = readPage(args, isSequence);
      return toConnection(await auditLogPage(ctx.db, org.id, page), page, (e) => e.id.toString());
    },
  },
  AuditEvent: {
    id: (event) => Buffer.from(`AuditEvent:${event.id}`).toString('base64url'),
    actorUser: (event, _args, ctx) => (event.actorUserId ? ctx.loaders.userById.load(event.actorUserId) : null),
    actorMachineClient: (event, _args, ctx) =>
      event.actorMachineClientId ? ctx.loaders.machineClientById.load(event.actorMachineClientId) : null,
  },
};
