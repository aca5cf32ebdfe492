/**
 * Orgraph behind PgBouncer in transaction mode with its default settings, as
 * operators deploy it: several instances on one database, their pooled
 * connections through the pooler, LISTEN and migrations on a direct one.
 */
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, engine, type TestDatabase } from '../helpers/database.js';
import { expectOk } from '../helpers/expect.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { REVOKE_MACHINE_CLIENT } from '../helpers/operations.js';
import { startOrgraphOn, type TestOrgraph } from '../helpers/orgraph.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { seedFor } from '../helpers/seed.js';

describe.runIf(engine === 'postgres')('through PgBouncer in transaction mode', () => {
  let issuer: TestIssuer;
  let bouncer: TestPgBouncer;
  let database: TestDatabase;
  let instances: TestOrgraph[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    issuer = await startIssuer();
    bouncer = await startPgBouncer(process.env.TEST_DATABASE_URL!);
    database = await createTestDatabase();
    const direct = database.env.DATABASE_URL!;
    env = { DATABASE_URL: bouncer.through(direct), DATABASE_DIRECT_URL: direct, DB_POOL_SIZE: '4' };
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    await database?.drop();
    await bouncer?.stop();
    await issuer?.stop();
  });

  it('three instances started at the same moment on an empty database all become ready', async () => {
    instances = await Promise.all([0, 1, 2].map(() => startOrgraphOn(issuer, env)));
    for (const instance of instances) {
      const ready = await fetch(`${instance.url}/readyz`);
      expect(ready.status).toBe(200);
    }
    // Each hears its heartbeat back through PgBouncer and the direct connection: the caches serve.
    for (const instance of instances) {
      const started = Date.now();
      let body: { changeFeed: { healthy: boolean } };
      do body = (await (await fetch(`${instance.url}/readyz`)).json()) as typeof body;
      while (!body.changeFeed.healthy && Date.now() - started < 3000);
      expect(body.changeFeed.healthy).toBe(true);
    }
    const { rows } = (await instances[0]!.orgraph.database.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as { rows: { n: number }[] };
    expect(rows[0]!.n).toBeGreaterThan(0);
  });

  it('fails a start that waits for the migration lock past DB_MIGRATION_LOCK_TIMEOUT_MS, saying why', async () => {
    const holder = new pg.Client({ connectionString: env.DATABASE_DIRECT_URL });
    await holder.connect();
    try {
      // Another instance stuck in its migrations: it holds the lock on its session.
      await holder.query('select pg_advisory_lock(7318004512)');
      await expect(startOrgraphOn(issuer, env, { DB_MIGRATION_LOCK_TIMEOUT_MS: '300' })).rejects.toThrow(/waited 300 ms for another instance's migrations/);
    } finally {
      await holder.end();
    }
  });

  it('fails a start whose migration connection is dropped with an error, not a crash', async () => {
    const holder = new pg.Client({ connectionString: env.DATABASE_DIRECT_URL });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock(7318004512)');
      const starting = startOrgraphOn(issuer, env, { DB_MIGRATION_LOCK_TIMEOUT_MS: '20000' });
      const outcome = starting.then(
        () => 'started',
        (error: Error) => error.message,
      );
      // Its backend, waiting for the lock, goes away (a failover, an operator's pg_terminate_backend).
      const started = Date.now();
      let terminated = 0;
      while (terminated === 0 && Date.now() - started < 5000) {
        const { rows } = await holder.query(
          `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like '%pg_advisory_lock%'`,
        );
        terminated = rows.length;
        if (terminated === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(terminated).toBe(1);
      expect(await outcome).toMatch(/terminat/i);
    } finally {
      await holder.end();
    }
  });

  it('holds the statement timeout on every statement, inside a transaction or not', async () => {
    const short = await startOrgraphOn(issuer, env, { DB_STATEMENT_TIMEOUT_MS: '300' });
    instances.push(short);
    const { db } = short.orgraph.database;
    for (let i = 0; i < 5; i++) {
      const { rows } = (await db.execute(sql`select current_setting('statement_timeout') as timeout`)) as { rows: { timeout: string }[] };
      expect(rows[0]!.timeout).toBe('300ms');
    }
    await expect(db.execute(sql`select pg_sleep(2)`)).rejects.toMatchObject({ cause: { code: '57014' } });
    await expect(db.transaction((tx) => tx.execute(sql`select pg_sleep(2)`))).rejects.toMatchObject({ cause: { code: '57014' } });
    // The timeout set for one transaction does not linger on the pooler's server connection for the next client.
    const other = instances[0]!.orgraph.database.db;
    const { rows } = (await other.execute(sql`select current_setting('statement_timeout') as timeout`)) as { rows: { timeout: string }[] };
    expect(rows[0]!.timeout).toBe('5s');
  });

  it('a machine client revoked through one instance is refused by the others on their next request', async () => {
    const seed = seedFor(instances[0]!, issuer);
    const org = await seed.organization('pooled', { owner: 'pooled.owner' });
    const ci = await org.machineClient('pooled-ci', 'WRITER');
    const others = instances.slice(1, 3);
    for (const other of others) {
      for (let i = 0; i < 2; i++) expectOk(await other.graphql(ci.token, '{ viewer { kind } }'));
      // The second was answered from memory: what the revocation must undo.
      expect(await other.metric('orgraph_response_cache_total{outcome="hit"}')).toBeGreaterThan(0);
    }
    expectOk(await instances[0]!.graphql(org.owner.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'pooled-ci' } }));
    for (const other of others) expect((await other.graphql(ci.token, '{ viewer { kind } }')).status).toBe(401);
  });
});
