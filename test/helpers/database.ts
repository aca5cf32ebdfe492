/**
 * The database a test server runs on: PGlite in memory, or, in the
 * `postgres` project, a fresh database on the server at TEST_DATABASE_URL
 * (created per test file so files run in parallel, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

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
    drop: () => admin(adminUrl, `drop database if exists ${name} with (force)`),
  };
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
