import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { conflict, notFound } from '../../errors.js';
import { isTimeKey, readPage, timeKeyOf, toConnection } from '../../graphql/connection.js';
import { expectGlobalId, toGlobalId } from '../../graphql/global-id.js';
import { mutationOf } from '../../graphql/run-mutation.js';
import { displayName, providerId } from '../../graphql/validate.js';
import { findMachineClient, insertMachineClient, revokeMachineClient } from './queries.js';

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
    organization: async (client, _args, ctx) => (await ctx.loaders.visibleOrganizationById.load(client.organizationId))!,
  },
  Mutation: {
    createMachineClient: async (_parent, { input }, ctx) => {
      const { tx, audit } = mutationOf(ctx);
      const values = {
        organizationId: expectGlobalId(input.organizationId, 'Organization', 'organizationId'),
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
      const { tx, audit } = mutationOf(ctx);
      const organizationId = expectGlobalId(input.organizationId, 'Organization', 'organizationId');
      const existing = await findMachineClient(tx, organizationId, input.clientId);
      if (!existing) throw notFound('Machine client');
      if (existing.revokedAt !== null) throw conflict('This machine client is already revoked');
      const machineClient = await revokeMachineClient(tx, existing.id);
      Object.assign(audit, { targetId: toGlobalId('MachineClient', existing.id), details: { clientId: existing.clientId } });
      return { machineClient };
    },
  },
};
