/**
 * Prometheus metrics, one registry per server instance (tests run several
 * servers in one process). Names are part of the product's contract.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { FeedHealth } from './cache/change-feed.js';

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

/** The change feed's health, read when scraped. */
export function observeFeedHealth(metrics: Metrics, health: () => FeedHealth): void {
  new Gauge({
    name: 'orgraph_change_feed_healthy',
    help: 'Whether the caches may serve: 1 while the change feed is listening and its heartbeat was heard within CHANGE_FEED_MAX_SILENCE_MS',
    registers: [metrics.registry],
    collect() {
      this.set(health().healthy ? 1 : 0);
    },
  });
  new Gauge({
    name: 'orgraph_change_feed_silence_seconds',
    help: "Since the newest heartbeat this process heard back through the change feed was sent (absent where the feed is in-process and needs none)",
    registers: [metrics.registry],
    collect() {
      const { silentMs } = health();
      if (silentMs !== null) this.set(silentMs / 1000);
    },
  });
}

/** The read replica's replay lag, read when scraped. */
export function observeReplicaLag(metrics: Metrics, lagMs: () => number | null): void {
  new Gauge({
    name: 'orgraph_replica_lag_seconds',
    help: "How far the read replica's replay is behind the primary (absent while unknown: reads then go to the primary)",
    registers: [metrics.registry],
    collect() {
      const lag = lagMs();
      if (lag !== null) this.set(lag / 1000);
      else this.reset();
    },
  });
}
