/**
 * The operation's deadline (OPERATION_TIMEOUT_MS), checked in one place for
 * every field that resolves anything: past it, a field not yet resolved
 * fails, and so no new statement starts (a mutation's transaction is bounded
 * by its own statement timeout). Plain columns, which resolve from a parent
 * already fetched, need no check.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import { pastDeadline } from '../errors.js';

export function withDeadline(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field) => {
      const resolve = field.resolve as GraphQLFieldResolver<unknown, { deadline: number }> | undefined;
      if (!resolve) return field;
      return {
        ...field,
        resolve: (parent, args, ctx, info) => {
          if (Date.now() > ctx.deadline) throw pastDeadline();
          return resolve(parent, args, ctx, info);
        },
      };
    },
  });
}
