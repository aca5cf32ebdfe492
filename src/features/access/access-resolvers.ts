import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { ObjectTypes } from '../../access/scopes.js';
import type { Context } from '../context.js';
import { explainAccess } from './explain.js';
import { reviewOrganization, reviewWorkspace } from './review.js';

/** Built from every feature's object types: an explanation finds its object as `node(id:)` would. */
export function accessResolvers(types: ObjectTypes<Context>): Resolvers {
  return {
    Query: {
      explainAccess: (_parent, args, ctx, info) => explainAccess(ctx, info.schema, types, args),
    },
    Organization: {
      accessReview: (organization, args, ctx) => reviewOrganization(ctx, organization, args),
    },
    Workspace: {
      accessReview: (workspace, args, ctx) => reviewWorkspace(ctx, workspace, args),
    },
    AccessReviewEntry: {
      principal: ({ principal }, _args, ctx) =>
        principal.kind === 'user' ? ctx.loaders.userById.load(principal.id) : ctx.loaders.machineClientById.load({ id: principal.id, organizationId: principal.organizationId }),
    },
    AccessGrant: {
      group: (grant, _args, ctx) => (grant.group ? ctx.loaders.groupById.load(grant.group) : null),
    },
  };
}
