/**
 * The change feed proves it is alive: each process hears its own heartbeat
 * through it, and while it is silent past CHANGE_FEED_MAX_SILENCE_MS nothing
 * is served from a cache, so a revocation takes effect within that bound
 * whatever happens to the listening connection.
 */
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { engine } from '../helpers/database.js';
import { expectOk } from '../helpers/expect.js';
import { REVOKE_MACHINE_CLIENT } from '../helpers/operations.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { timeout: 60_000 });

const VIEWER = '{ viewer { kind } }';

async function readiness(server: TestOrgraph): Promise<{ status: string; changeFeed: { healthy: boolean; silentMs: number | null } }> {
  return (await (await fetch(`${server.url}/readyz`)).json()) as Awaited<ReturnType<typeof readiness>>;
}

async function withClient<T>(server: TestOrgraph, use: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: server.databaseEnv.DATABASE_URL });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end();
  }
}

describe('the change feed', () => {
  it("shows its health in /readyz's body and in /metrics", async () => {
    const ready = await readiness(t.server);
    expect(ready.status).toBe('ready');
    expect(ready.changeFeed.healthy).toBe(true);
    if (engine === 'postgres') expect(ready.changeFeed.silentMs).toBeLessThan(2000);
    else expect(ready.changeFeed.silentMs).toBeNull(); // in-process: nothing to hear back
    expect(await t.server.metric('orgraph_change_feed_healthy')).toBe(1);
  });
});

describe.runIf(engine === 'postgres')('the change feed on Postgres', () => {
  it('refuses a revoked machine token within the bound while the listening backend is stopped (SIGSTOP)', async () => {
    const org = await t.seed.organization('stuck', { owner: 'stuck.owner' });
    const ci = await org.machineClient('stuck-ci', 'WRITER');
    for (let i = 0; i < 2; i++) expectOk(await t.server.graphql(ci.token, VIEWER));
    const servedFromMemory = await t.server.metric('orgraph_response_cache_total{outcome="hit"}');
    expect(servedFromMemory).toBeGreaterThan(0);
    const [pid] = await withClient(t.server, async (c) =>
      (await c.query(`select pid from pg_stat_activity where datname = current_database() and application_name = 'orgraph change feed'`)).rows.map((r) => r.pid as number),
    );
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGSTOP');
    try {
      await withClient(t.server, (c) => c.query(`update machine_clients set revoked_at = now() where client_id = 'stuck-ci'`));
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 6000) {
        status = (await t.server.graphql(ci.token, VIEWER)).status;
        if (status === 200) await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(status).toBe(401);
      // The bound (2 s), plus the poll's step and a request on a busy machine; the backend stays stopped all along.
      expect(Date.now() - revokedAt).toBeLessThan(3000);
      const ready = await readiness(t.server);
      expect(ready.changeFeed.healthy).toBe(false);
      expect(ready.changeFeed.silentMs).toBeGreaterThan(2000);
      expect(await t.server.metric('orgraph_change_feed_healthy')).toBe(0);
    } finally {
      process.kill(pid!, 'SIGCONT');
    }
    // Heard again: healthy, still refusing, and caching again.
    const started = Date.now();
    while (!(await readiness(t.server)).changeFeed.healthy && Date.now() - started < 5000) await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await readiness(t.server)).changeFeed.healthy).toBe(true);
    expect((await t.server.graphql(ci.token, VIEWER)).status).toBe(401);
    const hits = await t.server.metric('orgraph_response_cache_total{outcome="hit"}');
    for (let i = 0; i < 2; i++) expectOk(await t.server.graphql(org.owner.token, VIEWER));
    expect(await t.server.metric('orgraph_response_cache_total{outcome="hit"}')).toBe(hits + 1);
  });

  it('a machine client revoked through one instance is refused by another on its next request', async () => {
    const org = await t.seed.organization('two-feeds', { owner: 'two.feeds.owner' });
    const ci = await org.machineClient('two-feeds-ci', 'WRITER');
    const second = await t.startBeside(t.server);
    for (let i = 0; i < 2; i++) expectOk(await second.graphql(ci.token, VIEWER));
    expectOk(await t.server.graphql(org.owner.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'two-feeds-ci' } }));
    expect((await second.graphql(ci.token, VIEWER)).status).toBe(401);
  });
});
