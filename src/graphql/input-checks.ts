/**
 * Every value a request brings in, checked once where it enters: the
 * variables (declared or not) and the literals of the document. A string
 * with a NUL character or a lone UTF-16 surrogate, a number that is not
 * finite (`1e400`), or a value nested deeper than the limit is refused with
 * BAD_USER_INPUT naming its field, before anything runs, so no resolver,
 * statement or cache key ever meets one. (Postgres refuses NUL in text and
 * jsonb, would store lone surrogates as U+FFFD, and JSON keeps no Infinity.)
 */
import {
  getNullableType,
  GraphQLError,
  isInputObjectType,
  isListType,
  Kind,
  typeFromAST,
  visit,
  type DocumentNode,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValueNode,
} from 'graphql';

/** Where a value sits: its path for the message, and the input field (or argument, or variable) it belongs to. */
interface Place {
  path: string;
  field: string;
}

const refused = (problem: string, { path, field }: Place) =>
  new GraphQLError(`${field} ${problem} (at ${path})`, { extensions: { code: 'BAD_USER_INPUT', field, http: { status: 400 } } });

function checkText(text: string, place: Place, what = 'must not contain'): GraphQLError | null {
  if (text.includes('\u0000')) return refused(`${what} the NUL character (U+0000)`, place);
  if (!text.isWellFormed()) return refused(`${what} a lone UTF-16 surrogate`, place);
  return null;
}

const keyPath = (path: string, key: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`);

/**
 * A value from the request's JSON, walked along its declared type where it
 * has one (so an input object's keys name the field) and as plain JSON below
 * a JSON scalar or where it does not match (coercion reports that). The walk
 * stops one level past the depth limit, so no value, however deep, recurses further.
 */
function checkValue(value: unknown, type: GraphQLInputType | null, place: Place, depth: number, maxDepth: number): GraphQLError | null {
  if (typeof value === 'string') return checkText(value, place);
  if (typeof value === 'number') return Number.isFinite(value) ? null : refused('must be a finite number', place);
  if (value === null || typeof value !== 'object') return null;
  if (depth >= maxDepth) return refused(`is nested deeper than ${maxDepth} levels`, place);
  const nullable = type && getNullableType(type);
  if (Array.isArray(value)) {
    const item = nullable && isListType(nullable) ? (nullable.ofType as GraphQLInputType) : nullable;
    for (let i = 0; i < value.length; i++) {
      const problem = checkValue(value[i], item, { ...place, path: `${place.path}[${i}]` }, depth + 1, maxDepth);
      if (problem) return problem;
    }
    return null;
  }
  const fields = nullable && isInputObjectType(nullable) ? nullable.getFields() : null;
  for (const [key, inner] of Object.entries(value)) {
    const at = { path: keyPath(place.path, key), field: fields ? key : place.field };
    const problem = checkText(key, at, 'must not have a key containing') ?? checkValue(inner, fields?.[key]?.type ?? null, at, depth + 1, maxDepth);
    if (problem) return problem;
  }
  return null;
}

/** A literal of the document; its depth is bounded by the token limit, and still checked alike. */
function checkLiteral(node: ValueNode, place: Place, depth: number, maxDepth: number): GraphQLError | null {
  switch (node.kind) {
    case Kind.STRING:
      return checkText(node.value, place);
    case Kind.INT:
    case Kind.FLOAT:
      return Number.isFinite(Number(node.value)) ? null : refused('must be a finite number', place);
    case Kind.LIST:
    case Kind.OBJECT: {
      if (depth >= maxDepth) return refused(`is nested deeper than ${maxDepth} levels`, place);
      if (node.kind === Kind.LIST) {
        for (const [i, item] of node.values.entries()) {
          const problem = checkLiteral(item, { ...place, path: `${place.path}[${i}]` }, depth + 1, maxDepth);
          if (problem) return problem;
        }
        return null;
      }
      for (const field of node.fields) {
        const problem = checkLiteral(field.value, { path: `${place.path}.${field.name.value}`, field: field.name.value }, depth + 1, maxDepth);
        if (problem) return problem;
      }
      return null;
    }
    default:
      return null;
  }
}

/** The first bad value of the request, or null. */
export function inputProblem(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode | undefined,
  variables: Record<string, unknown>,
  maxDepth: number,
): GraphQLError | null {
  const declared = new Map(operation?.variableDefinitions?.map((d) => [d.variable.name.value, d.type]) ?? []);
  for (const [name, value] of Object.entries(variables)) {
    const typeNode = declared.get(name);
    const type = typeNode ? ((typeFromAST(schema, typeNode) as GraphQLInputType | undefined) ?? null) : null;
    const problem = checkValue(value, type, { path: `$${name}`, field: name }, 0, maxDepth);
    if (problem) return problem;
  }
  let found: GraphQLError | null = null;
  const fieldNames: string[] = [];
  visit(document, {
    Field: { enter: (node) => void fieldNames.push(node.name.value), leave: () => void fieldNames.pop() },
    Argument(node) {
      found ??= checkLiteral(node.value, { path: `${fieldNames.at(-1) ?? ''}(${node.name.value})`, field: node.name.value }, 0, maxDepth);
      return false;
    },
    VariableDefinition(node) {
      const name = node.variable.name.value;
      if (node.defaultValue) found ??= checkLiteral(node.defaultValue, { path: `$${name}`, field: name }, 0, maxDepth);
      return false;
    },
  });
  return found;
}
