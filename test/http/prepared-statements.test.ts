/**
 * How statements reach Postgres: on a direct connection the loaders'
 * statements are prepared once per connection and the statement timeout is
 * the session's; through PgBouncer in transaction mode (1.18 here, which
 * cannot keep prepared statements across its server connections) a pool
 * told to name them anyway falls back to unnamed ones and answers as before.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENV } from '../helpers/catalog.js';
import { createTestDatabase, engine, type TestDatabase } from '../helpers/database.js';
import { expectOk } from '../helpers/expect.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { CREATE_ENVIRONMENT } from '../helpers/operations.js';
import { startOrgraphOn, type TestOrgraph } from '../helpers/orgraph.js';
import { startPgBouncer, type TestPgBouncer } from '../helpers/pgbouncer.js';
import { seedFor } from '../helpers/seed.js';

describe.runIf(engine === 'postgres')('statements on Postgres', () => {
  let issuer: TestIssuer;
  let bouncer: TestPgBouncer;
  let database: TestDatabase;
  const instances: TestOrgraph[] = [];
  let owner: string;
  let organizationId: string;

  beforeAll(async () => {
    issuer = await startIssuer();
    bouncer = await startPgBouncer(process.env.TEST_DATABASE_URL!);
    database = await createTestDatabase();
    const first = await startOrgraphOn(issuer, database.env, { DB_POOL_SIZE: '1', CACHE_MB: '0', DB_STATEMENT_TIMEOUT_MS: '400' });
    instances.push(first);
    const org = await seedFor(first, issuer).organization('prepared', { owner: 'prepared.owner' });
    owner = org.owner.token;
    organizationId = org.id;
    for (const name of ['web', 'data']) {
      expectOk(await first.graphql(owner, CREATE_ENVIRONMENT, { i: { organizationId, name, manifest: { install: { jq: {} } } } }));
    }
  });

  afterAll(async () => {
    for (const instance of instances) await instance.stop();
    await bouncer?.stop();
    await database?.drop();
    await issuer?.stop();
  });

  const pull = async (instance: TestOrgraph, name: string) => {
    const res = expectOk(await instance.graphql(owner, ENV, { slug: 'prepared', name }));
    return res.organization.environment;
  };

  it('prepares the statements of a read once on a direct connection, and keeps its timeout for the session', async () => {
    const direct = instances[0]!;
    const before = await pull(direct, 'web');
    expect(await pull(direct, 'web')).toEqual(before);
    const { db } = direct.orgraph.database;
    // One connection in the pool: this statement sees the session the reads ran on.
    const { rows } = (await db.execute(sql`select statement from pg_prepared_statements where name like 'orgraph\\_%'`)) as { rows: { statement: string }[] };
    expect(rows.some((r) => /environment_generations/.test(r.statement) && /row_number\(\)/.test(r.statement))).toBe(true);
    const setting = (await db.execute(sql`select current_setting('statement_timeout') as timeout`)) as { rows: { timeout: string }[] };
    expect(setting.rows[0]!.timeout).toBe('400ms');
    await expect(db.execute(sql`select pg_sleep(2)`)).rejects.toMatchObject({ cause: { code: '57014' } });
  });

  it('through a pooler, names nothing by default', async () => {
    const direct = database.env.DATABASE_URL!;
    const pooled = await startOrgraphOn(issuer, { DATABASE_URL: bouncer.through(direct), DATABASE_DIRECT_URL: direct }, { DB_POOL_SIZE: '1', CACHE_MB: '0' });
    instances.push(pooled);
    await pull(pooled, 'web');
    const { rows } = (await pooled.orgraph.database.db.execute(sql`select count(*)::int as n from pg_prepared_statements where name like 'orgraph\\_%'`)) as {
      rows: { n: number }[];
    };
    // Before any instance named statements through the pooler: a server connection holding one was given it by this one.
    expect(rows[0]!.n).toBe(0);
  });
  it('through a pooler that cannot keep them, answers as before with DB_PREPARED_STATEMENTS=on', async () => {
    const direct = database.env.DATABASE_URL!;
    const pooled = await startOrgraphOn(issuer, { DATABASE_URL: bouncer.through(direct), DATABASE_DIRECT_URL: direct }, { DB_POOL_SIZE: '4', CACHE_MB: '0', DB_PREPARED_STATEMENTS: 'on' });
    instances.push(pooled);
    const expected = { web: await pull(instances[0]!, 'web'), data: await pull(instances[0]!, 'data') };
    // Concurrent reads, so that PgBouncer hands the pool's connections different server connections.
    for (let round = 0; round < 5; round++) {
      const answers = await Promise.all((['web', 'data', 'web', 'data', 'web', 'data'] as const).map(async (name) => [name, await pull(pooled, name)] as const));
      for (const [name, answer] of answers) expect(answer).toEqual(expected[name]);
    }
  });

});
