/**
 * The database a test server runs on: PGlite in memory, or, in the
 * `postgres` project, a fresh database on the server at TEST_DATABASE_URL
 * (created per test file so files run in parallel, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import type { TestOrgraph } from './orgraph.js';

export const engine = process.env.ORGRAPH_TEST_DB === 'postgres' ? 'postgres' : 'pglite';

export interface TestDatabase {
  env: Record<string, string>;
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  if (engine === 'pglite') return { env: { PGLITE_DIR: 'memory://' }, drop: async () => {} };
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) throw new Error('The postgres test project needs TEST_DATABASE_URL');
  const name = `orgraph_t_${randomBytes(6).toString('hex')}`;
  await admin(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { DATABASE_URL: url.href },
    drop: () => dropDatabase(adminUrl, name),
  };
}

/**
 * Drops a database, whoever is connected to it. On Postgres 15 a role without pg_signal_backend may
 * not end an autovacuum worker that happens to be busy there (42501): the worker is done within
 * moments, so the drop is tried again for a while before that counts as a failure.
 */
export async function dropDatabase(adminUrl: string, name: string, attempts = 50): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await admin(adminUrl, `drop database if exists ${name} with (force)`);
    } catch (error) {
      if ((error as { code?: string }).code !== '42501' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function admin(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

/** A statement on a connection of its own, as psql or a script would send it (PGlite: its one connection). */
export async function outsideSql(target: TestOrgraph, statement: string): Promise<void> {
  if (engine === 'pglite') {
    await target.orgraph.database.db.execute(sql.raw(statement));
    return;
  }
  const client = new pg.Client({ connectionString: target.databaseEnv.DATABASE_URL });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}
