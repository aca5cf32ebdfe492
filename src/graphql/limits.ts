/**
 * Request limits that depend on the document alone, enforced while it is
 * validated, before anything executes: depth, aliases, directives, and no
 * subscriptions. (The token count is bounded by the parser itself, see
 * `parseOptions` in server.ts; cost depends on the variables too, see
 * cost.ts.) Each error states the limit, so a client knows what to change.
 *
 * Every figure is computed in time linear in the document: a fragment's
 * figures are computed once and combined wherever it is spread, never
 * re-expanded per path, so fragments that spread each other twice over
 * thirty levels cost thirty fragments' work, not 2^30.
 */
import { GraphQLError, Kind, type ASTVisitor, type FragmentDefinitionNode, type SelectionSetNode, type ValidationRule } from 'graphql';

export interface RequestLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  /** Fields cost 1; a list multiplies what is under it by its page size (`first`, or the default). */
  maxCost: number;
  /** The same for introspection, where a list multiplies by the schema's own sizes (see cost.ts). */
  maxIntrospectionCost: number;
  /** Deepest nesting of objects and lists in an input value (a JSON document, a variable). */
  maxInputDepth: number;
}

export const DEFAULT_LIMITS: RequestLimits = {
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 10,
  maxTokens: 2000,
  maxCost: 50_000,
  maxIntrospectionCost: 200_000,
  maxInputDepth: 64,
};

export const limitError = (message: string) =>
  new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', http: { status: 400 } } });

/** Figures past this are all "too many": sums stop growing, so no figure overflows however a document multiplies. */
export const FIGURE_CAP = 1e15;
export const capped = (n: number) => Math.min(n, FIGURE_CAP);
export const shown = (n: number) => (n >= FIGURE_CAP ? `over ${FIGURE_CAP}` : String(n));

export const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);
/** Introspection fields that return lists of schema elements: what a circular introspection query repeats. */
export const INTROSPECTION_LISTS = new Set(['types', 'fields', 'inputFields', 'interfaces', 'possibleTypes', 'enumValues', 'args', 'directives']);
const MAX_INTROSPECTION_DEPTH = 20;
const MAX_INTROSPECTION_LIST_HOPS = 3;

export function limitRules(limits: RequestLimits): ValidationRule[] {
  return [shapeRule(limits), directivesRule(limits.maxDirectives), noSubscriptionsRule];
}

/** What a selection set amounts to, its fragments expanded: the same figures wherever it is spread. */
interface Figures {
  /** Deepest data field, 1 for a field of this set; `__typename` and introspection do not count. */
  depth: number;
  /** Aliases, `__typename` ones included (they are as cheap to send as they are to repeat). */
  aliases: number;
  /** Inside introspection: deepest field, and most lists of schema elements crossed on one path. */
  introspectionDepth: number;
  introspectionHops: number;
}

const NOTHING: Figures = { depth: 0, aliases: 0, introspectionDepth: 0, introspectionHops: 0 };

/**
 * Depth is counted on the data graph. Introspection is judged on its own
 * terms: tools' standard query nests `ofType` deeply but crosses at most three
 * list fields on any path (types > fields > args); a circular query (fields >
 * type > fields > ...) crosses more, and is refused.
 */
function shapeRule(limits: RequestLimits): ValidationRule {
  return (context): ASTVisitor => {
    const figures = new SelectionFigures((name) => context.getFragment(name));
    return {
      OperationDefinition(operation) {
        const found = figures.of(operation.selectionSet, false);
        if (found.depth > limits.maxDepth) context.reportError(limitError(`Query depth ${shown(found.depth)} exceeds the limit of ${limits.maxDepth}`));
        if (found.aliases > limits.maxAliases) {
          context.reportError(limitError(`The operation uses ${shown(found.aliases)} aliases; the limit is ${limits.maxAliases}`));
        }
        if (found.introspectionDepth > MAX_INTROSPECTION_DEPTH) {
          context.reportError(limitError(`Introspection depth ${shown(found.introspectionDepth)} exceeds the limit of ${MAX_INTROSPECTION_DEPTH}`));
        }
        if (found.introspectionHops > MAX_INTROSPECTION_LIST_HOPS) {
          context.reportError(
            limitError(`Introspection nests ${shown(found.introspectionHops)} lists of schema elements (query depth); the limit is ${MAX_INTROSPECTION_LIST_HOPS}`),
          );
        }
      },
    };
  };
}

/** Figures of selection sets, each named fragment's computed once per mode (data or introspection). */
class SelectionFigures {
  private readonly known = new Map<string, Figures>();

  constructor(private readonly fragment: (name: string) => FragmentDefinitionNode | null | undefined) {}

  of(set: SelectionSetNode, inIntrospection: boolean): Figures {
    let depth = 0;
    let aliases = 0;
    let introspectionDepth = 0;
    let introspectionHops = 0;
    for (const selection of set.selections) {
      if (selection.kind !== Kind.FIELD) {
        const inner =
          selection.kind === Kind.INLINE_FRAGMENT ? this.of(selection.selectionSet, inIntrospection) : this.ofFragment(selection.name.value, inIntrospection);
        depth = Math.max(depth, inner.depth);
        aliases = capped(aliases + inner.aliases);
        introspectionDepth = Math.max(introspectionDepth, inner.introspectionDepth);
        introspectionHops = Math.max(introspectionHops, inner.introspectionHops);
        continue;
      }
      const name = selection.name.value;
      const entersIntrospection = !inIntrospection && INTROSPECTION_ROOTS.has(name);
      const children = selection.selectionSet ? this.of(selection.selectionSet, inIntrospection || entersIntrospection) : NOTHING;
      aliases = capped(aliases + (selection.alias ? 1 : 0) + children.aliases);
      if (entersIntrospection) {
        // The root itself is not counted: its children are introspection's first level.
        introspectionDepth = Math.max(introspectionDepth, children.depth);
        introspectionHops = Math.max(introspectionHops, children.introspectionHops);
      } else if (inIntrospection) {
        depth = Math.max(depth, capped(1 + children.depth));
        introspectionHops = Math.max(introspectionHops, capped((INTROSPECTION_LISTS.has(name) ? 1 : 0) + children.introspectionHops));
      } else {
        if (!name.startsWith('__')) depth = Math.max(depth, capped(1 + children.depth));
        introspectionDepth = Math.max(introspectionDepth, children.introspectionDepth);
        introspectionHops = Math.max(introspectionHops, children.introspectionHops);
      }
    }
    return { depth, aliases, introspectionDepth, introspectionHops };
  }

  private ofFragment(name: string, inIntrospection: boolean): Figures {
    const key = `${inIntrospection ? 'i' : 'd'}:${name}`;
    const known = this.known.get(key);
    if (known) return known;
    const definition = this.fragment(name);
    // A cycle (another rule reports it) or an unknown fragment adds nothing; marked before descending.
    this.known.set(key, NOTHING);
    const figures = definition ? this.of(definition.selectionSet, inIntrospection) : NOTHING;
    this.known.set(key, figures);
    return figures;
  }
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

/** The schema has no Subscription type; graphql-js 16 would only find out while executing. */
const noSubscriptionsRule: ValidationRule = (context) => ({
  OperationDefinition(operation) {
    if (operation.operation === 'subscription') {
      context.reportError(limitError('Subscriptions are not served: send queries and mutations only'));
    }
  },
});
