/**
 * The response cache (src/cache/): a repeated query is answered from memory,
 * and never once anything it read may have changed, whoever wrote it: this
 * process, another Orgraph on the same database, or SQL from outside.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { engine, outsideSql } from '../helpers/database.js';
import { CHANGE_MEMBER_ROLE, REMOVE_MEMBER, UPDATE_ORGANIZATION as RENAME } from '../helpers/operations.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import type { SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { timeout: 60_000 });

const ORG = `query($slug: String!) {
  organization(slug: $slug) { name viewerRole members(first: 10) { edges { node { role user { subject } } } } }
}`;

const hits = () => t.server.metric('orgraph_response_cache_total{outcome="hit"}');
const statements = () => t.server.metric('orgraph_db_statements_total');

async function nameOf(target: TestOrgraph, token: string, slug: string): Promise<string | null> {
  const res = await target.graphql(token, ORG, { slug });
  expect(res.errors, res.raw).toBeUndefined();
  return res.data.organization?.name ?? null;
}

/** Asks until the answer is `expected` (bounded): writes from elsewhere arrive as Postgres notifications. */
async function eventually(ask: () => Promise<unknown>, expected: unknown, withinMs = 3000): Promise<number> {
  const started = Date.now();
  for (;;) {
    const answer = await ask();
    if (JSON.stringify(answer) === JSON.stringify(expected) || Date.now() - started > withinMs) {
      expect(answer).toEqual(expected);
      return Date.now() - started;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the response cache', () => {
  let org: SeededOrganization;
  beforeAll(async () => {
    org = await t.seed.organization('cached', { owner: 'cache.owner', writers: ['cache.writer'], readers: ['cache.reader'] });
  });

  it('answers a repeated query from memory: the same body, without a statement', async () => {
    const first = await t.server.graphql(org.owner.token, ORG, { slug: 'cached' });
    const [hitsBefore, statementsBefore] = [await hits(), await statements()];
    const second = await t.server.graphql(org.owner.token, ORG, { slug: 'cached' });
    expect(second.raw).toBe(first.raw);
    expect(await hits()).toBe(hitsBefore + 1);
    expect(await statements()).toBe(statementsBefore);
  });

  it("never answers one principal with another's response", async () => {
    const outsider = await t.seed.person('cache.outsider');
    for (let i = 0; i < 2; i++) {
      expect((await t.server.graphql(org.owner.token, ORG, { slug: 'cached' })).data.organization.viewerRole).toBe('OWNER');
      expect((await t.server.graphql(org.members['cache.reader']!.token, ORG, { slug: 'cached' })).data.organization.viewerRole).toBe('READER');
      expect((await t.server.graphql(outsider.token, ORG, { slug: 'cached' })).data.organization).toBeNull();
    }
  });

  it('keeps no answer with errors', async () => {
    const query = 'query($slug: String!) { organization(slug: $slug) { machineClients(first: 1) { edges { node { clientId } } } } }';
    const reader = org.members['cache.reader']!.token;
    const before = await hits();
    for (let i = 0; i < 2; i++) {
      expect((await t.server.graphql(reader, query, { slug: 'cached' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await hits()).toBe(before);
  });

  it("serves this process's next read after a mutation fresh", async () => {
    expect(await nameOf(t.server, org.owner.token, 'cached')).toBe('cached org');
    expect((await t.server.graphql(org.owner.token, RENAME, { i: { organizationId: org.id, name: 'renamed' } })).errors).toBeUndefined();
    expect(await nameOf(t.server, org.owner.token, 'cached')).toBe('renamed');
  });

  it('takes a role change and a removal into account at once', async () => {
    const reader = org.members['cache.reader']!;
    const role = async () => (await t.server.graphql(reader.token, ORG, { slug: 'cached' })).data.organization?.viewerRole ?? null;
    expect(await role()).toBe('READER');
    expect(await role()).toBe('READER');
    const changed = await t.server.graphql(org.owner.token, CHANGE_MEMBER_ROLE, {
      i: { organizationId: org.id, userId: reader.id, role: 'WRITER' },
    });
    expect(changed.errors, changed.raw).toBeUndefined();
    expect(await role()).toBe('WRITER');
    const removed = await t.server.graphql(org.owner.token, REMOVE_MEMBER, {
      i: { organizationId: org.id, userId: reader.id },
    });
    expect(removed.errors, removed.raw).toBeUndefined();
    expect(await role()).toBeNull();
  });

  it('sees a write made with SQL from outside Orgraph', async () => {
    expect(await nameOf(t.server, org.owner.token, 'cached')).toBe('renamed');
    expect(await nameOf(t.server, org.owner.token, 'cached')).toBe('renamed');
    await outsideSql(t.server, `update organizations set name = 'changed by hand' where slug = 'cached'`);
    await eventually(() => nameOf(t.server, org.owner.token, 'cached'), 'changed by hand');
  });

  it("has every table tell of its writes (a new table calls migration 0008's orgraph_watch_table)", async () => {
    const { rows } = (await t.server.orgraph.database.db.execute(sql`
      select c.relname, w.tgname from pg_class c join pg_namespace n on n.oid = c.relnamespace
      cross join (values ('orgraph_notify_insert'), ('orgraph_notify_update'), ('orgraph_notify_delete'), ('orgraph_notify_truncate')) w(tgname)
      where n.nspname = 'public' and c.relkind in ('r', 'p')
        and not exists (select 1 from pg_trigger t where t.tgrelid = c.oid and t.tgname = w.tgname)`)) as { rows: unknown[] };
    expect(rows).toEqual([]);
  });

  it("keeps what it has when only a principal's last-seen time is written", async () => {
    expect(await nameOf(t.server, org.owner.token, 'cached')).toBe('changed by hand');
    await outsideSql(t.server, `update users set last_seen_at = now()`);
    await outsideSql(t.server, `update machine_clients set last_seen_at = now()`);
    const before = await hits();
    expect(await nameOf(t.server, org.owner.token, 'cached')).toBe('changed by hand');
    expect(await hits()).toBe(before + 1);
    // Any other column of those rows is heard as before.
    await outsideSql(t.server, `update users set name = 'seen and renamed' where subject = '${org.owner.subject}'`);
    await eventually(async () => {
      await nameOf(t.server, org.owner.token, 'cached');
      return (await hits()) === before + 1;
    }, true);
  });

  it("never serves a token narrowed by a malformed org_id the cached answer of the same user's unnarrowed token", async () => {
    const org = await t.seed.organization('narrowed', { owner: 'narrowed.owner' });
    const ORGS = '{ organizations { edges { node { slug } } } }';
    const unnarrowed = await t.server.graphql(org.owner.token, ORGS);
    expect(unnarrowed.data.organizations.edges).toEqual([{ node: { slug: 'narrowed' } }]);
    expect((await t.server.graphql(org.owner.token, ORGS)).data).toEqual(unnarrowed.data); // now kept
    for (const orgId of ['', 42, 'null']) {
      const narrowed = await t.issuer.userToken(org.owner.subject, { org_id: orgId, email: 'narrowed.owner@example.test', name: 'narrowed.owner' });
      for (let i = 0; i < 2; i++) {
        const res = await t.server.graphql(narrowed, ORGS);
        expect(res.data.organizations.edges, `org_id ${JSON.stringify(orgId)}: ${res.raw}`).toEqual([]);
      }
    }
  });

  it('with CACHE_MB=0, answers every query from the database', async () => {
    const uncached = await t.start({ CACHE_MB: '0' });
    try {
      const other = t.seedOn(uncached);
      const own = await other.organization('uncached', { owner: 'uncached.owner' });
      await uncached.graphql(own.owner.token, ORG, { slug: 'uncached' });
      const before = await uncached.metric('orgraph_db_statements_total');
      await uncached.graphql(own.owner.token, ORG, { slug: 'uncached' });
      expect(await uncached.metric('orgraph_db_statements_total')).toBeGreaterThan(before);
      expect(await uncached.metric('orgraph_response_cache_total{outcome="hit"}')).toBe(0);
    } finally {
      await uncached.stop();
    }
  });
});

describe.runIf(engine === 'postgres')('the response cache across processes (real Postgres)', () => {
  it("a second Orgraph on the same database sees the first one's writes", async () => {
    const org = await t.seed.organization('two-caches', { owner: 'two.cache.owner' });
    const second = await t.startBeside(t.server);
    try {
      expect(await nameOf(second, org.owner.token, 'two-caches')).toBe('two-caches org');
      expect(await nameOf(second, org.owner.token, 'two-caches')).toBe('two-caches org');
      expect(await second.metric('orgraph_response_cache_total{outcome="hit"}')).toBeGreaterThan(0);
      await t.server.graphql(org.owner.token, RENAME, { i: { organizationId: org.id, name: 'renamed elsewhere' } });
      await eventually(() => nameOf(second, org.owner.token, 'two-caches'), 'renamed elsewhere');
    } finally {
      await second.stop();
    }
  });

  it('serves nothing from memory while it cannot hear of writes, and recovers', async () => {
    const org = await t.seed.organization('deaf', { owner: 'deaf.owner' });
    expect(await nameOf(t.server, org.owner.token, 'deaf')).toBe('deaf org');
    expect(await nameOf(t.server, org.owner.token, 'deaf')).toBe('deaf org');
    // Kill the listening connection, and write while it is down: that notification is lost.
    await outsideSql(t.server, `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen%'`);
    await outsideSql(t.server, `update organizations set name = 'written while deaf' where slug = 'deaf'`);
    await eventually(() => nameOf(t.server, org.owner.token, 'deaf'), 'written while deaf');
    // Once listening again, it caches again.
    const before = await hits();
    await eventually(async () => {
      await nameOf(t.server, org.owner.token, 'deaf');
      return (await hits()) > before;
    }, true);
  });
});
