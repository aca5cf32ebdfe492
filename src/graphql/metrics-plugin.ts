/** Counts operations by type and outcome, and errors by code. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../features/context.js';
import type { Metrics } from '../metrics.js';

export function metricsPlugin(metrics: Metrics): ApolloServerPlugin<Context> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ operation, errors, response }) {
          const type = operation?.operation ?? 'unknown';
          const body = response.body.kind === 'single' ? response.body.singleResult : undefined;
          const sent = body?.errors ?? errors ?? [];
          metrics.operations.inc({ type, outcome: sent.length === 0 ? 'success' : body?.data ? 'partial' : 'error' });
          for (const error of sent) metrics.errors.inc({ code: String(error.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
        },
      };
    },
  };
}
