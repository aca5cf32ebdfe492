/**
 * What every resolver gets: the request's principal, the roles it holds,
 * the per-request DataLoaders of every feature, and the database. Built
 * once per request by the context builder (src/context.ts).
 */
import type { Access } from '../access/held-roles.js';
import type { ChangeFeed } from '../cache/change-feed.js';
import type { Db } from '../db/client.js';
import type { Principal } from '../identity/principal.js';
import type { Logger } from '../logger.js';
import type { MutationContext, MutationState } from '../mutations/runner.js';
import type { Consistency } from './consistency.js';
import type { Loaders } from './loaders.js';

export interface Context extends MutationContext {
  requestId: string;
  /** The server's log; lines about this request carry `requestId`. */
  logger: Logger;
  /** Whose rate-limit allowance this request spends. */
  rateKey: string;
  /** Epoch milliseconds after which the operation stops (see OPERATION_TIMEOUT_MS). */
  deadline: number;
  /** The database's per-statement limit (DB_STATEMENT_TIMEOUT_MS), which a transaction may only shorten. */
  statementTimeoutMs: number;
  principal: Principal;
  db: Db;
  /** Told of this process's commits at once, so its caches never answer with what they replaced. */
  changes: ChangeFeed;
  access: Access;
  loaders: Loaders;
  /**
   * New role look-ups and loaders, for after a mutation (so its payload reads
   * what it wrote). Assign them to the context the resolver got: Apollo hands
   * resolvers a copy of the object the builder returns.
   */
  freshLoaders(): Pick<Context, 'db' | 'access' | 'loaders'>;
  /** The same after a commit, with the principal's organization roles read again (the mutation may have changed them). */
  refreshAfterCommit(): Promise<Pick<Context, 'principal' | 'db' | 'access' | 'loaders'>>;
  /** What the request asked of, and its mutation gave for, read-your-writes (consistency.ts). */
  consistency: Consistency;
  /** Present while a mutation resolver runs: its transaction, its audit note, and the scope it acts in. */
  mutation?: MutationState;
}
