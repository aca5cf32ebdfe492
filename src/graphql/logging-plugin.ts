/** Logs every error that is masked for the client, with its request id and the real cause. */
import type { ApolloServerPlugin } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import type { Logger } from '../logger.js';

export function loggingPlugin(logger: Logger): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const error of errors) {
            const cause = unwrapResolverError(error);
            if (cause instanceof GraphQLError && cause.originalError === undefined) continue; // ours: already clear to the client
            logger.error({ requestId: contextValue?.requestId, operationName, path: error.path, err: cause }, 'internal error');
          }
        },
      };
    },
  };
}
