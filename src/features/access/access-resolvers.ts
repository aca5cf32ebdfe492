import type { Resolvers } from '../../__generated__/resolvers-types.js';
import type { ObjectTypes } from '../../access/scopes.js';
import type { Context } from '../context.js';
import { explainAccess } from './explain.js';

/** Built from every feature's object types: an explanation finds its object as `node(id:)` would. */
export function accessResolvers(types: ObjectTypes<Context>): Resolvers {
  return {
    Query: {
      explainAccess: (_parent, args, ctx, info) => explainAccess(ctx, info.schema, types, args),
    },
    AccessGrant: {
      group: (grant, _args, ctx) => (grant.group ? ctx.loaders.groupById.load(grant.group) : null),
    },
  };
}
