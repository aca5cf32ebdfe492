/**
 * A mutation's answer carries its consistency token (features/consistency.ts),
 * in `extensions.consistency` and the `Orgraph-Consistency` header, once it
 * has committed; only when reads may go to a replica.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../features/context.js';
import { CONSISTENCY_HEADER } from '../features/consistency.js';

export function consistencyPlugin(): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }) {
          const token = contextValue.consistency?.produced;
          if (!token || response.body.kind !== 'single') return;
          response.http.headers.set(CONSISTENCY_HEADER, token);
          const result = response.body.singleResult;
          result.extensions = { ...result.extensions, consistency: token };
        },
      };
    },
  };
}
