/**
 * Prometheus metrics, one registry per server instance (tests run several
 * servers in one process). Names are part of the product's contract.
 */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'orgraph_' });
  return {
    registry,
    dbStatements: new Counter({
      name: 'orgraph_db_statements_total',
      help: 'SQL statements sent to the database, authorization look-ups included',
      registers: [registry],
    }),
    operations: new Counter({
      name: 'orgraph_graphql_operations_total',
      help: 'GraphQL operations executed',
      labelNames: ['type', 'outcome'] as const,
      registers: [registry],
    }),
    errors: new Counter({
      name: 'orgraph_graphql_errors_total',
      help: 'GraphQL errors returned, by extensions.code',
      labelNames: ['code'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'orgraph_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    candidateDivergences: new Counter({
      name: 'orgraph_candidate_rule_divergence_total',
      help: 'Fields resolved where a @candidateRule would have decided otherwise than the live rule',
      labelNames: ['coordinate', 'live', 'candidate'] as const,
      registers: [registry],
    }),
    tokenVerifications: new Counter({
      name: 'orgraph_token_verifications_total',
      help: 'Bearer tokens checked, by outcome: verified (signature checked), cached (verified before, not expired), rejected',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    responseCache: new Counter({
      name: 'orgraph_response_cache_total',
      help: 'Queries looked up in the response cache, by outcome: hit (answered from memory) or miss (executed)',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    rateLimited: new Counter({
      name: 'orgraph_rate_limited_total',
      help: 'Requests refused with 429, by the allowance that ran out: requests or cost',
      labelNames: ['bucket'] as const,
      registers: [registry],
    }),
    dataloaderBatches: new Counter({
      name: 'orgraph_dataloader_batches_total',
      help: 'DataLoader batches dispatched',
      labelNames: ['loader'] as const,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
