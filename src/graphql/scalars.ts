/**
 * How the SDL's scalars serialize and parse. Plain configurations, not
 * GraphQLScalarType objects: graphql-tools copies every property of a
 * scalar's resolver onto the schema's type, and a scalar object's empty
 * `description` would replace the SDL's, which introspection then lacks.
 */
import { GraphQLError, Kind, valueFromASTUntyped, type GraphQLScalarTypeConfig } from 'graphql';

type ScalarResolver<Internal, External> = Pick<GraphQLScalarTypeConfig<Internal, External>, 'serialize' | 'parseValue' | 'parseLiteral'>;

export const DateTime: ScalarResolver<Date, string> = {
  serialize: (value) => {
    if (value instanceof Date) return value.toISOString();
    throw new GraphQLError('DateTime cannot represent a non-date value');
  },
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => parseDate(ast.kind === Kind.STRING ? ast.value : null),
};

function parseDate(value: unknown): Date {
  const date = typeof value === 'string' ? new Date(value) : null;
  if (!date || Number.isNaN(date.getTime())) throw new GraphQLError('DateTime must be an ISO-8601 string');
  return date;
}

export const JSONScalar: ScalarResolver<unknown, unknown> = {
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables),
};
