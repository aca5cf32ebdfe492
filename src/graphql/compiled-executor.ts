/**
 * A compiled executor behind Apollo Server: each operation document is
 * compiled once with graphql-jit into a function that resolves it, and kept
 * (bounded, least recently used first). Apollo still parses, validates
 * (limits included), runs the plugins and formats errors; only execution
 * changes. Apollo accepts a custom executor only through its gateway
 * interface, hence the small adapter below.
 */
import type { GatewayExecutor, GatewayInterface } from '@apollo/server-gateway-interface';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import { GraphQLError, printSchema, type ExecutionResult, type GraphQLSchema } from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';

const MAX_COMPILED = 1000;

export function compiledExecutor(schema: GraphQLSchema): GatewayExecutor {
  const compiled = new Map<string, CompiledQuery>();
  return async (requestContext) => {
    if (!requestContext.operation) {
      const name = requestContext.operationName;
      return { errors: [new GraphQLError(name ? `Unknown operation named "${name}".` : 'Must provide operation name if query contains multiple operations.')] };
    }
    // graphql-js's own coercion first, so bad variables get the errors Apollo answers 400 BAD_USER_INPUT to.
    const variables = requestContext.request.variables ?? {};
    const coerced = getVariableValues(schema, requestContext.operation.variableDefinitions ?? [], variables, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const key = `${requestContext.queryHash}:${requestContext.operationName ?? ''}`;
    let query = compiled.get(key);
    if (query) {
      compiled.delete(key);
    } else {
      const result = compileQuery(schema, requestContext.document, requestContext.operationName ?? undefined, {
        // Our resolvers decide what a field returns; graphql-jit must not second-guess leaf values.
        disableLeafSerialization: false,
      });
      if (!isCompiledQuery(result)) return result as ExecutionResult;
      query = result;
      if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
    }
    compiled.set(key, query);
    return query.query(undefined, requestContext.context, variables) as Promise<ExecutionResult>;
  };
}

/** Serves a fixed schema through `executor`: Apollo's gateway interface without a gateway. */
export function executorGateway(schema: GraphQLSchema, executor: GatewayExecutor): GatewayInterface {
  return {
    async load() {
      return { executor };
    },
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: printSchema(schema) });
      return () => {};
    },
    async stop() {},
  };
}
