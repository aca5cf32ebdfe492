/**
 * The @requiresRole transformer: one pass over the schema that wraps each
 * field's resolver with the check its rule asks for, every check answered by
 * `decide` (roles.ts). Fields that need no check keep their resolver
 * untouched, and fields whose rule is their type's "may see it" rule are
 * checked once per object, where the object enters the response
 * (object-checks.ts). Every Mutation field goes through the mutation runner
 * it is given, which decides the rule again inside the mutation's
 * transaction.
 */
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { forbidden, notFound, notSignedIn } from '../errors.js';
import type { AccessContext, AccessEngine } from './engine.js';
import { argumentAt, shadowed } from './candidates.js';
import { objectChecks, type EntryCheck } from './object-checks.js';
import { forbiddenBy } from './refusals.js';
import { decide, type HeldRoles } from './roles.js';
import { AccessRuleError, readAccessRules, readActsAs, type AccessRule, type PrincipalKindRule, type RuleTable } from './rules.js';
import { atLevel, levelOf, scopeOfId, typeNameOfScope, type ObjectTypes, type Scope } from './scopes.js';

type Resolver<C> = GraphQLFieldResolver<unknown, C, Record<string, unknown>>;

export function applyAccessRules<C extends AccessContext>(schema: GraphQLSchema, declared: AccessEngine<C>): GraphQLSchema {
  const engine = { ...declared, types: actingAs(declared.types, readActsAs(schema)) };
  const scoped = new Set(Object.entries(engine.types).flatMap(([name, type]) => (type.scopeOf ? [name] : [])));
  const mode = engine.rules ?? 'live';
  const table = readAccessRules(schema, scoped, mode);
  assertScopesNameTypes(table, engine.types);
  const objects = objectChecks<C>(schema, table, engine.types);
  const mutationType = schema.getMutationType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, fieldName, typeName) => {
      const rule = table.rules.get(`${typeName}.${fieldName}`);
      if (!rule) return field; // unreachable from the roots: never executed
      const resolve = (field.resolve ?? defaultFieldResolver) as Resolver<C>;
      const entry = objects.entryCheck(typeName, fieldName, field.type);
      let guarded: Resolver<C>;
      if (typeName === mutationType) guarded = guardMutation(engine, rule, fieldName, resolve);
      else if (objects.covers(typeName, rule)) guarded = resolve;
      else guarded = guardField(engine, rule, typeName, resolve);
      const checked = entry ? checkingEntry(guarded, entry) : guarded;
      const candidate = mode === 'live' ? table.candidates.get(`${typeName}.${fieldName}`) : undefined;
      const wrapped = candidate ? shadowed(engine, `${typeName}.${fieldName}`, candidate, checked) : checked;
      return wrapped === resolve ? field : { ...field, resolve: wrapped };
    },
  });
}

function checkingEntry<C>(resolve: Resolver<C>, entry: EntryCheck<C>): Resolver<C> {
  return (parent, args, ctx, info) => entry(resolve(parent, args, ctx, info), ctx, info);
}

function guardField<C extends AccessContext>(engine: AccessEngine<C>, rule: AccessRule, typeName: string, resolve: Resolver<C>): Resolver<C> {
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
          const named = await scopeOfId(engine.types, ctx, argumentAt(args, scopePath), scopePath.at(-1)!, typeNameOfScope(scopePath));
          const scope = named && atLevel(named, rule.at);
          const decision = scope ? decide(await ctx.access.rolesIn(scope), levelOf(scope), rule) : 'invisible';
          if (decision === 'invisible') throw notFound(typeNameOfScope(scopePath));
          if (decision !== 'allow') throw forbiddenBy(rule, scope!);
          return resolve(parent, args, ctx, info);
        };
      }
      const scopeOf = engine.types[typeName]!.scopeOf!;
      const at = rule.at;
      // Synchronous whenever the roles of the parent's scope are known (always at the organization
      // level): most checked fields are plain columns, and a promise apiece would cost more than the field.
      const allowed = (held: HeldRoles, scope: Scope, parent: unknown, args: Record<string, unknown>, ctx: C, info: GraphQLResolveInfo) => {
        // A parent the caller reached is visible to it; a field it may not read is just forbidden.
        if (decide(held, levelOf(scope), rule) !== 'allow') throw forbiddenBy(rule, scope);
        return resolve(parent, args, ctx, info);
      };
      return (parent, args, ctx, info) => {
        assertPrincipal(ctx, null, info.fieldName);
        const scope = at === null ? scopeOf(parent as never) : atLevel(scopeOf(parent as never), at);
        const held = ctx.access.rolesIn(scope);
        return held instanceof Promise ? held.then((h) => allowed(h, scope, parent, args, ctx, info)) : allowed(held, scope, parent, args, ctx, info);
      };
    }
  }
}

function guardMutation<C extends AccessContext>(engine: AccessEngine<C>, rule: AccessRule, operation: string, resolve: Resolver<C>): Resolver<C> {
  const roleRule = rule.kind === 'role' ? rule : null;
  const scopePath = roleRule?.scopePath ?? null;
  const target = scopePath ? typeNameOfScope(scopePath) : 'Organization';
  return async (parent, args, ctx, info) => {
    if (rule.kind !== 'public') assertPrincipal(ctx, rule.kind === 'authenticated' ? rule.principal : null, operation);
    const named = scopePath ? await scopeOfId(engine.types, ctx, argumentAt(args, scopePath), scopePath.at(-1)!, target) : undefined;
    const scope = named && roleRule?.at ? { type: named.type, id: named.id, ...atLevel(named, roleRule.at) } : named;
    return engine.runMutation(ctx, { operation, target, rule: roleRule, scope }, async () => resolve(parent, args, ctx, info));
  };
}

/** The features' object types, each given the type its `@actsAs` names; one that acts as another must sit in the access model. */
function actingAs<C>(types: ObjectTypes<C>, actsAs: ReadonlyMap<string, string>): ObjectTypes<C> {
  const problems = [...actsAs.keys()].flatMap((name) => (types[name]?.scopeOf && types[name]?.visibleById ? [] : [`${name}: @actsAs needs a type with a scope that global IDs name`]));
  if (problems.length > 0) throw new AccessRuleError(problems);
  return Object.fromEntries(Object.entries(types).map(([name, type]) => [name, actsAs.has(name) ? { ...type, actsAs: actsAs.get(name)! } : type]));
}

/** Every scope argument names a type its feature placed in the access model (`projectId` a Project). */
function assertScopesNameTypes<C>(table: RuleTable, types: ObjectTypes<C>) {
  const problems = [...table.rules].flatMap(([where, rule]) => {
    if (rule.kind !== 'role' || !rule.scopePath) return [];
    const type = types[typeNameOfScope(rule.scopePath)];
    return type?.visibleScopeById || (type?.scopeOf && type.visibleById) ? [] : [`${where}: scope "${rule.scopePath.join('.')}" names no type with a place in the access model`];
  });
  if (problems.length > 0) throw new AccessRuleError(problems);
}


function assertPrincipal(ctx: AccessContext, kind: PrincipalKindRule, what: string) {
  if (ctx.principal.kind === 'anonymous') throw notSignedIn();
  if (kind !== null && ctx.principal.kind !== kind.toLowerCase()) {
    throw forbidden(`Only ${kind === 'USER' ? 'users' : 'machine clients'} may use ${what}`);
  }
}
