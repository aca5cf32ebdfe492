/**
 * Request limits, enforced while a document is validated, before anything
 * executes: depth, aliases, directives and cost. (The token count is bounded
 * by the parser itself, see `parseOptions` in server.ts.) Each error states
 * the limit, so a client knows what to change.
 */
import {
  GraphQLError,
  Kind,
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './connection.js';

export interface RequestLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Fields cost 1; a list multiplies what is under it by its page size (`first`, or the default). */
  maxCost: number;
}

export const DEFAULT_LIMITS: RequestLimits = { maxDepth: 12, maxAliases: 15, maxDirectives: 10, maxTokens: 2000, maxCost: 50_000 };

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });

export function limitRules(limits: RequestLimits): ValidationRule[] {
  return [depthRule(limits.maxDepth), countRule('aliases', limits.maxAliases, countAliases), directivesRule(limits.maxDirectives), costRule(limits.maxCost)];
}

/**
 * Selection sets of an operation with fragments spread in place; fragment
 * cycles are cut (another rule reports them). `visit` returns the state its
 * field's children see, or false to skip them.
 */
function walk<S>(
  context: ValidationContext,
  set: SelectionSetNode,
  visit: (field: FieldNode, depth: number, state: S) => S | false,
  state: S,
  depth = 1,
  seen = new Set<string>(),
) {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      const next = visit(selection, depth, state);
      if (next !== false && selection.selectionSet) walk(context, selection.selectionSet, visit, next, depth + 1, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walk(context, selection.selectionSet, visit, state, depth, seen);
    } else {
      const name = selection.name.value;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      if (!fragment || seen.has(name)) continue;
      walk(context, fragment.selectionSet, visit, state, depth, new Set([...seen, name]));
    }
  }
}

const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);
/** Introspection fields that return lists of schema elements: what a circular introspection query repeats. */
const INTROSPECTION_LISTS = new Set(['types', 'fields', 'inputFields', 'interfaces', 'possibleTypes', 'enumValues', 'args', 'directives']);
const MAX_INTROSPECTION_DEPTH = 20;
const MAX_INTROSPECTION_LIST_HOPS = 3;

/**
 * Depth, counted on the data graph. Introspection is judged on its own terms:
 * tools' standard query nests `ofType` deeply but crosses at most three list
 * fields on any path (types > fields > args); a circular query (fields > type >
 * fields > ...) crosses more, and is refused.
 */
function depthRule(max: number): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(operation) {
      let deepest = 0;
      walk(
        context,
        operation.selectionSet,
        (field, depth) => {
          if (INTROSPECTION_ROOTS.has(field.name.value)) {
            checkIntrospection(context, field);
            return false;
          }
          if (!field.name.value.startsWith('__')) deepest = Math.max(deepest, depth);
          return true;
        },
        true,
      );
      if (deepest > max) context.reportError(limitError(`Query depth ${deepest} exceeds the limit of ${max}`));
    },
  });
}

function checkIntrospection(context: ValidationContext, root: FieldNode) {
  let deepest = 0;
  let hops = 0;
  if (!root.selectionSet) return;
  walk(
    context,
    root.selectionSet,
    (field, depth, listHops: number) => {
      const next = listHops + (INTROSPECTION_LISTS.has(field.name.value) ? 1 : 0);
      deepest = Math.max(deepest, depth);
      hops = Math.max(hops, next);
      return next;
    },
    0,
  );
  if (deepest > MAX_INTROSPECTION_DEPTH) {
    context.reportError(limitError(`Introspection depth ${deepest} exceeds the limit of ${MAX_INTROSPECTION_DEPTH}`));
  }
  if (hops > MAX_INTROSPECTION_LIST_HOPS) {
    context.reportError(limitError(`Introspection nests ${hops} lists of schema elements (query depth); the limit is ${MAX_INTROSPECTION_LIST_HOPS}`));
  }
}

function countAliases(context: ValidationContext, set: SelectionSetNode): number {
  let n = 0;
  walk(
    context,
    set,
    (field) => {
      if (field.alias) n++; // __typename aliases count too: they are as cheap to send as they are to repeat
      return true;
    },
    true,
  );
  return n;
}

/** Every directive in the document: on operations, fields, fragments and spreads alike. */
function directivesRule(max: number): ValidationRule {
  return (context): ASTVisitor => {
    let n = 0;
    return {
      Directive() {
        n++;
      },
      Document: {
        leave() {
          if (n > max) context.reportError(limitError(`The document uses ${n} directives; the limit is ${max}`));
        },
      },
    };
  };
}

function countRule(what: string, max: number, count: (context: ValidationContext, set: SelectionSetNode) => number): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(operation) {
      const n = count(context, operation.selectionSet);
      if (n > max) context.reportError(limitError(`The operation uses ${n} ${what}; the limit is ${max}`));
    },
  });
}

/**
 * Cost: every field costs 1, times the page sizes of the lists above it, so
 * `organizations(first: 100) { edges { node { members(first: 100) ... } } }`
 * costs in the tens of thousands. Fragments are counted where they are spread.
 */
function costRule(max: number): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(operation) {
      const root = operation.operation === 'mutation' ? context.getSchema().getMutationType() : context.getSchema().getQueryType();
      if (!root) return;
      const total = costOf(context, operation.selectionSet, root, 1, new Set());
      if (total > max) context.reportError(limitError(`Query cost ${total} exceeds the limit of ${max}`));
    },
  });
}

function costOf(context: ValidationContext, set: SelectionSetNode, parent: GraphQLNamedType, multiplier: number, seen: Set<string>): number {
  let total = 0;
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      total += multiplier;
      if (INTROSPECTION_ROOTS.has(selection.name.value)) continue; // bounded by its own rule (depthRule)
      const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[selection.name.value] : undefined;
      if (selection.selectionSet && definition) {
        const childMultiplier = multiplier * fanOut(definition, selection);
        total += costOf(context, selection.selectionSet, getNamedType(definition.type), childMultiplier, seen);
      }
    } else {
      const fragment = selection.kind === Kind.INLINE_FRAGMENT ? selection : context.getFragment(selection.name.value);
      if (!fragment || (selection.kind === Kind.FRAGMENT_SPREAD && seen.has(selection.name.value))) continue;
      const condition = fragment.typeCondition ? context.getSchema().getType(fragment.typeCondition.name.value) : parent;
      const nextSeen = selection.kind === Kind.FRAGMENT_SPREAD ? new Set([...seen, selection.name.value]) : seen;
      total += costOf(context, fragment.selectionSet, condition ?? parent, multiplier, nextSeen);
    }
  }
  return total;
}

/**
 * How many children a field may yield: a page (its `first`, or the default
 * page size) for paged fields; 1 for a connection's `edges`, already counted
 * by the connection; the default page size for other lists.
 */
function fanOut(definition: GraphQLField<unknown, unknown>, field: FieldNode): number {
  if (definition.args.some((a) => a.name === 'first')) return pageSizeOf(field);
  const type = isNonNullType(definition.type) ? definition.type.ofType : definition.type;
  if (!isListType(type)) return 1;
  return definition.name === 'edges' ? 1 : DEFAULT_PAGE_SIZE;
}

function pageSizeOf(field: FieldNode): number {
  const first = field.arguments?.find((a) => a.name.value === 'first');
  if (first?.value.kind === Kind.INT) return Math.max(1, Number(first.value.value));
  // A variable's value is unknown while validating: assume the largest page.
  return first ? MAX_PAGE_SIZE : DEFAULT_PAGE_SIZE;
}
