/**
 * GraphQL over HTTP: a request whose document fails to parse or validate, or
 * whose variables fail to coerce, is answered 200 when the client accepts only
 * the legacy `application/json` (whose clients read errors from a 200).
 * Clients accepting `application/graphql-response+json`, or anything (no
 * Accept, `*` / `*`), keep Apollo's 400.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../features/context.js';

const REQUEST_ERROR_CODES = new Set(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_USER_INPUT']);

export function responseStatusPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ request, response }) {
          if (response.http.status !== 400 || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (data !== undefined || !errors?.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))) return;
          const accept = request.http?.headers.get('accept')?.toLowerCase() ?? '';
          if (accept.includes('application/json') && !accept.includes('application/graphql-response+json')) response.http.status = 200;
        },
      };
    },
  };
}
