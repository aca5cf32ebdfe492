/**
 * The connection pool every query and transaction goes through, made to work
 * behind PgBouncer in transaction mode with its default settings: no startup
 * parameters beyond the standard ones, and no session state. A pooler hands
 * each transaction whichever server connection is free, so a session-level
 * `statement_timeout` would hold on some statements and not others (and leak
 * to other clients). The timeout is therefore set inside every transaction:
 *
 * - a transaction (Drizzle's `begin`) starts as `begin; set local
 *   statement_timeout = N`, one round trip as before;
 * - a statement outside a transaction runs in one of its own, opened the same
 *   way and committed after it: two round trips more, the price of a timeout
 *   that holds whatever sits between Orgraph and Postgres.
 */
import pg from 'pg';

export interface PoolOptions {
  connectionString: string;
  max: number;
  statementTimeoutMs: number | undefined;
}

type Queryable = { query: (...args: any[]) => any };

/** Drizzle treats a client whose class name contains "Pool" as a pool: it takes a connection of its own for each transaction. */
export class TimeoutPool extends pg.Pool {
  constructor(options: PoolOptions) {
    super({
      connectionString: options.connectionString,
      max: options.max,
      // Fail fast when the server is down instead of queueing requests behind a dead connection.
      connectionTimeoutMillis: 3000,
    });
    const timeout = options.statementTimeoutMs ? Math.floor(options.statementTimeoutMs) : 0;
    const begin = timeout > 0 ? `begin; set local statement_timeout = ${timeout}` : 'begin';
    // An idle client that loses its server emits 'error'; without a listener that kills the process.
    this.on('error', () => {});
    this.on('connect', (client) => withTimedBegin(client, begin));
    if (timeout > 0) overrideQuery(this, begin);
  }
}

/** Rewrites the `begin` Drizzle sends for a transaction so that it sets the timeout in the same round trip. */
function withTimedBegin(client: Queryable, begin: string): void {
  const query = client.query.bind(client);
  client.query = (config: unknown, ...rest: unknown[]) => {
    if (isBegin(config)) return query(typeof config === 'string' ? begin : { ...(config as object), text: begin }, ...rest);
    return query(config, ...rest);
  };
}

function isBegin(config: unknown): boolean {
  const text = typeof config === 'string' ? config : (config as { text?: unknown } | null)?.text;
  return typeof text === 'string' && text.trim().toLowerCase() === 'begin';
}

/** A statement sent to the pool itself runs in a transaction of its own, so the timeout holds for it too. */
function overrideQuery(pool: pg.Pool, begin: string): void {
  const original = pool.query.bind(pool) as Queryable['query'];
  (pool as Queryable).query = (config: unknown, values?: unknown, callback?: unknown) => {
    // Callers with callbacks (none in Orgraph, but pg-pool's own API) keep the original behaviour.
    if (typeof values === 'function' || typeof callback === 'function') return original(config, values, callback);
    return inOwnTransaction(pool, begin, config, values);
  };
}

async function inOwnTransaction(pool: pg.Pool, begin: string, config: unknown, values: unknown): Promise<unknown> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(begin);
    const result = await client.query(config as pg.QueryConfig, values as unknown[]);
    await client.query('commit');
    return result;
  } catch (error) {
    // A failed statement leaves the transaction aborted; a connection that cannot even roll back is discarded.
    await client.query('rollback').catch((rollbackError: Error) => (broken = rollbackError));
    throw error;
  } finally {
    client.release(broken);
  }
}
