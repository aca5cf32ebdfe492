/**
 * One data layer over two engines: embedded PGlite (the default, for a
 * machine with nothing installed) and a real Postgres through `pg`. Both give
 * the same Drizzle API, so nothing above this file knows which one runs.
 */
import type { Logger } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { CHANGES_CHANNEL, type ChangeFeed } from '../cache/change-feed.js';
import { watchPglite, watchPostgres } from '../cache/feed-listeners.js';
import pg from 'pg';
import { migrateEmbedded, migratePostgres, refuseReadOnly } from './migrate.js';
import { openPglite, saveTemplate } from './pglite.js';
import type { Query } from './replica.js';
import { TimeoutPool } from './pool.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
/** A transaction handle: same query API as `Db`. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface Database {
  readonly engine: 'pglite' | 'postgres';
  /** The primary: every write, and every read when there is no replica. */
  readonly db: Db;
  /** A read replica (DATABASE_READ_URL), if configured. */
  readonly replica: { db: Db; query: Query } | null;
  /** A statement on the primary outside Drizzle (not counted as a request's statement): monitoring. */
  readonly query: Query;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  /** Tells `feed` of every committed write, until the returned function is called. */
  watchChanges(feed: ChangeFeed): Promise<() => Promise<void>>;
  /** Fails, naming the host, when the primary is read-only (a replica where the primary was expected). */
  assertWritable(): Promise<void>;
  /** Applies pending migrations from `migrations/`. */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A Postgres connection string, possibly through PgBouncer; without it, PGlite runs in-process. */
  url?: string | undefined;
  /** A read replica of the primary (streaming replication), for reads outside mutations. */
  readUrl?: string | undefined;
  /** A direct connection to the primary for LISTEN and migrations (default: `url`). */
  directUrl?: string | undefined;
  /** Connections in the pool (default 10). */
  poolSize?: number | undefined;
  /** How long migrations wait for another instance's (default 60 s). */
  migrationLockTimeoutMs?: number | undefined;
  /** PGlite's data directory, or `memory://` for a throwaway database. */
  pgliteDir?: string | undefined;
  /** How often the change feed's heartbeat is sent (Postgres only). */
  heartbeatMs?: number | undefined;
  /** Called once for every statement sent, so metrics see authorization look-ups too. */
  onStatement?: (() => void) | undefined;
  /** Name parameterized statements (default: on a direct connection only; PgBouncer 1.21+ keeps them too). */
  preparedStatements?: boolean | undefined;
  /** Postgres cancels any statement running longer, so a slow query fails cleanly and frees its connection. */
  statementTimeoutMs?: number | undefined;
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const logger: Logger = { logQuery: () => options.onStatement?.() };
  if (options.url) {
    const direct = options.directUrl ?? options.url;
    const pool = new TimeoutPool({
      connectionString: options.url,
      max: options.poolSize ?? 10,
      statementTimeoutMs: options.statementTimeoutMs,
      // Without a direct URL of its own, DATABASE_URL is the direct connection (LISTEN and migrations need one).
      direct: direct === options.url,
      preparedStatements: options.preparedStatements,
    });
    const db = drizzlePg(pool, { schema, logger }) as unknown as Db;
    const readPool = options.readUrl
      ? new TimeoutPool({
          connectionString: options.readUrl,
          max: options.poolSize ?? 10,
          statementTimeoutMs: options.statementTimeoutMs,
          // Nothing says whether a replica's URL reaches it through a pooler: assume one.
          direct: false,
          preparedStatements: options.preparedStatements,
        })
      : null;
    const rowsOf = (target: pg.Pool): Query => async (text) => (await target.query(text)).rows;
    return {
      engine: 'postgres',
      db,
      replica: readPool && { db: drizzlePg(readPool, { schema, logger }) as unknown as Db, query: rowsOf(readPool) },
      query: rowsOf(pool),
      assertWritable: () => refuseReadOnly(rowsOf(pool), options.url!),
      ping: async () => {
        await pool.query('select 1');
      },
      watchChanges: (feed) =>
        watchPostgres(direct, feed, {
          // Through the pool, the way writes go: what comes back proves their notifications come back too.
          // With the primary's WAL position: hearing it back proves every write up to there has been heard.
          send: async (payload) => void (await pool.query(`select pg_notify($1, $2 || ':' || pg_current_wal_lsn())`, [CHANGES_CHANNEL, payload])),
          intervalMs: options.heartbeatMs ?? 500,
        }),
      migrate: () => migratePostgres(direct, options.migrationLockTimeoutMs ?? 60_000),
      close: async () => {
        await readPool?.end();
        await pool.end();
      },
    };
  }
  const { client, pristine } = await openPglite(options.pgliteDir ?? 'memory://');
  if (options.statementTimeoutMs) await client.exec(`set statement_timeout = ${Math.floor(options.statementTimeoutMs)}`);
  const db = drizzlePglite(client, { schema, logger }) as unknown as Db;
  return {
    engine: 'pglite',
    db,
    replica: null,
    query: async (text) => (await client.query<Record<string, unknown>>(text)).rows,
    assertWritable: async () => {},
    ping: async () => {
      await client.query('select 1');
    },
    watchChanges: (feed) => watchPglite(client, feed),
    migrate: async () => {
      await migrateEmbedded(client);
      if (pristine) await saveTemplate(client);
    },
    close: () => client.close(),
  };
}
