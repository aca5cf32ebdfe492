/**
 * Reads the access rule of every field from the SDL directives and checks
 * that the schema is covered: a field reachable from Query or Mutation with
 * no rule (on itself or its type) makes the schema build fail, so nothing is
 * ever served by accident (deny by default).
 */
import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  isUnionType,
  print,
  type DirectiveNode,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { getDirective } from '@graphql-tools/utils';
import type { AccessRole, ScopeLevel } from './roles.js';

export type PrincipalKindRule = 'USER' | 'MACHINE' | null;

export type AccessRule =
  | { kind: 'public' }
  | { kind: 'authenticated'; principal: PrincipalKindRule }
  | {
      kind: 'role';
      anyOf: AccessRole[];
      scopePath: string[] | null;
      principal: PrincipalKindRule;
      /** Decided at this level of the object's scope, not its own (`at:`); null: where the object sits. */
      at: ScopeLevel | null;
    };

export type RoleRule = Extract<AccessRule, { kind: 'role' }>;

export class AccessRuleError extends Error {
  constructor(readonly problems: string[]) {
    super(`The schema's access rules are incomplete:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'AccessRuleError';
  }
}

const RULE_DIRECTIVES = ['public', 'authenticated', 'requiresRole'] as const;
const CANDIDATE = 'candidateRule';

/**
 * Which rules decide: `live`, the rule directives; `candidate`, a field's
 * @candidateRule where it has one (shadow rules tried as if deployed).
 */
export type RuleMode = 'live' | 'candidate';

/** The rule of `Type.field` as written in the SDL: the field's own directive, or its type's. */
export function ruleAsWritten(schema: GraphQLSchema, typeName: string, fieldName: string): string | null {
  const type = schema.getType(typeName);
  if (!isObjectType(type)) return null;
  const isRule = (d: DirectiveNode) => (RULE_DIRECTIVES as readonly string[]).includes(d.name.value);
  const own = type.getFields()[fieldName]?.astNode?.directives?.filter(isRule) ?? [];
  const ofType = [type.astNode, ...type.extensionASTNodes].flatMap((node) => node?.directives?.filter(isRule) ?? []);
  const [directive] = own.length > 0 ? own : ofType;
  return directive ? print(directive) : null;
}

/** The rule on a field or a type, or null; throws when one place carries two. */
function ruleAt(schema: GraphQLSchema, node: GraphQLField<unknown, unknown> | GraphQLObjectType, where: string, problems: string[]) {
  const found = RULE_DIRECTIVES.flatMap((name) => (getDirective(schema, node, name) ?? []).map((args) => ({ name, args })));
  if (found.length > 1) problems.push(`${where} carries more than one access rule (${found.map((f) => `@${f.name}`).join(', ')})`);
  const [first] = found;
  if (!first) return null;
  const principal = (first.args.principal ?? null) as PrincipalKindRule;
  switch (first.name) {
    case 'public':
      return { kind: 'public' } as const;
    case 'authenticated':
      return { kind: 'authenticated', principal } as const;
    case 'requiresRole':
      return roleRuleOf(first.args, '@requiresRole', where, problems);
  }
}

function roleRuleOf(args: Record<string, unknown>, directive: string, where: string, problems: string[]): RoleRule {
  const { role, anyOf, scope, at, principal } = args as { role?: AccessRole; anyOf?: AccessRole[]; scope?: string; at?: string; principal?: PrincipalKindRule };
  if ((role === undefined) === (anyOf === undefined) || anyOf?.length === 0) problems.push(`${where}: ${directive} needs exactly one of role or anyOf`);
  return {
    kind: 'role',
    anyOf: role ? [role] : (anyOf ?? []),
    scopePath: scope ? scope.split('.') : null,
    principal: principal ?? null,
    at: at ? (at.toLowerCase() as ScopeLevel) : null,
  };
}

/** The @candidateRule on a field or a type, as a role rule; its scope, where unsaid, is the live rule's. */
function candidateAt(schema: GraphQLSchema, node: GraphQLField<unknown, unknown> | GraphQLObjectType, live: AccessRule | null, where: string, problems: string[]) {
  const [args] = getDirective(schema, node, CANDIDATE) ?? [];
  if (!args) return null;
  const rule = roleRuleOf(args, `@${CANDIDATE}`, where, problems);
  return rule.scopePath === null && live?.kind === 'role' ? { ...rule, scopePath: live.scopePath } : rule;
}

/** Object type -> the type whose scope arguments also take its IDs (`@actsAs`); throws where the named type is no object type. */
export function readActsAs(schema: GraphQLSchema): Map<string, string> {
  const actsAs = new Map<string, string>();
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    const [args] = getDirective(schema, type, 'actsAs') ?? [];
    if (!args) continue;
    const target = args.type as string;
    if (!isObjectType(schema.getType(target))) problems.push(`${type.name}: @actsAs names "${target}", which is no object type`);
    else actsAs.set(type.name, target);
  }
  if (problems.length > 0) throw new AccessRuleError(problems);
  return actsAs;
}

export interface RuleTable {
  /** `Type.field` -> the rule that decides it (in `candidate` mode, its candidate where it has one). */
  rules: Map<string, AccessRule>;
  /** `Type.field` -> the live rule of a field that has a candidate, and that candidate. */
  candidates: Map<string, { live: AccessRule; candidate: RoleRule }>;
  /** Type -> the rule on the type itself, for the types that carry one. */
  typeRules: Map<string, AccessRule>;
}

/**
 * Collects the rule of every field of every object type reachable from the
 * root types. `scopedTypes` names the types whose objects know their scope,
 * the only ones where @requiresRole may take its scope from the parent.
 */
export function readAccessRules(schema: GraphQLSchema, scopedTypes: ReadonlySet<string>, mode: RuleMode = 'live'): RuleTable {
  const problems: string[] = [];
  const rules = new Map<string, AccessRule>();
  const typeRules = new Map<string, AccessRule>();
  const candidates = new Map<string, { live: AccessRule; candidate: RoleRule }>();
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  for (const type of reachableObjectTypes(schema)) {
    const typeRule = ruleAt(schema, type, type.name, problems);
    // A type's candidate stands for its type's rule: on the fields that have no rule of their own.
    const typeCandidate = candidateAt(schema, type, typeRule, type.name, problems);
    const deciding = mode === 'candidate' && typeCandidate ? typeCandidate : typeRule;
    if (deciding) typeRules.set(type.name, deciding);
    for (const field of Object.values(type.getFields())) {
      const where = `${type.name}.${field.name}`;
      const ownRule = ruleAt(schema, field, where, problems);
      const live = ownRule ?? typeRule;
      const ownCandidate = candidateAt(schema, field, live, where, problems);
      const candidate = ownCandidate ?? (ownRule ? null : typeCandidate);
      if (candidate && live) candidates.set(where, { live, candidate });
      const rule = mode === 'candidate' && candidate ? candidate : live;
      if ((ownRule?.kind === 'role' || ownCandidate) && !roots.has(type.name) && isNonNullType(field.type)) {
        // A denied field reads as null with FORBIDDEN at its path; non-null would null out its parent too.
        problems.push(`${where} can be denied by its own @${ownCandidate ? CANDIDATE : 'requiresRole'}, so its type must be nullable`);
      }
      if (!rule) {
        problems.push(`${where} has no access rule: add @public, @authenticated or @requiresRole to it or to ${type.name}`);
        continue;
      }
      if (rule.kind === 'role') {
        if (rule.scopePath) checkScopePath(field.args, rule.scopePath, where, problems);
        else if (roots.has(type.name)) problems.push(`${where}: @requiresRole on a root field needs scope: "<argument path to an ID>"`);
        else if (!scopedTypes.has(type.name)) problems.push(`${where}: ${type.name} has no scope, so @requiresRole needs scope:`);
      }
      rules.set(where, rule);
    }
  }
  if (problems.length > 0) throw new AccessRuleError(problems);
  return { rules, candidates, typeRules };
}

function checkScopePath(args: readonly GraphQLArgument[], path: string[], where: string, problems: string[]) {
  const [head, ...rest] = path;
  let type: GraphQLInputType | undefined = args.find((a) => a.name === head)?.type;
  for (const segment of rest) {
    const named = type && getNamedType(type);
    type = isInputObjectType(named) ? named.getFields()[segment]?.type : undefined;
  }
  if (!type || getNamedType(type).name !== 'ID') problems.push(`${where}: scope "${path.join('.')}" does not name an ID argument`);
}

function reachableObjectTypes(schema: GraphQLSchema): GraphQLObjectType[] {
  const seen = new Set<string>();
  const objects: GraphQLObjectType[] = [];
  const visit = (type: GraphQLNamedType | null | undefined) => {
    if (!type || seen.has(type.name)) return;
    seen.add(type.name);
    if (isObjectType(type)) {
      objects.push(type);
      Object.values(type.getFields()).forEach((f) => visit(getNamedType(f.type)));
    } else if (isInterfaceType(type)) {
      schema.getPossibleTypes(type).forEach(visit);
      Object.values(type.getFields()).forEach((f) => visit(getNamedType(f.type)));
    } else if (isUnionType(type)) {
      type.getTypes().forEach(visit);
    }
  };
  visit(schema.getQueryType());
  visit(schema.getMutationType());
  return objects;
}
