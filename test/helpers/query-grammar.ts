/**
 * A grammar of queries over a schema (as introspected over HTTP): every path
 * from Query, arguments drawn from pools, aliases, directives, named and
 * inline fragments, `node { ... on X }`, and now and then a deep path a
 * random walk seldom reaches; printed as one operation with variables, and
 * kept only when the server's request limits would accept it.
 */
import fc from 'fast-check';
import {
  getNamedType,
  getOperationAST,
  getIntrospectionQuery,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
} from 'graphql';
import { createCostOf } from '../../src/graphql/cost.js';
import { DEFAULT_LIMITS, limitRules } from '../../src/graphql/limits.js';
import { weighted } from './fast-check.js';

type Directive = null | 'include' | 'skipFalse' | 'skipTrue';
type Arg = { variable: boolean; type: string; value: string | number };
type Selection =
  | { k: 'field'; name: string; alias: boolean; args: [string, Arg][]; directive: Directive; sub: Selection[] | null }
  | { k: 'inline'; on: string | null; directive: Directive; sub: Selection[] }
  | { k: 'named'; on: string; sub: Selection[] };

/** Values for the arguments a path takes, from both tenants (and some that name nothing). */
export type ArgumentPools = Record<string, (string | number)[]>;

/** Composite levels below a root field: a leaf sits at depth MAX_LEVELS + 1 at most, the server's depth limit. */
const MAX_LEVELS = DEFAULT_LIMITS.maxDepth - 1;

/**
 * Deep paths that a random walk over the schema seldom reaches, taken from
 * the root now and then; below its end, the selection is random again.
 */
const DEEP_PATHS = [
  'organization workspaces edges node projects edges node grants',
  'organization workspaces edges node projects edges node',
  'organization workspaces edges node groups edges node',
  'organization workspaces edges node members edges node',
  'organization workspace project',
  'organization workspace project processInstances edges node',
  'organization environments edges node generations edges node createdBy',
  'organization environments edges node history edges node',
  'organization environment',
  'organization packages edges node versions',
  'organization package versions publishedBy',
  'organization members edges node user',
  'organization auditLog edges node',
  'organizations edges node',
  'viewer machineClient organization',
].map((path) => path.split(' '));

export function queryArbitrary(schema: GraphQLSchema, pools: ArgumentPools): fc.Arbitrary<Selection[]> {
  const types = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLCompositeType => isCompositeType(t) && !t.name.startsWith('__') && t !== schema.getMutationType(),
  );
  const directiveArb = weighted<Directive>([12, null], [1, 'include'], [1, 'skipFalse'], [1, 'skipTrue']);
  const aliasArb = weighted([5, false], [1, true]);

  /** The arguments of a field: the pooled ones, `first` now and then; null when a required one has no pool. */
  const argsOf = (type: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): fc.Arbitrary<[string, Arg][]> | null => {
    const parts: fc.Arbitrary<[string, Arg] | null>[] = [];
    for (const arg of field.args) {
      const pool = pools[`${type.name}.${field.name}.${arg.name}`];
      if (arg.name === 'first') {
        parts.push(weighted<[string, Arg] | null>([2, null], [1, ['first', { variable: false, type: 'Int', value: 1 }]], [2, ['first', { variable: false, type: 'Int', value: 2 }]], [1, ['first', { variable: false, type: 'Int', value: 3 }]]));
      } else if (pool) {
        parts.push(fc.tuple(fc.constantFrom(...pool), weighted([2, false], [1, true])).map(([value, variable]) => [arg.name, { variable, type: String(arg.type), value }] as [string, Arg]));
      } else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
        return null;
      }
    }
    return fc.tuple(...parts).map((all) => all.filter((a): a is [string, Arg] => a !== null));
  };

  /** One field per step of `path` from the root, then a random selection of the type it ends at. */
  const pathArbitrary = (path: string[], tie: (key: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Selection> => {
    let type: GraphQLCompositeType = schema.getQueryType()!;
    const steps = path.map((name) => {
      const parent = type;
      const field = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
      if (!field) throw new Error(`${parent.name} has no field ${name}`);
      type = getNamedType(field.type) as GraphQLCompositeType;
      return { parent, field };
    });
    let sub = tie(`${type.name}@${MAX_LEVELS - path.length}`) as fc.Arbitrary<Selection[]>;
    let item: fc.Arbitrary<Selection> | null = null;
    for (const { parent, field } of steps.reverse()) {
      const args = argsOf(parent, field);
      if (args === null) throw new Error(`no arguments for ${parent.name}.${field.name}`);
      item = fc.record({ k: fc.constant('field' as const), name: fc.constant(field.name), alias: aliasArb, args, directive: fc.constant(null), sub });
      sub = item.map((selection) => [selection]);
    }
    return item!;
  };

  return fc.letrec((tie) => {
    const table: Record<string, fc.Arbitrary<Selection[]>> = {};
    for (const type of types) {
      for (let level = 0; level <= MAX_LEVELS; level++) {
        const key = `${type.name}@${level}`;
        const items: fc.WeightedArbitrary<Selection>[] = [];
        const leafNames = ['__typename'];
        if (isObjectType(type) || isInterfaceType(type)) {
          const composites: fc.Arbitrary<Selection>[] = [];
          for (const field of Object.values(type.getFields())) {
            const args = argsOf(type, field);
            if (args === null) continue;
            const named = getNamedType(field.type);
            if (isLeafType(named)) {
              if (field.args.length === 0) leafNames.push(field.name);
            } else if (level > 0) {
              composites.push(
                fc.record({
                  k: fc.constant('field' as const),
                  name: fc.constant(field.name),
                  alias: aliasArb,
                  args,
                  directive: directiveArb,
                  sub: tie(`${named.name}@${level - 1}`) as fc.Arbitrary<Selection[]>,
                }),
              );
            }
          }
          if (composites.length > 0) items.push({ weight: 6, arbitrary: fc.oneof(...composites) });
        }
        items.unshift({
          // Types with few leaves (Query, connections) lean towards their composite fields.
          weight: Math.min(6, 2 * leafNames.length),
          arbitrary: fc.record({ k: fc.constant('field' as const), name: fc.constantFrom(...leafNames), alias: aliasArb, args: fc.constant([]), directive: directiveArb, sub: fc.constant(null) }),
        });
        if (level > 0) {
          // Fragments: on the type itself, on its interfaces, or on the possible types of an abstract type.
          const conditions = isObjectType(type) ? [type.name, ...type.getInterfaces().map((i) => i.name)] : [type.name, ...schema.getPossibleTypes(type).map((t) => t.name)];
          const sub = (on: string) => tie(`${on}@${level - 1}`) as fc.Arbitrary<Selection[]>;
          items.push({
            weight: 2,
            arbitrary: fc.oneof(
              ...[null, ...conditions].map((on) => fc.record({ k: fc.constant('inline' as const), on: fc.constant(on), directive: directiveArb, sub: sub(on ?? type.name) })),
            ),
          });
          items.push({
            weight: 1,
            arbitrary: fc.oneof(...conditions.map((on) => fc.record({ k: fc.constant('named' as const), on: fc.constant(on), sub: sub(on) }))),
          });
        }
        if (type === schema.getQueryType() && level === MAX_LEVELS) {
          items.push({ weight: 6, arbitrary: fc.oneof(...DEEP_PATHS.map((path) => pathArbitrary(path, tie))) });
        }
        table[key] = fc.array(fc.oneof(...items), { minLength: 1, maxLength: 3 });
      }
    }
    return table;
  })[`${schema.getQueryType()!.name}@${MAX_LEVELS}`]!;
}

/** Prints a selection tree as one operation, with named fragments and variables; repeated response keys get aliases. */
export function printQuery(schema: GraphQLSchema, root: Selection[]): { query: string; variables: Record<string, unknown> } {
  let aliases = 0;
  const fragments: string[] = [];
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const directive = (d: Directive) => (d === 'include' ? ' @include(if: true)' : d === 'skipFalse' ? ' @skip(if: false)' : d === 'skipTrue' ? ' @skip(if: true)' : '');

  /** `keys`: response key -> merge signature (null: never merged) within one selection set, fragments included. */
  const printSet = (type: GraphQLCompositeType, selections: Selection[], keys: Map<string, string | null>): string =>
    selections.map((s) => printSelection(type, s, keys)).join(' ');

  const printSelection = (type: GraphQLCompositeType, s: Selection, keys: Map<string, string | null>): string => {
    if (s.k === 'inline') {
      const on = s.on ?? type.name;
      return `...${s.on ? ` on ${s.on}` : ''}${directive(s.directive)} { ${printSet(schema.getType(on) as GraphQLCompositeType, s.sub, keys)} }`;
    }
    if (s.k === 'named') {
      const name = `F${fragments.length + 1}`;
      fragments.push('');
      const index = fragments.length - 1;
      fragments[index] = `fragment ${name} on ${s.on} { ${printSet(schema.getType(s.on) as GraphQLCompositeType, s.sub, keys)} }`;
      return `...${name}`;
    }
    const field = s.name === '__typename' ? null : (type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[s.name]!;
    const signature = s.sub === null && s.args.length === 0 ? `${s.name}: ${field ? String(field.type) : 'String!'}` : null;
    let key = s.alias ? `a${++aliases}` : s.name;
    if (!s.alias && keys.has(key)) {
      const previous = keys.get(key);
      if (previous === null || signature === null || previous !== signature) key = `a${++aliases}`;
    }
    keys.set(key, signature);
    const args = s.args.map(([name, arg]) => {
      if (!arg.variable) return `${name}: ${JSON.stringify(arg.value)}`;
      const variable = `v${Object.keys(variables).length + 1}`;
      variables[variable] = arg.value;
      definitions.push(`$${variable}: ${arg.type}`);
      return `${name}: $${variable}`;
    });
    const head = `${key === s.name ? '' : `${key}: `}${s.name}${args.length ? `(${args.join(', ')})` : ''}${directive(s.directive)}`;
    if (s.sub === null) return head;
    return `${head} { ${printSet(getNamedType(field!.type) as GraphQLCompositeType, s.sub, new Map())} }`;
  };

  const body = printSet(schema.getQueryType()!, root, new Map());
  const query = `query Probe${definitions.length ? `(${definitions.join(', ')})` : ''} { ${body} }${fragments.length ? `\n${fragments.join('\n')}` : ''}`;
  return { query, variables };
}

/**
 * graphql-js's introspection query with a TypeRef fragment three `ofType`s
 * deep (enough for `[X!]!`): the standard one nests nine and is refused by
 * the depth limit (depth 15 > 12).
 */
export function introspectionQuery(): string {
  const standard = getIntrospectionQuery();
  const typeRef = 'fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
  return `${standard.slice(0, standard.indexOf('fragment TypeRef'))}${typeRef}`;
}

/** Whether the server's request limits accept the document (the server refuses the others before executing anything). */
const costOf = createCostOf();

/** Within the document limits (validation) and the cost limit (with the query's variables), as the server counts them. */
export function withinLimits(schema: GraphQLSchema, query: string, variables: Record<string, unknown>): boolean {
  try {
    const document = parse(query, { maxTokens: DEFAULT_LIMITS.maxTokens });
    if (validate(schema, document, limitRules(DEFAULT_LIMITS)).length > 0) return false;
    const operation = getOperationAST(document);
    const cost = operation && costOf(schema, document, operation, variables);
    return !cost || (cost.cost <= DEFAULT_LIMITS.maxCost && cost.introspectionCost <= DEFAULT_LIMITS.maxIntrospectionCost);
  } catch {
    return false;
  }
}
