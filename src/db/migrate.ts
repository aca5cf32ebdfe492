/**
 * Applies the SQL migrations in `migrations/` (drizzle-kit's journal), on
 * either engine. On Postgres an advisory lock makes concurrent starts of
 * several instances take turns instead of racing on the same DDL. The lock
 * belongs to a session, so it is taken on the direct connection (never
 * through a pooler in transaction mode, where the lock and its unlock could
 * land on different server connections), and waited for a bounded time.
 */
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

import { MIGRATIONS_FOLDER } from './pglite-template.js';

export const migrationsFolder = MIGRATIONS_FOLDER;

/** Any number that is ours alone; `pg_advisory_lock` keys are plain bigints. */
const MIGRATION_LOCK_KEY = 7_318_004_512;

export async function migratePostgres(url: string, lockTimeoutMs: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  // A connection lost mid-migration also rejects the query in flight, which is what reports it; unheard, 'error' would kill the process.
  client.on('error', () => {});
  await client.connect();
  try {
    await refuseReadOnly(async (text) => (await client.query(text)).rows, url);
    // lock_timeout bounds the advisory lock's wait, and every DDL lock after it.
    await client.query(`set lock_timeout = ${Math.floor(lockTimeoutMs)}`);
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]).catch((error: { code?: string }) => {
      if (error.code !== '55P03') throw error;
      throw new Error(`Migrations on ${hostOf(url)} waited ${lockTimeoutMs} ms for another instance's migrations (DB_MIGRATION_LOCK_TIMEOUT_MS); is one stuck?`);
    });
    await migratePg(drizzlePg(client), { migrationsFolder });
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
    await client.end();
  }
}

export async function migrateEmbedded(client: PGlite): Promise<void> {
  await migratePglite(drizzlePglite(client), { migrationsFolder });
}

/** A replica (or a primary set read-only) where a primary is expected: say so, naming the host, before any DDL fails obscurely. */
export async function refuseReadOnly(query: (text: string) => Promise<Record<string, unknown>[]>, url: string): Promise<void> {
  const [row] = await query(`select pg_is_in_recovery() as recovery, current_setting('transaction_read_only') as "readOnly"`);
  if (row?.recovery || row?.readOnly === 'on') throw new ReadOnlyDatabase(url);
}

export class ReadOnlyDatabase extends Error {
  constructor(url: string) {
    super(`The database at ${hostOf(url)} is read-only (a replica, or default_transaction_read_only): Orgraph needs the primary there`);
    this.name = 'ReadOnlyDatabase';
  }
}

/** host:port/database of a connection string, without its credentials. */
export function hostOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}${u.port ? `:${u.port}` : ''}${u.pathname}`;
}
