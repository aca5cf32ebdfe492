/**
 * Checks once per object instead of once per field. When a type's rule asks
 * only that the caller may see the object (`@requiresRole(role: READER)` on
 * the type: READER is met by any role, so allowed means visible) or be signed
 * in (`@authenticated`), every field sharing that rule gives one object the
 * same answer. So it is decided once, where the object enters the response:
 * on every field whose type is the type, a list of it, an interface or union
 * it belongs to, or an edge carrying it as `node`. An object reaches a
 * response only as the value of such a field, so none escapes the check; and
 * its plain columns then resolve as properties, without a resolver call each.
 */
import {
  getNamedType,
  isAbstractType,
  isObjectType,
  isUnionType,
  type GraphQLAbstractType,
  type GraphQLNamedType,
  type GraphQLOutputType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { forbidden, notSignedIn } from '../errors.js';
import type { AccessContext } from './engine.js';
import { forbiddenBy } from './refusals.js';
import type { AccessRule, RuleTable } from './rules.js';
import { decide, type HeldRoles } from './roles.js';
import { levelOf, type ObjectTypes, type Scope } from './scopes.js';

/** Checks a field's value where it enters the response; returns the value, or a promise of it. */
export type EntryCheck<C> = (value: unknown, ctx: C, info: GraphQLResolveInfo) => unknown;

type ObjectRule = Extract<AccessRule, { kind: 'role' | 'authenticated' }>;

export interface ObjectChecks<C> {
  /** Whether `Type.field`'s rule is its type's, checked on entry (the field needs no check of its own). */
  covers(typeName: string, rule: AccessRule): boolean;
  /** The check the values of this field need on entry, or null. */
  entryCheck(typeName: string, fieldName: string, type: GraphQLOutputType): EntryCheck<C> | null;
}

const sameRule = (a: AccessRule, b: AccessRule) => JSON.stringify(a) === JSON.stringify(b);

function checkableOnce(rule: AccessRule | undefined, scoped: boolean): rule is ObjectRule {
  if (rule?.kind === 'authenticated') return rule.principal === null;
  return rule?.kind === 'role' && rule.scopePath === null && rule.principal === null && rule.at === null && rule.anyOf.includes('READER') && scoped;
}

export function objectChecks<C extends AccessContext>(schema: GraphQLSchema, { rules, typeRules }: RuleTable, types: ObjectTypes<C>): ObjectChecks<C> {
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  const checked = new Map<string, ObjectRule>();
  for (const [name, rule] of typeRules) if (!roots.has(name) && checkableOnce(rule, types[name]?.scopeOf !== undefined)) checked.set(name, rule);

  const inAbstractType = new Set<string>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (isUnionType(type)) type.getTypes().forEach((t) => inAbstractType.add(t.name));
    if (isObjectType(type) && type.getInterfaces().length > 0) inAbstractType.add(type.name);
  }

  /** The check for objects of a named type, or null when it has nothing to check. */
  const objectsOf = (named: GraphQLNamedType): Visit | null => {
    if (isObjectType(named)) {
      const rule = checked.get(named.name);
      const scopeOf = types[named.name]?.scopeOf;
      return rule ? (value, ctx) => checkObject(rule, scopeOf, value, ctx) : null;
    }
    if (!isAbstractType(named) || !schema.getPossibleTypes(named).some((t) => checked.has(t.name))) return null;
    return (value, ctx, info) => {
      const typeName = concreteTypeOf(named, value, ctx, info);
      const rule = checked.get(typeName);
      return rule ? checkObject(rule, types[typeName]?.scopeOf, value, ctx) : undefined;
    };
  };

  /**
   * Carriers: public types that only pass checked objects on, like a connection and its edges. Their
   * fields that lead to checked objects are plain properties (no resolver, no rule of their own), so
   * the field that hands out a carrier checks what it carries, and a page of a connection is walked
   * once where the page enters the response, not by a resolver on each of its `edges`. That holds only
   * while every carrier comes from a field of its type (so it is in no interface or union). A type
   * becomes a carrier only once the carriers it holds are known, so no cycle of carriers forms.
   */
  const carried = new Map<string, Visit>();
  const carriedFields = new Set<string>();
  const needingCheck = (type: GraphQLOutputType) => {
    const named = getNamedType(type);
    return objectsOf(named) ?? carried.get(named.name) ?? null;
  };
  for (let grew = true; grew; ) {
    grew = false;
    for (const type of Object.values(schema.getTypeMap())) {
      if (!isObjectType(type) || roots.has(type.name) || checked.has(type.name) || inAbstractType.has(type.name) || carried.has(type.name)) continue;
      const passed = Object.values(type.getFields()).flatMap((field) => {
        const visit = needingCheck(field.type);
        return visit ? [{ field, visit }] : [];
      });
      const plain = ({ field }: (typeof passed)[number]) => !field.resolve && rules.get(`${type.name}.${field.name}`)?.kind === 'public';
      if (passed.length === 0 || !passed.every(plain)) continue;
      carried.set(type.name, (value, ctx, info) => {
        let pending: Promise<unknown>[] | null = null;
        for (const { field, visit } of passed) {
          const done = eachItem(plainProperty(value, field.name), visit, ctx, info);
          if (done instanceof Promise) (pending ??= []).push(done);
        }
        return pending ? Promise.all(pending) : undefined;
      });
      for (const { field } of passed) carriedFields.add(`${type.name}.${field.name}`);
      grew = true;
    }
  }

  return {
    covers: (typeName, rule) => checked.has(typeName) && sameRule(rule, checked.get(typeName)!),
    entryCheck: (typeName, fieldName, type) => {
      if (carriedFields.has(`${typeName}.${fieldName}`)) return null; // checked where its carrier was handed out
      const visit = needingCheck(type);
      if (!visit) return null;
      return (value, ctx, info) => (value instanceof Promise ? new CheckedOnArrival(value, visit, ctx, info) : eachItem(value, visit, ctx, info));
    },
  };
}

/** Visits one object of a field's value; returns nothing, or a promise of nothing when it had to wait. */
type Visit = (item: object, ctx: AccessContext, info: GraphQLResolveInfo) => unknown;

/** Runs for every object of a response: the roles of an organization are known at once, so no promise there. */
function checkObject(rule: ObjectRule, scopeOf: ((row: never) => Scope) | undefined, value: unknown, ctx: AccessContext): unknown {
  if (ctx.principal.kind === 'anonymous') throw notSignedIn();
  if (rule.kind === 'authenticated') return undefined;
  // Role rules are checked once per object only on types that have a scope (checkableOnce): deny otherwise.
  if (!scopeOf) throw forbidden();
  const scope = scopeOf(value as never);
  const held = ctx.access.rolesIn(scope);
  // No closure on the usual, synchronous path: this runs for every object of a response.
  if (held instanceof Promise) return held.then((known) => allowOrThrow(known, scope, rule));
  return allowOrThrow(held, scope, rule);
}

function allowOrThrow(held: HeldRoles, scope: Scope, rule: Extract<ObjectRule, { kind: 'role' }>): undefined {
  if (decide(held, levelOf(scope), rule) !== 'allow') throw forbiddenBy(rule, scope);
  return undefined;
}

/** What graphql-js would complete an abstract value as: its `__typename`, or the type's resolveType. */
function concreteTypeOf(type: GraphQLAbstractType, value: unknown, ctx: AccessContext, info: GraphQLResolveInfo): string {
  const typename = (value as { __typename?: unknown }).__typename;
  if (typeof typename === 'string') return typename;
  const resolved = type.resolveType?.(value, ctx, info, type);
  // A type decided later cannot be checked now: refuse rather than let the object through unchecked.
  if (typeof resolved !== 'string') throw new Error(`The concrete type of a ${type.name} must be known to check access to it`);
  return resolved;
}

function plainProperty(source: unknown, key: string): unknown {
  const value = (source as Record<string, unknown>)[key];
  if (typeof value === 'function') throw new Error(`${key} must be a plain property to be checked on entry`);
  return value;
}

/** Visits every object in a field's value (lists nested or not, promises awaited); returns the value or a promise of it. */
function eachItem(value: unknown, visit: Visit, ctx: AccessContext, info: GraphQLResolveInfo): unknown {
  if (value === null || value === undefined) return value;
  if (value instanceof Promise) return value.then((resolved) => eachItem(resolved, visit, ctx, info));
  if (Array.isArray(value)) {
    let pending: Promise<unknown>[] | null = null;
    for (const item of value) {
      const done = eachItem(item, visit, ctx, info);
      if (done instanceof Promise) (pending ??= []).push(done);
    }
    return pending ? Promise.all(pending).then(() => value) : value;
  }
  if (typeof value !== 'object') throw new Error('An object was expected where access is checked');
  const done = visit(value, ctx, info);
  return done instanceof Promise ? done.then(() => value) : value;
}

/**
 * A field's pending value that is checked when it arrives. The executor calls `then` on it as on the
 * resolver's promise, and the check runs inside that one callback: chaining the check on the promise
 * instead would cost every async field a promise and a microtask more, and most fields that hand out
 * objects are async (they wait for a DataLoader).
 */
class CheckedOnArrival implements PromiseLike<unknown> {
  constructor(
    private readonly pending: Promise<unknown>,
    private readonly visit: Visit,
    private readonly ctx: AccessContext,
    private readonly info: GraphQLResolveInfo,
  ) {}

  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): Promise<A | B> {
    return this.pending.then((value) => this.arrived(value, onFulfilled, onRejected), onRejected);
  }

  private arrived<A, B>(value: unknown, onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null): A | B | PromiseLike<A | B> {
    let checked: unknown;
    try {
      checked = eachItem(value, this.visit, this.ctx, this.info);
    } catch (error) {
      // The executor hears of a refusal through its own rejection handler, as of a resolver's error.
      if (onRejected) return onRejected(error);
      throw error;
    }
    if (checked instanceof Promise) return checked.then(() => (onFulfilled ? onFulfilled(value) : (value as A)), onRejected);
    return onFulfilled ? onFulfilled(value) : (value as A);
  }
}
