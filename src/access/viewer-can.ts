/**
 * `viewerCan`: what the caller may do to an object, generated from the
 * rules. Every object type that mutations take as their scope (a Mutation
 * field whose @requiresRole names a `<type>Id` argument) gets
 * `viewerCan: <Type>ViewerCan!`, with one Boolean per such mutation (and
 * per mutation of the type it `@actsAs`, whose scope arguments take its IDs), named
 * as the mutation and answered by `decide` with the roles already loaded, so
 * a web app hides a button by asking, never by copying the matrix. Checks
 * of the input itself (CONFLICT, BAD_USER_INPUT) stay the mutation's.
 */
import { addResolversToSchema, makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLFieldResolver, GraphQLSchema } from 'graphql';
import type { AccessContext } from './engine.js';
import { decide, type HeldRoles } from './roles.js';
import { readAccessRules, readActsAs, type RoleRule, type RuleMode } from './rules.js';
import { atLevel, levelOf, typeNameOfScope, type ObjectType } from './scopes.js';

interface ScopedMutation {
  name: string;
  rule: RoleRule;
}

/** Object type -> the mutations whose scope argument names one of it, in the schema's order. */
export function mutationsByScopeType(schema: GraphQLSchema, mode: RuleMode = 'live'): Map<string, ScopedMutation[]> {
  // Only Mutation's rules are read here, and each names its own scope: no type needs to be known as scoped.
  const everyType = new Set(Object.keys(schema.getTypeMap()));
  const { rules } = readAccessRules(schema, everyType, mode);
  const byType = new Map<string, ScopedMutation[]>();
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const rule = rules.get(`${schema.getMutationType()!.name}.${field.name}`);
    if (rule?.kind !== 'role' || !rule.scopePath) continue;
    const type = typeNameOfScope(rule.scopePath);
    byType.set(type, [...(byType.get(type) ?? []), { name: field.name, rule }]);
  }
  // A type that acts as another takes that type's mutations too (a library those of projects), after its own.
  for (const [type, target] of readActsAs(schema)) {
    const taken = byType.get(target) ?? [];
    if (taken.length > 0) byType.set(type, [...(byType.get(type) ?? []), ...taken]);
  }
  return byType;
}

const flagsType = (type: string) => `${type}ViewerCan`;

const ruleSummary = (rule: RoleRule) =>
  `${rule.anyOf.join(' or ')}${rule.principal === null ? '' : rule.principal === 'USER' ? ', users only' : ', machine clients only'}`;

/** The SDL `viewerCan` adds, derived from the other SDL files. */
export function viewerCanTypeDefs(typeDefs: string[]): string {
  const byType = mutationsByScopeType(makeExecutableSchema({ typeDefs }));
  return [...byType]
    .map(
      ([type, mutations]) => `
"""What the caller may do to this ${type}: one flag per mutation scoped to it, true where the caller's roles meet that mutation's rule here."""
type ${flagsType(type)} @public {
${mutations.map((m) => `  """Whether \`Mutation.${m.name}\` (${ruleSummary(m.rule)}) would pass its access check on this ${type}."""\n  ${m.name}: Boolean!`).join('\n')}
}

extend type ${type} {
  """What the caller may do to this ${type}, from the rules of its mutations (the input's own checks aside)."""
  viewerCan: ${flagsType(type)}!
}`,
    )
    .join('\n');
}

type Resolver = GraphQLFieldResolver<unknown, AccessContext>;

/** Resolvers of the generated fields, added to `schema` (built from the SDL with them): the object itself, then each flag decided where it sits. */
export function addViewerCanResolvers(
  schema: GraphQLSchema,
  types: Record<string, Pick<ObjectType<unknown>, 'scopeOf'>>,
  mode: RuleMode = 'live',
): void {
  const resolvers: Record<string, Record<string, Resolver>> = {};
  for (const [type, mutations] of mutationsByScopeType(schema, mode)) {
    const scopeOf = types[type]?.scopeOf;
    if (!scopeOf) throw new Error(`${type} takes mutations but declares no scope`);
    resolvers[type] = { viewerCan: (object) => object };
    resolvers[flagsType(type)] = Object.fromEntries(
      mutations.map(({ name, rule }) => {
        const flag: Resolver = (object, _args, ctx) => {
          const scope = atLevel(scopeOf(object as never), rule.at);
          const allowed = (held: HeldRoles) => decide(held, levelOf(scope), rule) === 'allow';
          const held = ctx.access.rolesIn(scope);
          return held instanceof Promise ? held.then(allowed) : allowed(held);
        };
        return [name, flag];
      }),
    );
  }
  // In place: building the schema a second time only to add these would cost as much as the first build.
  addResolversToSchema({ schema, resolvers, updateResolversInPlace: true });
}
