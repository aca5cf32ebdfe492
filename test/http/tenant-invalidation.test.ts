/**
 * Invalidation by tenant: a write drops the cached answers and principals of
 * the organizations and users it touched, and nothing else. Readers of one
 * organization keep their cache while another organization writes and new
 * users sign in; and, checked as a property over random writes, no cached
 * answer a write could change is served after it.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { engine, outsideSql } from '../helpers/database.js';
import { expectOk } from '../helpers/expect.js';
import { fcOptions } from '../helpers/fast-check.js';
import { ADD_MEMBER, CHANGE_MEMBER_ROLE, REMOVE_MEMBER, UPDATE_ORGANIZATION as RENAME } from '../helpers/operations.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import type { Person, SeededMachineClient, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { timeout: 60_000 });

const ORG = `query($slug: String!) {
  organization(slug: $slug) { name viewerRole members(first: 10) { edges { node { role user { subject name } } } } }
}`;
const ORGS = '{ organizations { edges { node { slug name viewerRole } } } }';
const VIEWER = '{ viewer { kind user { subject name emailVerified } machineClient { clientId revokedAt } } }';

const counter = (outcome: 'hit' | 'miss') => t.server.metric(`orgraph_response_cache_total{outcome="${outcome}"}`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));


describe('invalidation by tenant', () => {
  let steady: SeededOrganization;
  let busy: SeededOrganization;
  beforeAll(async () => {
    steady = await t.seed.organization('steady', { owner: 'steady.owner', readers: ['steady.r1', 'steady.r2', 'steady.r3'] });
    busy = await t.seed.organization('busy', { owner: 'busy.owner' });
  });

  it("keeps organization A's readers at a hit ratio of at least 98% while B takes 10 writes/s and new users sign in", async () => {
    // On Postgres the writes go through another instance, so they arrive as notifications; on PGlite through the same one.
    const writer = engine === 'postgres' ? await t.startBeside(t.server) : t.server;
    const readers = Object.values(steady.members);
    const read = async (reader: Person) => {
      expectOk(await t.server.graphql(reader.token, ORG, { slug: 'steady' }));
      expectOk(await t.server.graphql(reader.token, ORGS));
    };
    for (const reader of readers) await read(reader);
    const [hitsBefore, missesBefore] = [await counter('hit'), await counter('miss')];
    const until = Date.now() + 4000;
    let writes = 0;
    let signIns = 0;
    await Promise.all([
      ...readers.map(async (reader) => {
        while (Date.now() < until) {
          await read(reader);
          await pause(40);
        }
      }),
      (async () => {
        // Started on a fixed cadence, whatever each one takes: 10 writes/s.
        const inFlight: Promise<void>[] = [];
        for (let next = Date.now(); next < until; next += 100) {
          await pause(Math.max(0, next - Date.now()));
          const name = `busy ${writes++}`;
          inFlight.push(writer.graphql(busy.owner.token, RENAME, { i: { organizationId: busy.id, name } }).then((res) => void expectOk(res)));
        }
        await Promise.all(inFlight);
      })(),
      (async () => {
        while (Date.now() < until) {
          const token = await t.issuer.userToken(`auth0|newcomer-${signIns}`, { email: `newcomer-${signIns}@example.test`, name: `newcomer ${signIns}` });
          signIns++;
          expectOk(await t.server.graphql(token, '{ viewer { kind } }'));
          await pause(200);
        }
      })(),
    ]);
    const hits = (await counter('hit')) - hitsBefore;
    // Each newcomer's one query is a miss of its own; the rest are the readers'.
    const misses = (await counter('miss')) - missesBefore - signIns;
    expect(writes).toBeGreaterThanOrEqual(39);
    expect(hits + misses).toBeGreaterThan(100);
    expect(hits / (hits + misses)).toBeGreaterThanOrEqual(0.98);
    if (writer !== t.server) await writer.stop();
  });

  describe('after any write, no cached answer the write could change is served', () => {
    let dual: Person;
    let ci: SeededMachineClient;
    let truth: TestOrgraph;
    beforeAll(async () => {
      dual = await steady.join('both.orgs', 'READER');
      await busy.join('both.orgs', 'WRITER');
      ci = await steady.machineClient('steady-ci', 'READER');
      // The reference: an Orgraph without caches on the same data (PGlite, one process: the same server, asked in ways its cache never saw).
      truth = engine === 'postgres' ? await t.startBeside(t.server, { CACHE_MB: '0' }) : t.server;
    });

    const asks = () =>
      [steady.owner, steady.members['steady.r1']!, busy.owner, dual, ci].flatMap((who) =>
        [
          [ORG, { slug: 'steady' }],
          [ORG, { slug: 'busy' }],
          [ORGS, {}],
          [VIEWER, {}],
        ].map(([query, variables]) => ({ who: who.token, query: query as string, variables: variables as Record<string, unknown> })),
      );

    let nonce = 0;
    const compare = async () => {
      for (const { who, query, variables } of asks()) {
        const cached = await t.server.graphql(who, query, variables);
        const fresh = await truth.graphql(who, query, { ...variables, uncached: nonce++ });
        expect({ status: cached.status, body: cached.data ?? cached.errors }).toEqual({ status: fresh.status, body: fresh.data ?? fresh.errors });
      }
    };

    type Write = { label: string; run: () => Promise<void> };
    const member = async (org: SeededOrganization, userId: string) =>
      (await t.server.graphql(org.owner.token, ORG, { slug: org.slug, uncached: nonce++ })).data.organization.members.edges.some(
        (e: { node: { user: { subject: string } } }) => e.node.user.subject === dual.subject,
      ) && userId !== '';
    const writes: fc.Arbitrary<Write> = fc.oneof(
      fc.tuple(fc.constantFrom('steady', 'busy'), fc.nat(999)).map(([slug, n]) => ({
        label: `rename ${slug}`,
        run: async () => {
          const org = slug === 'steady' ? steady : busy;
          expectOk(await t.server.graphql(org.owner.token, RENAME, { i: { organizationId: org.id, name: `${slug} ${n}` } }));
        },
      })),
      fc.tuple(fc.constantFrom('steady', 'busy'), fc.constantFrom('READER', 'WRITER')).map(([slug, role]) => ({
        label: `both.orgs becomes ${role} in ${slug}, joining if need be`,
        run: async () => {
          const org = slug === 'steady' ? steady : busy;
          const op = (await member(org, dual.id)) ? CHANGE_MEMBER_ROLE : ADD_MEMBER;
          const input = op === ADD_MEMBER ? { organizationId: org.id, userSubject: dual.subject, role } : { organizationId: org.id, userId: dual.id, role };
          expectOk(await t.server.graphql(org.owner.token, op, { i: input }));
        },
      })),
      fc.constant({
        label: 'both.orgs leaves busy',
        run: async () => {
          if (await member(busy, dual.id)) expectOk(await t.server.graphql(busy.owner.token, REMOVE_MEMBER, { i: { organizationId: busy.id, userId: dual.id } }));
        },
      }),
      fc.tuple(fc.constantFrom('steady', 'busy'), fc.nat(999)).map(([slug, n]) => ({
        label: `SQL renames ${slug}`,
        run: () => outsideSql(t.server, `update organizations set name = 'by hand ${n}' where slug = '${slug}'`),
      })),
      fc.boolean().map((revoked) => ({
        label: `SQL ${revoked ? 'revokes' : 'restores'} steady-ci`,
        run: () => outsideSql(t.server, `update machine_clients set revoked_at = ${revoked ? 'now()' : 'null'} where client_id = 'steady-ci'`),
      })),
      fc.nat(999).map((n) => ({
        label: 'SQL changes the profile of steady.r1',
        run: () => outsideSql(t.server, `update users set email_verified = ${n % 2 === 0} where subject = 'auth0|steady.r1'`),
      })),
      fc.nat(99_999).map((n) => ({
        label: 'a new user signs in',
        run: async () => {
          const token = await t.issuer.userToken(`auth0|passer-${n}-${nonce++}`, { name: 'passer' });
          expectOk(await t.server.graphql(token, '{ viewer { kind } }'));
        },
      })),
    );

    it('holds for random sequences of writes by Orgraph, by SQL and by sign-ins', async () => {
      const hitsBefore = await counter('hit');
      await fc.assert(
        fc.asyncProperty(fc.array(writes, { minLength: 1, maxLength: 3 }), async (sequence) => {
          for (const write of sequence) {
            // Warm: every answer is in the cache (asked twice).
            for (const { who, query, variables } of asks()) for (let i = 0; i < 2; i++) await t.server.graphql(who, query, variables);
            await write.run();
            // A write from outside arrives as a notification: within milliseconds on a healthy connection.
            await pause(engine === 'postgres' ? 100 : 10);
            await compare();
          }
        }),
        fcOptions(12),
      );
      // The cache was in play: most warm-up asks were answered from it.
      expect((await counter('hit')) - hitsBefore).toBeGreaterThan(200);
    });
  });
});
