/**
 * What an operation may cost, from its document and its actual variable
 * values: every field costs 1, times the page sizes of the lists above it, so
 * `organizations(first: $n) { edges { node { members(first: $n) ... } } }`
 * costs in the tens of thousands for n = 100 and a few dozen for n = 5.
 * Introspection has a cost of its own: its lists multiply by the schema's own
 * sizes (how many types, fields per type, ...), so the figure is about the
 * number of entries the answer would hold.
 *
 * Linear in the document: each fragment's cost is computed once per request
 * and combined where it is spread (a fragment costs the same per unit of the
 * multiplier above it, wherever that is). An operation whose page sizes are
 * all literals costs the same for every request, and is costed once.
 */
import {
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../lib/connection.js';
import { capped, INTROSPECTION_LISTS, INTROSPECTION_ROOTS } from './limits.js';

export interface OperationCost {
  cost: number;
  introspectionCost: number;
}

/** Null when a page size's variable has a value of the wrong type: coercing it fails, and says so, before anything runs. */
export type CostOf = (schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>) => OperationCost | null;

/** A page size that no variable could be read as: the coercion error will be the answer. */
class UnreadableVariable extends Error {}

export function createCostOf(): CostOf {
  const fixedCosts = new WeakMap<OperationDefinitionNode, OperationCost>();
  const sizesBySchema = new WeakMap<GraphQLSchema, IntrospectionSizes>();
  return (schema, document, operation, variables) => {
    const fixed = fixedCosts.get(operation);
    if (fixed) return fixed;
    let sizes = sizesBySchema.get(schema);
    if (!sizes) sizesBySchema.set(schema, (sizes = introspectionSizes(schema)));
    const counter = new CostCounter(schema, document, operation, variables, sizes);
    const root = operation.operation === 'mutation' ? schema.getMutationType() : schema.getQueryType();
    if (!root) return { cost: 0, introspectionCost: 0 };
    try {
      const cost = counter.costOf(operation.selectionSet, root);
      const result = { cost, introspectionCost: counter.introspectionCost };
      if (!counter.readVariables) fixedCosts.set(operation, result);
      return result;
    } catch (error) {
      if (error instanceof UnreadableVariable) return null;
      throw error;
    }
  };
}

class CostCounter {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  /** Cost per unit of multiplier, by fragment and mode. */
  private readonly known = new Map<string, number>();
  readVariables = false;
  introspectionCost = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly operation: OperationDefinitionNode,
    private readonly variables: Record<string, unknown>,
    private readonly sizes: IntrospectionSizes,
  ) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(definition.name.value, definition);
    }
  }

  /** The data cost of a selection set per unit of the multiplier above it; introspection adds to its own figure. */
  costOf(set: SelectionSetNode, parent: GraphQLNamedType): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += 1;
        const name = selection.name.value;
        if (INTROSPECTION_ROOTS.has(name)) {
          if (selection.selectionSet) this.introspectionCost = capped(this.introspectionCost + this.introspectionCostOf(selection.selectionSet));
          continue;
        }
        const definition = isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
        if (selection.selectionSet && definition) {
          total += this.fanOut(definition, selection) * this.costOf(selection.selectionSet, getNamedType(definition.type));
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const condition = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        total += this.costOf(selection.selectionSet, condition ?? parent);
      } else {
        total += this.unitCost(`d:${selection.name.value}`, (fragment) => {
          const condition = this.schema.getType(fragment.typeCondition.name.value);
          return condition ? this.costOf(fragment.selectionSet, condition) : 0;
        });
      }
      total = capped(total);
    }
    return total;
  }

  /** An introspection root's selection: entries of its answer, lists multiplied by the schema's sizes. */
  private introspectionCostOf(set: SelectionSetNode): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        total += 1;
        if (selection.selectionSet) {
          const name = selection.name.value;
          total += (INTROSPECTION_LISTS.has(name) ? (this.sizes[name] ?? 1) : 1) * this.introspectionCostOf(selection.selectionSet);
        }
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += this.introspectionCostOf(selection.selectionSet);
      } else {
        total += this.unitCost(`i:${selection.name.value}`, (fragment) => this.introspectionCostOf(fragment.selectionSet));
      }
      total = capped(total);
    }
    return total;
  }

  /** A fragment's cost per unit, computed once; the key's prefix keeps data (`d:`) and introspection (`i:`) apart. */
  private unitCost(key: string, compute: (fragment: FragmentDefinitionNode) => number): number {
    const known = this.known.get(key);
    if (known !== undefined) return known;
    const fragment = this.fragments.get(key.slice(2));
    this.known.set(key, 0); // validated documents have no cycles; this only keeps a bug from looping
    const cost = fragment ? compute(fragment) : 0;
    this.known.set(key, cost);
    return cost;
  }

  /**
   * How many children a field may yield: a page (its `first`, or the default
   * page size) for paged fields; 1 for a connection's `edges`, already counted
   * by the connection; the default page size for other lists.
   */
  private fanOut(definition: GraphQLField<unknown, unknown>, field: FieldNode): number {
    if (definition.args.some((a) => a.name === 'first')) return this.pageSize(field);
    const type = isNonNullType(definition.type) ? definition.type.ofType : definition.type;
    if (!isListType(type)) return 1;
    return definition.name === 'edges' ? 1 : DEFAULT_PAGE_SIZE;
  }

  private pageSize(field: FieldNode): number {
    const first = field.arguments?.find((a) => a.name.value === 'first')?.value;
    const value = first?.kind === Kind.VARIABLE ? this.variableValue(first.name.value) : first && literalInt(first);
    // Larger pages are refused where the page is read (BAD_USER_INPUT); counting them as the largest keeps that the answer.
    return value === undefined || value === null ? DEFAULT_PAGE_SIZE : Math.min(Math.max(1, value), MAX_PAGE_SIZE);
  }

  private variableValue(name: string): number | null | undefined {
    this.readVariables = true;
    if (Object.hasOwn(this.variables, name)) {
      const value = this.variables[name];
      if (value === null) return null;
      if (typeof value === 'number' && Number.isInteger(value)) return value;
      throw new UnreadableVariable();
    }
    const definition = this.operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    return definition?.defaultValue ? literalInt(definition.defaultValue) : undefined;
  }
}

function literalInt(value: ValueNode): number | null | undefined {
  if (value.kind === Kind.INT) return Number(value.value);
  return value.kind === Kind.NULL ? null : undefined;
}

/** How many entries each introspection list holds on average in this schema. */
type IntrospectionSizes = Record<string, number>;

function introspectionSizes(schema: GraphQLSchema): IntrospectionSizes {
  const types = Object.values(schema.getTypeMap());
  let fields = 0;
  let args = 0;
  let inputFields = 0;
  let enumValues = 0;
  let interfaces = 0;
  let possibleTypes = 0;
  for (const type of types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const own = Object.values(type.getFields());
      fields += own.length;
      interfaces += type.getInterfaces().length;
      for (const field of own) args += field.args.length;
    }
    if (isInputObjectType(type)) inputFields += Object.keys(type.getFields()).length;
    if (isEnumType(type)) enumValues += type.getValues().length;
    if (isAbstractType(type)) possibleTypes += schema.getPossibleTypes(type).length;
  }
  const directives = schema.getDirectives();
  args += directives.reduce((n, d) => n + d.args.length, 0);
  const perType = (n: number) => Math.max(1, Math.ceil(n / types.length));
  return {
    types: types.length,
    directives: directives.length,
    fields: perType(fields),
    // Per field or directive: fields of every type, plus the directives.
    args: Math.max(1, Math.ceil(args / Math.max(1, fields + directives.length))),
    inputFields: perType(inputFields),
    enumValues: perType(enumValues),
    interfaces: perType(interfaces),
    possibleTypes: perType(possibleTypes),
  };
}
