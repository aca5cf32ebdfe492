/**
 * The connection pools every query and transaction go through. How a
 * statement reaches Postgres depends on what the URL reaches:
 *
 * - **Postgres itself** (a direct connection: DATABASE_URL without a
 *   different DATABASE_DIRECT_URL). A session's settings stay with it, so the
 *   statement timeout is set once per connection and a statement is one
 *   round trip. Parameterized statements are named: each connection parses and
 *   plans one once, then only binds and runs it (planning cost as much as
 *   executing for the loaders' statements).
 * - **A pooler in transaction mode** (PgBouncer with its defaults). It hands
 *   each transaction whichever server connection is free: no startup
 *   parameter beyond the standard ones, no session state. The timeout is set
 *   inside every transaction (`begin; set local statement_timeout = N`, one
 *   round trip as `begin` alone), and a statement outside one runs in a
 *   transaction of its own, two round trips more: the price of a timeout that
 *   holds whatever sits between Orgraph and Postgres. Statements are named
 *   only when told so (PgBouncer 1.21+ with `max_prepared_statements`, which
 *   keeps them across its server connections).
 *
 * Should a named statement meet a pooler that cannot keep it, or a table a
 * migration changed under it, the pool stops naming and runs that statement
 * again unnamed: a statement outside a transaction that failed before it
 * ran, so running it again is safe.
 */
import pg from 'pg';

export interface PoolOptions {
  connectionString: string;
  max: number;
  statementTimeoutMs: number | undefined;
  /** The URL reaches Postgres itself, not a pooler in transaction mode. */
  direct: boolean;
  /** Name parameterized statements (default: on a direct connection only). */
  preparedStatements?: boolean | undefined;
}

type Queryable = { query: (...args: any[]) => any };
type QueryConfig = { text: string; name?: string | undefined; [option: string]: unknown };

/** Distinct statement texts named per pool; beyond them (statements whose text grows with their input), unnamed. */
const MAX_NAMED = 500;
/**
 * A named statement the server connection does not hold as this client thinks: a pooler swapped the
 * connection (`does not exist`, `already exists`), or a migration changed a table it reads (`cached plan
 * must not change result type`).
 */
const lostStatement = (error: { code?: string; message?: string }) =>
  error.code === '26000' || error.code === '42P05' || (error.code === '0A000' && /cached plan/.test(error.message ?? ''));

/** Drizzle treats a client whose class name contains "Pool" as a pool: it takes a connection of its own for each transaction. */
export class TimeoutPool extends pg.Pool {
  private readonly names = new Map<string, string>();
  private naming: boolean;

  constructor(options: PoolOptions) {
    const timeout = options.statementTimeoutMs ? Math.floor(options.statementTimeoutMs) : 0;
    super({
      connectionString: options.connectionString,
      max: options.max,
      // Fail fast when the server is down instead of queueing requests behind a dead connection.
      connectionTimeoutMillis: 3000,
      // Set by a statement, not a startup parameter, so that a pooler taken for a direct connection (no
      // DATABASE_DIRECT_URL beside it) still connects; awaited before the connection is handed out.
      ...(options.direct && timeout > 0 ? { onConnect: (client: pg.PoolClient) => client.query(`set statement_timeout = ${timeout}`) } : {}),
    } as pg.PoolConfig);
    this.naming = options.preparedStatements ?? options.direct;
    // An idle client that loses its server emits 'error'; without a listener that kills the process.
    this.on('error', () => {});
    const pooled = !options.direct && timeout > 0;
    const begin = `begin; set local statement_timeout = ${timeout}`;
    if (pooled) this.on('connect', (client) => withTimedBegin(client, begin));
    const query = this.query.bind(this) as Queryable['query'];
    (this as Queryable).query = (config: unknown, values?: unknown, callback?: unknown) => {
      // Callers with callbacks (none in Orgraph, but pg-pool's own API) keep the original behaviour.
      if (typeof values === 'function' || typeof callback === 'function') return query(config, values, callback);
      const run = (c: unknown) => (pooled ? inOwnTransaction(this, begin, c, values) : query(c, values));
      const named = this.named(config);
      if (named === config) return run(config);
      return run(named).catch((error: { code?: string; message?: string }) => {
        if (!lostStatement(error)) throw error;
        this.naming = false;
        return run(config);
      });
    };
  }

  /** `config` with a name of its own text, while naming holds and the statement is worth it. */
  private named(config: unknown): unknown {
    if (!this.naming || typeof config !== 'object' || config === null) return config;
    const { text, name } = config as QueryConfig;
    if (name || typeof text !== 'string') return config;
    let assigned = this.names.get(text);
    if (assigned === undefined) {
      if (this.names.size >= MAX_NAMED) return config;
      assigned = `orgraph_${this.names.size}`;
      this.names.set(text, assigned);
    }
    return { ...config, name: assigned };
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
