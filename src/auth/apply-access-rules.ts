/**
 * The @requiresRole transformer: one pass over the schema that wraps each
 * field's resolver with the check its rule asks for. Fields that need no
 * check keep their resolver untouched, and fields whose rule is their type's
 * "may see it" rule are checked once per object, where the object enters the
 * response (object-checks.ts). Every Mutation field goes through
 * `runMutation`, which repeats the role check inside the mutation's
 * transaction.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import { forbidden, notFound, notSignedIn, pastDeadline } from '../errors.js';
import { runMutation, unseenScope } from '../graphql/run-mutation.js';
import { readAccessRules, type AccessRule, type PrincipalKindRule } from './access-rules.js';
import { objectChecks, type EntryCheck } from './object-checks.js';
import { decide, type HeldRoles } from './roles.js';
import { levelOf, type Scope } from './scope.js';
import { parentScopes, scopeOfId } from './scopes.js';

type Resolver = GraphQLFieldResolver<unknown, Context, Record<string, unknown>>;

export function applyAccessRules(schema: GraphQLSchema): GraphQLSchema {
  const table = readAccessRules(schema, new Set(Object.keys(parentScopes)));
  const { rules } = table;
  const objects = objectChecks(schema, table);
  const mutationType = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const rule = rules.get(`${typeName}.${fieldName}`);
      if (!rule) return field; // unreachable from the roots: never executed
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver;
      const entry = objects.entryCheck(typeName, fieldName, field.type);
      let wrapped: Resolver;
      if (typeName === mutationType) wrapped = checkingEntry(guardMutation(rule, fieldName, resolve), entry);
      else if (objects.covers(typeName, rule)) wrapped = field.resolve || entry ? withinDeadline(resolve, entry) : resolve;
      else wrapped = checkingEntry(guardField(rule, typeName, resolve), entry);
      return wrapped === resolve ? field : { ...field, resolve: wrapped };
    },
  });
}

function checkingEntry(resolve: Resolver, entry: EntryCheck | null): Resolver {
  return entry ? (parent, args, ctx, info) => entry(resolve(parent, args, ctx, info), ctx, info) : resolve;
}

/**
 * A field whose rule its object's entry check answered: it still stops at the operation's deadline,
 * and checks the objects it hands out, in one call (these fields run once per object of a list).
 */
function withinDeadline(resolve: Resolver, entry: EntryCheck | null): Resolver {
  if (!entry) {
    return (parent, args, ctx, info) => {
      if (Date.now() > ctx.deadline) throw pastDeadline();
      return resolve(parent, args, ctx, info);
    };
  }
  return (parent, args, ctx, info) => {
    if (Date.now() > ctx.deadline) throw pastDeadline();
    return entry(resolve(parent, args, ctx, info), ctx, info);
  };
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
      const { scopePath } = rule;
      if (scopePath) {
        return async (parent, args, ctx, info) => {
          assertPrincipal(ctx, null, info.fieldName);
          const scope = await scopeOfId(ctx, argumentAt(args, scopePath), scopePath.at(-1)!);
          const decision = scope ? decide(await ctx.access.rolesIn(scope), levelOf(scope), rule) : 'invisible';
          if (decision === 'invisible') throw notFound(typeNameOf(scopePath));
          if (decision !== 'allow') throw forbidden();
          return resolve(parent, args, ctx, info);
        };
      }
      const scopeOf = parentScopes[typeName]!;
      // Synchronous whenever the roles of the parent's scope are known (always at the organization
      // level): most checked fields are plain columns, and a promise apiece would cost more than the field.
      const allowed = (held: HeldRoles, scope: Scope, parent: unknown, args: Record<string, unknown>, ctx: Context, info: GraphQLResolveInfo) => {
        // A parent the caller reached is visible to it; a field it may not read is just forbidden.
        if (decide(held, levelOf(scope), rule) !== 'allow') throw forbidden();
        return resolve(parent, args, ctx, info);
      };
      return (parent, args, ctx, info) => {
        assertPrincipal(ctx, null, info.fieldName);
        const scope = scopeOf(parent as never);
        const held = ctx.access.rolesIn(scope);
        return held instanceof Promise ? held.then((h) => allowed(h, scope, parent, args, ctx, info)) : allowed(held, scope, parent, args, ctx, info);
      };
    }
  }
}

function guardMutation(rule: AccessRule, operation: string, resolve: Resolver): Resolver {
  return async (parent, args, ctx, info) => {
    if (rule.kind !== 'public') assertPrincipal(ctx, rule.kind === 'role' ? null : rule.principal, operation);
    let scope: Scope | null = null;
    const target = rule.kind === 'role' && rule.scopePath ? typeNameOf(rule.scopePath) : 'Organization';
    if (rule.kind === 'role' && rule.scopePath) {
      scope = await scopeOfId(ctx, argumentAt(args, rule.scopePath), rule.scopePath.at(-1)!);
      if (!scope) throw unseenScope(ctx, operation, target);
    }
    return runMutation(ctx, { operation, scope, target, rule: rule.kind === 'role' ? rule : null }, async () =>
      resolve(parent, args, ctx, info),
    );
  };
}

/** `input.projectId` -> "Project": the name a NOT_FOUND error gives. */
function typeNameOf(path: string[]): string {
  const field = path.at(-1)!.replace(/Id$/, '');
  return field.charAt(0).toUpperCase() + field.slice(1);
}

function assertPrincipal(ctx: Context, kind: PrincipalKindRule, what: string) {
  if (Date.now() > ctx.deadline) throw pastDeadline();
  if (ctx.principal.kind === 'anonymous') throw notSignedIn();
  if (kind !== null && ctx.principal.kind !== kind.toLowerCase()) {
    throw forbidden(`Only ${kind === 'USER' ? 'users' : 'machine clients'} may use ${what}`);
  }
}

function argumentAt(args: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], args);
}
