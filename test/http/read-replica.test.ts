/**
 * A streaming read replica (DATABASE_READ_URL): reads outside mutations go
 * there, writes to the primary, and a mutation's consistency token gets its
 * writer data at least that new. A replica where the primary belongs is a
 * clear error at start, and a read-only primary at run time a 503 that says
 * retrying will not help.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, engine } from '../helpers/database.js';
import { expectOk } from '../helpers/expect.js';
import { UPDATE_ORGANIZATION as RENAME } from '../helpers/operations.js';
import { startOrgraphOn } from '../helpers/orgraph.js';
import { postgresBinaries, startPrivatePostgres, startReplica, type PrivatePostgres } from '../helpers/private-postgres.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

let primary: PrivatePostgres;
let replica: PrivatePostgres;

async function replicatedDatabase() {
  const bin = postgresBinaries();
  if (!bin) throw new Error('the read replica test needs Debian PostgreSQL binaries and root (to run them as postgres)');
  primary = await startPrivatePostgres(bin);
  replica = await startReplica(bin, primary);
  return {
    env: { DATABASE_URL: primary.url, DATABASE_READ_URL: replica.url, DB_READ_MAX_LAG_MS: '60000' },
    drop: async () => {
      await replica.destroy();
      await primary.destroy();
    },
  };
}

const t = useOrgraph({}, { timeout: 90_000, database: engine === 'postgres' ? replicatedDatabase : createTestDatabase });

// The organizations list reads through the request's route (organization(slug:) finds its row with the principal, on the primary).
const NAMES = '{ organizations(first: 100) { edges { node { slug name } } } }';
type Names = { data?: { organizations: { edges: { node: { slug: string; name: string } }[] } } };
const nameIn = (body: Names, slug: string) => body.data!.organizations.edges.find(({ node }) => node.slug === slug)?.node.name ?? null;

async function on<T>(server: PrivatePostgres, statement: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: server.url });
  await client.connect();
  try {
    // The admin session must write even while the test has made the server read-only.
    await client.query('set default_transaction_read_only = off');
    return (await client.query(statement)).rows as T[];
  } finally {
    await client.end();
  }
}

async function until(check: () => Promise<boolean>, what: string, withinMs = 10_000): Promise<void> {
  const started = Date.now();
  while (!(await check())) {
    if (Date.now() - started > withinMs) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe.runIf(engine === 'postgres')('a read replica', () => {
  it('answers a request that sends its consistency token with its write, while the replica has not replayed it', async () => {
    const org = await t.seed.organization('replicated', { owner: 'replicated.owner' });
    const nameOf = async (headers: Record<string, string> = {}) => {
      const res = await fetch(`${t.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.owner.token}`, ...headers },
        body: JSON.stringify({ query: NAMES }),
      });
      return nameIn((await res.json()) as Names, 'replicated');
    };
    await until(async () => (await on(replica, `select 1 from organizations where slug = 'replicated'`)).length === 1, 'the replica has the organization');
    await on(replica, 'select pg_wal_replay_pause()');
    try {
      const res = await fetch(`${t.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.owner.token}` },
        body: JSON.stringify({ query: RENAME, variables: { i: { organizationId: org.id, name: 'renamed on the primary' } } }),
      });
      const body = (await res.json()) as { errors?: unknown; extensions?: { consistency?: string } };
      expect(body.errors).toBeUndefined();
      const token = res.headers.get('orgraph-consistency');
      expect(token).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(body.extensions?.consistency).toBe(token);
      // Without the token: the paused replica's (lag within DB_READ_MAX_LAG_MS).
      expect(await nameOf()).toBe('replicated org');
      // With it: at least as new as the write.
      expect(await nameOf({ 'orgraph-consistency': token! })).toBe('renamed on the primary');
      expect(await nameOf({ 'orgraph-consistency': token! })).toBe('renamed on the primary');
      await until(async () => (await t.server.metric('orgraph_replica_lag_seconds')) > 0, 'the lag shows');
    } finally {
      await on(replica, 'select pg_wal_replay_resume()');
    }
    await until(async () => (await nameOf()) === 'renamed on the primary', 'the replica replays the write');
  });

  it('past DB_READ_MAX_LAG_MS, reads go to the primary', async () => {
    const org = await t.seed.organization('lagging', { owner: 'lagging.owner' });
    const strict = await t.startBeside(t.server, { DB_READ_MAX_LAG_MS: '200', CACHE_MB: '0' });
    await until(async () => (await on(replica, `select 1 from organizations where slug = 'lagging'`)).length === 1, 'the replica has the organization');
    await on(replica, 'select pg_wal_replay_pause()');
    try {
      expectOk(await t.server.graphql(org.owner.token, RENAME, { i: { organizationId: org.id, name: 'lagging renamed' } }));
      await until(async () => (await strict.metric('orgraph_replica_lag_seconds')) > 0.2, 'the lag passes the bound');
      expect(nameIn(await strict.graphql(org.owner.token, NAMES), 'lagging')).toBe('lagging renamed');
    } finally {
      await on(replica, 'select pg_wal_replay_resume()');
    }
  });

  it('refuses to start on a replica where the primary belongs, naming its host', async () => {
    for (const migrate of ['true', 'false']) {
      const started = startOrgraphOn(t.issuer, { DATABASE_URL: replica.url }, { MIGRATE_ON_START: migrate });
      await expect(started).rejects.toThrow(`The database at 127.0.0.1:${replica.port}/postgres is read-only`);
    }
  });

  it('answers a write on a primary turned read-only with a 503 that says retrying will not help', async () => {
    const org = await t.seed.organization('frozen', { owner: 'frozen.owner' });
    await on(primary, 'alter system set default_transaction_read_only = on');
    await on(primary, 'select pg_reload_conf()');
    try {
      await until(async () => (await t.server.graphql(org.owner.token, RENAME, { i: { organizationId: org.id, name: 'never' } })).status === 503, 'the primary is read-only');
      const res = await fetch(`${t.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${org.owner.token}` },
        body: JSON.stringify({ query: RENAME, variables: { i: { organizationId: org.id, name: 'never' } } }),
      });
      const body = (await res.json()) as { errors: { message: string; extensions: Record<string, unknown> }[] };
      expect(res.status).toBe(503);
      expect(res.headers.get('retry-after')).toBeNull();
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', retryable: false });
      expect(body.errors[0]!.message).toMatch(/read-only/);
      // A first sign-in writes a user: the same answer, not a retryable one.
      const newcomer = await t.issuer.userToken('auth0|frozen.newcomer', { name: 'newcomer' });
      const signIn = await t.server.graphql(newcomer, '{ viewer { kind } }');
      expect(signIn.status).toBe(503);
      expect(signIn.errors?.[0]?.extensions).toMatchObject({ retryable: false });
    } finally {
      await on(primary, 'alter system reset default_transaction_read_only');
      await on(primary, 'select pg_reload_conf()');
    }
  });
});
