/** Users live outside every organization: global IDs name them, and a user sees itself and the members of its organizations. */
import type { ObjectTypes } from '../../access/scopes.js';
import type { Context } from '../context.js';
import { visibleUserIds } from './user-queries.js';

export const viewerObjects: ObjectTypes<Context> = {
  User: {
    visibleById: async (ctx, id) => ((await visibleUserIds(ctx.db, ctx.principal, [id])).has(id) ? ctx.loaders.userById.load(id) : null),
  },
};
