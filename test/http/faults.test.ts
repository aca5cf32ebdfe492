/**
 * Failing dependencies: Postgres stopped and restarted under a running
 * Orgraph (readiness 503, requests fail fast and cleanly, the same process
 * recovers by itself), and a statement that runs too long.
 */
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../helpers/database.js';
import { UPDATE_ORGANIZATION } from '../helpers/operations.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { postgresBinaries, startPrivatePostgres, type PrivatePostgres } from '../helpers/private-postgres.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const bin = postgresBinaries();
// One Postgres is enough to show it; the PGlite project has no server to stop.
const runs = engine === 'postgres' && bin !== null;

describe.skipIf(!runs)('failing dependencies', () => {
  let postgres: PrivatePostgres;
  let server: TestOrgraph;
  let token: string;

  const t = useOrgraph(
    { LOG_LEVEL: 'silent', DB_STATEMENT_TIMEOUT_MS: '300' },
    {
      database: async () => {
        postgres = await startPrivatePostgres(bin!);
        return { env: { DATABASE_URL: postgres.url }, drop: () => postgres.destroy() };
      },
    },
  );

  beforeAll(async () => {
    server = t.server;
    token = await t.issuer.userToken('auth0|faults');
  });

  const ready = async () => (await fetch(`${server.url}/readyz`)).status;

  describe('Postgres stops and comes back under a running Orgraph', () => {
    it('is ready, then 503 and clean fast failures while Postgres is down, then recovers by itself', async () => {
      expect(await ready()).toBe(200);
      const before = await server.graphql(token, '{ viewer { kind } organizations { edges { cursor } } }');
      expect(before.errors).toBeUndefined();

      await postgres.stop();
      expect(await ready()).toBe(503);
      const started = Date.now();
      const down = await server.graphql(token, '{ organizations { edges { cursor } } }');
      expect(Date.now() - started).toBeLessThan(5000);
      expect(down.status).toBe(503);
      expect(down.errors?.[0]?.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
      expect(down.raw).not.toMatch(/ECONNREFUSED|postgres|connect|at /i);
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);

      await postgres.start();
      let status = 0;
      for (let i = 0; i < 50 && status !== 200; i++) {
        status = await ready();
        if (status !== 200) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(200);
      const after = await server.graphql(token, '{ viewer { kind } organizations { edges { cursor } } }');
      expect(after.errors, after.raw).toBeUndefined();
      expect(after.data.viewer.kind).toBe('USER');
    }, 60_000);
  });

  /** Renames an organization while another session holds its row lock; returns the response and how long it took. */
  async function renameWhileLocked(target: TestOrgraph, slug: string) {
    const created = await target.graphql(token, `mutation { createOrganization(input: { slug: "${slug}", name: "Slow" }) { organization { id } } }`);
    const organizationId = created.data.createOrganization.organization.id as string;
    const rename = (name: string) =>
      target.graphql(token, UPDATE_ORGANIZATION, {
        i: { organizationId, name },
      });
    const blocker = new pg.Client({ connectionString: postgres.url });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('select 1 from organizations where slug = $1 for update', [slug]);
    const started = Date.now();
    const slow = await rename('Renamed while locked');
    const took = Date.now() - started;
    await blocker.query('rollback');
    await blocker.end();
    return { slow, took, rename };
  }

  describe('a statement that runs past DB_STATEMENT_TIMEOUT_MS', () => {
    it('fails cleanly, changes nothing, and frees its connection', async () => {
      const { slow, took, rename } = await renameWhileLocked(server, 'slowpoke');
      expect(slow.errors?.[0]?.message).toMatch(/took too long/);
      expect(took).toBeLessThan(5000); // the 300 ms statement timeout, not the 10 s operation deadline
      expect(slow.raw).not.toMatch(/canceling statement|57014/);
      const after = await rename('Renamed later');
      expect(after.data?.updateOrganization.organization.name).toBe('Renamed later');
    });
  });

  describe('an operation that runs past OPERATION_TIMEOUT_MS', () => {
    it("is stopped at its deadline even when the database's own timeout is longer", async () => {
      const patient = await t.startBeside(server, {
        LOG_LEVEL: 'silent',
        DB_STATEMENT_TIMEOUT_MS: '20000',
        OPERATION_TIMEOUT_MS: '400',
      });
      try {
        const { slow, took, rename } = await renameWhileLocked(patient, 'deadline');
        expect(slow.errors?.[0]?.message).toMatch(/took too long/);
        expect(took).toBeLessThan(10_000); // bounded by the deadline, far below the database's 20 s
        expect((await rename('Renamed later')).data?.updateOrganization.organization.name).toBe('Renamed later');
      } finally {
        await patient.stop();
      }
    });
  });
});
