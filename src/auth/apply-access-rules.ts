/**
 * The @requiresRole transformer: one pass over the schema that wraps each
 * field's resolver with the check its rule asks for. Fields that need no
 * check keep their resolver untouched (no extra promise per field). Every
 * Mutation field goes through `runMutation`, which repeats the role check
 * inside the mutation's transaction.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import { forbidden, notFound, notSignedIn } from '../errors.js';
import { runMutation } from '../graphql/run-mutation.js';
import { readAccessRules, type AccessRule, type PrincipalKindRule } from './access-rules.js';
import { satisfies } from './roles.js';
import { parentScopes, scopeOfId } from './scopes.js';

type Resolver = GraphQLFieldResolver<unknown, Context, Record<string, unknown>>;

export function applyAccessRules(schema: GraphQLSchema): GraphQLSchema {
  const { rules } = readAccessRules(schema, new Set(Object.keys(parentScopes)));
  const mutationType = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const rule = rules.get(`${typeName}.${fieldName}`);
      if (!rule) return field; // unreachable from the roots: never executed
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver;
      const wrapped = typeName === mutationType ? guardMutation(rule, fieldName, resolve) : guardField(rule, typeName, resolve);
      return wrapped === resolve ? field : { ...field, resolve: wrapped };
    },
  });
}

function guardField(rule: AccessRule, typeName: string, resolve: Resolver): Resolver {
  switch (rule.kind) {
    case 'public':
      return resolve;
    case 'authenticated':
      return (parent, args, ctx, info) => {
        assertPrincipal(ctx, rule.principal, info.fieldName);
        return resolve(parent, args, ctx, info);
      };
    case 'role': {
      const { scopePath, anyOf } = rule;
      const scopeOfParent = parentScopes[typeName];
      return async (parent, args, ctx, info) => {
        assertPrincipal(ctx, rule.principal, info.fieldName);
        const scope = scopePath
          ? await scopeOfId(ctx, argumentAt(args, scopePath), scopePath.at(-1)!)
          : scopeOfParent!(parent as never);
        const role = scope && (await ctx.access.organizationRole(scope.organizationId));
        if (!role) {
          if (scopePath) throw notFound('Organization');
          throw forbidden();
        }
        if (!satisfies(role, anyOf)) throw forbidden();
        return resolve(parent, args, ctx, info);
      };
    }
  }
}

function guardMutation(rule: AccessRule, operation: string, resolve: Resolver): Resolver {
  return async (parent, args, ctx, info) => {
    if (rule.kind !== 'public') assertPrincipal(ctx, rule.kind === 'role' ? null : rule.principal, operation);
    let organizationId: string | null = null;
    if (rule.kind === 'role' && rule.scopePath) {
      const scope = await scopeOfId(ctx, argumentAt(args, rule.scopePath), rule.scopePath.at(-1)!);
      if (!scope) throw notFound('Organization');
      organizationId = scope.organizationId;
    }
    return runMutation(
      ctx,
      {
        operation,
        organizationId,
        anyOf: rule.kind === 'role' ? rule.anyOf : null,
        principal: rule.kind === 'role' ? rule.principal : null,
      },
      async () => resolve(parent, args, ctx, info),
    );
  };
}

function assertPrincipal(ctx: Context, kind: PrincipalKindRule, what: string) {
  if (ctx.principal.kind === 'anonymous') throw notSignedIn();
  if (kind !== null && ctx.principal.kind !== kind.toLowerCase()) {
    throw forbidden(`Only ${kind === 'USER' ? 'users' : 'machine clients'} may use ${what}`);
  }
}

function argumentAt(args: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], args);
}
