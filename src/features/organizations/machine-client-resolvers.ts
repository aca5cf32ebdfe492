import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection } from '../../lib/connection.js';
import { toGlobalId } from '../../lib/global-id.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import { displayName, providerId } from '../../lib/validate.js';
import { findMachineClient, insertMachineClient, revokeMachineClient } from './machine-client-queries.js';

export const machineClientResolvers: Resolvers = {
  Organization: {
    machineClients: async (org, args, ctx) => {
      const page = readPage(args, isTimeKey);
      const rows = await ctx.loaders.machineClientsPage.load({ parentId: org.id, page });
      return toConnection(rows, page, timeKeyOf);
    },
  },
  MachineClient: {
    id: (client) => toGlobalId('MachineClient', client.id),
    organization: (client, _args, ctx) => ctx.loaders.organizationById.load(client.organizationId),
  },
  Mutation: {
    createMachineClient: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const values = {
        organizationId: scope.id,
        clientId: providerId(input.clientId, 'clientId'),
        name: displayName(input.name),
        role: input.role,
      };
      const machineClient = await insertMachineClient(tx, values);
      // Client ids are unique across tenants: one token must map to one organization.
      if (!machineClient) throw conflict('This clientId is already registered');
      Object.assign(audit, {
        targetId: toGlobalId('MachineClient', machineClient.id),
        details: { clientId: values.clientId, name: values.name, role: values.role },
      });
      return { machineClient };
    },
    revokeMachineClient: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const existing = await findMachineClient(tx, scope.id, input.clientId);
      if (!existing) throw notFound('Machine client');
      if (existing.revokedAt !== null) throw conflict('This machine client is already revoked');
      const machineClient = await revokeMachineClient(tx, existing);
      Object.assign(audit, { targetId: toGlobalId('MachineClient', existing.id), details: { clientId: existing.clientId } });
      return { machineClient };
    },
  },
};
