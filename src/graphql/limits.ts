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

/** Selection sets of an operation with fragments spread in place; fragment cycles are cut (another rule reports them). */
function walk(context: ValidationContext, set: SelectionSetNode, visit: (field: FieldNode, depth: number) => void, depth = 1, seen = new Set<string>()) {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) {
      visit(selection, depth);
      if (selection.selectionSet) walk(context, selection.selectionSet, visit, depth + 1, seen);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      walk(context, selection.selectionSet, visit, depth, seen);
    } else {
      const name = selection.name.value;
      const fragment: FragmentDefinitionNode | null | undefined = context.getFragment(name);
      if (!fragment || seen.has(name)) continue;
      walk(context, fragment.selectionSet, visit, depth, new Set([...seen, name]));
    }
  }
}

function depthRule(max: number): ValidationRule {
  return (context): ASTVisitor => ({
    OperationDefinition(operation) {
      let deepest = 0;
      walk(context, operation.selectionSet, (field, depth) => {
        if (!field.name.value.startsWith('__')) deepest = Math.max(deepest, depth);
      });
      if (deepest > max) context.reportError(limitError(`Query depth ${deepest} exceeds the limit of ${max}`));
    },
  });
}

function countAliases(context: ValidationContext, set: SelectionSetNode): number {
  let n = 0;
  walk(context, set, (field) => {
    if (field.alias) n++; // __typename aliases count too: they are as cheap to send as they are to repeat
  });
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
