/**
 * Ties a response to the server's logs: every response carries its request
 * id (header `x-request-id`, and on masked errors `extensions.requestId`),
 * and every masked error is logged with that id and its real cause.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../logger.js';
import { isMasked } from './format-error.js';

/** Needs only the request id of the context, so any server with one can use it. */
export function loggingPlugin<C extends { requestId: string }>(logger: Logger): ApolloServerPlugin<C> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors.filter(isMasked)) {
            logger.error({ requestId: contextValue?.requestId, operationName, path: error.path, err: unwrapResolverError(error) }, 'internal error');
          }
        },
        async willSendResponse({ response, contextValue }) {
          const requestId = contextValue?.requestId;
          if (!requestId) return;
          response.http.headers.set('x-request-id', requestId);
          if (response.body.kind !== 'single') return;
          for (const error of response.body.singleResult.errors ?? []) {
            if (error.extensions?.code === 'INTERNAL_SERVER_ERROR') Object.assign(error.extensions, { requestId });
          }
        },
      };
    },
  };
}
