import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { toGlobalId } from '../../lib/global-id.js';

export const viewerResolvers: Resolvers = {
  Query: {
    viewer: (_parent, _args, ctx) => (ctx.principal.kind === 'anonymous' ? null : ctx.principal),
  },
  Viewer: {
    kind: (principal) => (principal.kind === 'machine' ? 'MACHINE' : 'USER'),
    user: (principal, _args, ctx) => (principal.kind === 'user' ? ctx.loaders.userById.load(principal.userId) : null),
    machineClient: (principal, _args, ctx) =>
      principal.kind === 'machine' ? ctx.loaders.machineClientById.load({ id: principal.machineClientId, organizationId: principal.organizationId }) : null,
  },
  User: {
    id: (user) => toGlobalId('User', user.id),
  },
};
