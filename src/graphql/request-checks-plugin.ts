/**
 * What is checked for every request once its operation is known, cached
 * document or not, before anything executes or is answered from a cache: its
 * input values (input-checks.ts) and its cost with the actual variables
 * (cost.ts), which the principal's rate limit is charged with. Validation rules cannot do either: Apollo validates a document
 * once and keeps it, and they never see the variables.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from '../features/context.js';
import type { RateLimiter } from '../http/rate-limit.js';
import { createCostOf } from './cost.js';
import { inputProblem } from './input-checks.js';
import { limitError, shown, type RequestLimits } from './limits.js';

export function requestChecksPlugin(limits: RequestLimits, rateLimiter: RateLimiter | null): ApolloServerPlugin<Context> {
  const costOf = createCostOf();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          const variables = request.variables ?? {};
          const problem = inputProblem(schema, document, operation, variables, limits.maxInputDepth);
          if (problem) throw problem;
          if (!operation) return; // operationName names none: execution says so
          const figures = costOf(schema, document, operation, variables);
          if (!figures) return; // a page size's variable does not coerce: execution answers with that error
          if (figures.cost > limits.maxCost) throw limitError(`Query cost ${shown(figures.cost)} exceeds the limit of ${limits.maxCost}`);
          if (figures.introspectionCost > limits.maxIntrospectionCost) {
            throw limitError(`Introspection cost ${shown(figures.introspectionCost)} exceeds the limit of ${limits.maxIntrospectionCost}`);
          }
          rateLimiter?.takeCost(contextValue.rateKey, figures.cost + figures.introspectionCost);
        },
      };
    },
  };
}
