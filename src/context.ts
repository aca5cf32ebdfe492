/**
 * The context builder: runs once per request, turns the bearer token into a
 * principal (identity/authenticate.ts), spends the principal's rate limit,
 * and builds that request's role look-ups and DataLoaders.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import { createAccess } from './access/held-roles.js';
import type { ChangeFeed } from './cache/change-feed.js';
import type { Authenticator } from './identity/authenticate.js';
import { ANONYMOUS, type Principal } from './identity/principal.js';
import type { Db } from './db/client.js';
import { readOnlyDatabase, unavailable } from './errors.js';
import { isReadOnly } from './db/sql-state.js';
import type { ReplicaRouter } from './db/replica.js';
import { CONSISTENCY_HEADER, consistencyTokenOf, type Consistency } from './features/consistency.js';
import type { Context } from './features/context.js';
import { createLoaders } from './features/loaders.js';
import { rateKeyOf, type RateLimiter } from './http/rate-limit.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface ContextDeps {
  /** The primary. */
  db: Db;
  /** A read replica and what routes reads to it; absent without DATABASE_READ_URL. */
  replica?: { db: Db; router: ReplicaRouter } | undefined;
  changes: ChangeFeed;
  authenticator: Authenticator;
  /** Told when a request could not be served because a dependency failed (for the log). */
  onUnavailable?: (error: unknown, requestId: string) => void;
  logger: Logger;
  /** Absent when rate limits are off. */
  rateLimiter?: RateLimiter | undefined;
  metrics: Metrics;
  operationTimeoutMs: number;
  statementTimeoutMs: number;
}

export function createContextBuilder(deps: ContextDeps) {
  const onBatch = (loader: string) => deps.metrics.dataloaderBatches.inc({ loader });
  return async (req: IncomingMessage): Promise<Context> => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const address = req.socket.remoteAddress;
    const principal = await deps.authenticator.authenticate(req.headersDistinct.authorization).catch((error: unknown) => {
      if (error instanceof GraphQLError) {
        // A refused token spends its address's allowance, so guessing tokens is bounded too.
        deps.rateLimiter?.takeRequest(rateKeyOf(ANONYMOUS, address));
        throw error;
      }
      // A first sign-in writes: on a read-only database that will not pass by itself.
      if (isReadOnly(error)) {
        deps.logger.error({ requestId }, 'sign-in refused by the database: it is read-only (DATABASE_URL must name the primary)');
        throw readOnlyDatabase(requestId);
      }
      // The database did not answer: say so cleanly (503, retryable) instead of leaking the driver's message.
      deps.onUnavailable?.(error, requestId);
      throw unavailable(requestId);
    });
    const requested = consistencyTokenOf(req.headers[CONSISTENCY_HEADER]);
    const route = deps.replica ? await deps.replica.router.route(requested) : null;
    const reads = route?.replica ? deps.replica!.db : deps.db;
    const rateKey = rateKeyOf(principal, address);
    deps.rateLimiter?.takeRequest(rateKey);
    const on = (db: Db, as: Principal) => ({ db, access: createAccess(db, as, onBatch), loaders: createLoaders(db, as, onBatch) });
    // After a mutation, its payload reads what it wrote: on the primary.
    const fresh = (as: Principal = principal) => on(deps.db, as);
    const consistency: Consistency = { requested, produced: null, freshAsOf: route?.freshAsOf ?? ((since) => since) };
    return {
      requestId,
      logger: deps.logger,
      rateKey,
      deadline: Date.now() + deps.operationTimeoutMs,
      statementTimeoutMs: deps.statementTimeoutMs,
      principal,
      primary: deps.db,
      changes: deps.changes,
      consistency,
      ...on(reads, principal),
      ...(deps.replica
        ? {
            markCommitted: async () => {
              consistency.produced = await deps.replica!.router.primaryPosition();
            },
          }
        : {}),
      freshLoaders: () => fresh(),
      refreshAfterCommit: async () => {
        if (principal.kind !== 'user') return { principal, ...fresh() };
        const reread = await deps.authenticator.reread(principal);
        return { principal: reread, ...fresh(reread) };
      },
    };
  };
}

function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._-]{1,100}$/.test(value) ? value : randomUUID();
}
