/**
 * Exactly one PROJECT_OWNER under concurrent requests, on a real Postgres
 * (PGlite runs one statement at a time): transfers racing each other,
 * grants and revokes of one user racing each other, and transfers through two
 * Orgraph servers on one database, each checked against the order the audit
 * log says they committed in.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Orgraph } from '../../src/server.js';
import { engine } from '../helpers/database.js';
import { codeOf, expectOk } from '../helpers/expect.js';
import { flowxChecks } from '../helpers/flowx.js';
import { uuidOf } from '../helpers/ids.js';
import { CREATE_PROJECT, CREATE_WORKSPACE, SET_WORKSPACE_ROLE } from '../helpers/operations.js';
import type { GraphQLResponse, TestOrgraph } from '../helpers/orgraph.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { setup, createProject, grant, revoke, transfer, projectAs } = flowxChecks(t);

const onPostgres = it.skipIf(engine !== 'postgres');

/** PROJECT_OWNER rows of a project, counted in the database itself. */
async function ownerRows(orgraph: Orgraph, projectGlobalId: string): Promise<string[]> {
  const result = (await orgraph.database.db.execute(
    sql`select user_id::text as "userId" from project_grants where project_id = ${uuidOf(projectGlobalId)} and role = 'PROJECT_OWNER'`,
  )) as unknown as { rows: { userId: string }[] };
  return result.rows.map((r) => r.userId);
}

/** Projects of the whole database without exactly one owner. */
async function projectsWithoutOneOwner(orgraph: Orgraph): Promise<unknown[]> {
  const result = (await orgraph.database.db.execute(sql`
    select p.id, count(g.id)::int as owners from projects p
    left join project_grants g on g.project_id = p.id and g.role = 'PROJECT_OWNER'
    group by p.id having count(g.id) <> 1`)) as unknown as { rows: unknown[] };
  return result.rows;
}

/** Checks one transfer race: one or both succeeded in some order, refusals are FORBIDDEN/CONFLICT, one owner at the end. */
async function checkTransferRace(
  label: string,
  via: TestOrgraph[],
  ws: { owner: Person },
  project: { id: string; slug: string },
  owner: Person,
  attempts: [Person, GraphQLResponse][],
) {
  const what = `${label}: ${attempts.map(([, r]) => r.raw).join(' / ')}`;
  const ok = attempts.filter(([, r]) => r.errors === undefined);
  const refused = attempts.filter(([, r]) => r.errors !== undefined);
  expect(ok.length, what).toBeGreaterThanOrEqual(1);
  for (const [, r] of refused) {
    expect(r.status, what).toBe(200);
    expect(['FORBIDDEN', 'CONFLICT'], what).toContain(codeOf(r));
    expect(r.data ?? null, what).toBeNull();
  }
  // The audit log tells the order the successful transfers committed in.
  const events = (await via[0]!.orgraph.database.db.execute(sql`
    select details->>'to' as "to" from audit_events
    where project_id = ${uuidOf(project.id)} and operation = 'transferProjectOwnership' and outcome = 'SUCCEEDED' order by id`)) as unknown as { rows: { to: string }[] };
  expect(events.rows.length, what).toBe(ok.length);
  const finalOwnerId = events.rows.at(-1)!.to;
  expect(ok.map(([p]) => p.id), what).toContain(finalOwnerId);

  expect(await ownerRows(via[0]!.orgraph, project.id), what).toEqual([uuidOf(finalOwnerId)]);
  for (const s of via) {
    const res = await s.graphql(
      ws.owner.token,
      `query($id: ID!) { node(id: $id) { ... on Project { owner { id } grants { role user { id } } } } }`,
      { id: project.id },
    );
    expectOk(res, what);
    const owners = res.data.node.grants.filter((g: any) => g.role === 'PROJECT_OWNER');
    expect(owners, what).toEqual([{ role: 'PROJECT_OWNER', user: { id: finalOwnerId } }]);
    expect(res.data.node.owner, what).toEqual({ id: finalOwnerId });
    // The first owner stays on as an editor.
    expect(res.data.node.grants, what).toContainEqual({ role: 'PROJECT_EDITOR', user: { id: owner.id } });
  }
}

describe('exactly one project owner under concurrent requests (real Postgres)', () => {
  onPostgres('the owner transfers to A and to B at the same moment: never zero or two owners (32 rounds)', async () => {
    const ws = await setup('race-transfer', { creator: 'WORKSPACE_USER', a: 'WORKSPACE_USER', b: 'WORKSPACE_USER' });
    const { creator: owner, a, b } = ws.p as Record<string, Person>;
    for (let round = 0; round < 32; round++) {
      const project = await createProject(owner!, ws.id, `race-${round}`, null);
      const first = round % 2 === 0 ? a! : b!;
      const second = first === a ? b! : a!;
      const [toFirst, toSecond] = await Promise.all([transfer(owner!, project.id, first), transfer(owner!, project.id, second)]);
      await checkTransferRace(`round ${round}`, [t.server], ws, project, owner!, [
        [first, toFirst],
        [second, toSecond],
      ]);
    }
    expect(await projectsWithoutOneOwner(t.server.orgraph)).toEqual([]);
  });

  onPostgres('grants and revokes of the same user at the same moment: only NOT_FOUND or CONFLICT refusals, and a state consistent with the order they committed in (40 rounds)', async () => {
    const ws = await setup('race-grant', { admin: 'WORKSPACE_ADMIN', lead: 'WORKSPACE_USER', target: 'WORKSPACE_USER' });
    const { admin, lead, target } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'contended', null);
    const projectId = uuidOf(project.id);
    let successes = 0;
    for (let round = 0; round < 40; round++) {
      const ops: [string, () => Promise<GraphQLResponse>][] = [
        ['grant editor by owner', () => grant(lead!, project.id, { userId: target!.id }, 'PROJECT_EDITOR')],
        ['revoke by admin', () => revoke(admin!, project.id, { userId: target!.id })],
        ['grant viewer by admin', () => grant(admin!, project.id, { userId: target!.id }, 'PROJECT_VIEWER')],
        ['revoke by owner', () => revoke(lead!, project.id, { userId: target!.id })],
      ];
      // Rotate the order the requests leave in.
      const order = ops.map((_, i) => ops[(i + round) % ops.length]!);
      const results = await Promise.all(order.map(([, run]) => run()));
      const what = `round ${round}: ${results.map((r, i) => `${order[i]![0]} -> ${r.raw}`).join(' | ')}`;
      results.forEach((r, i) => {
        expect(r.status, what).toBe(200);
        if (r.errors === undefined) {
          successes++;
          return;
        }
        expect(r.errors, what).toHaveLength(1);
        expect(order[i]![0].startsWith('revoke') ? ['NOT_FOUND'] : ['CONFLICT'], what).toContain(codeOf(r));
      });

      // Replay the committed grants and revokes, in commit order: every revoke found a grant, and the end state is the database's.
      const events = (await t.server.orgraph.database.db.execute(sql`
        select operation, details->>'role' as role from audit_events
        where project_id = ${projectId} and operation in ('grantProjectAccess', 'revokeProjectAccess') and outcome = 'SUCCEEDED' order by id`)) as unknown as {
        rows: { operation: string; role: string }[];
      };
      expect(events.rows.length, what).toBe(successes);
      let modelled: string | null = null;
      for (const event of events.rows) {
        if (event.operation === 'grantProjectAccess') modelled = event.role;
        else {
          expect(modelled, `${what}: a revoke committed with nothing to revoke`).not.toBeNull();
          expect(event.role, what).toBe(modelled);
          modelled = null;
        }
      }
      const rows = (await t.server.orgraph.database.db.execute(sql`
        select role::text as role from project_grants where project_id = ${projectId} and user_id = ${uuidOf(target!.id)}`)) as unknown as {
        rows: { role: string }[];
      };
      expect(rows.rows.map((r) => r.role), what).toEqual(modelled === null ? [] : [modelled]);
      const seen = await projectAs(target!, ws, project, 'viewerRole');
      if (modelled === null) expect(seen.bySlug, what).toBeNull();
      else expect(seen.bySlug, what).toEqual({ viewerRole: modelled });
      expect(await ownerRows(t.server.orgraph, project.id), what).toEqual([uuidOf(lead!.id)]);
    }
    expect(successes).toBeGreaterThan(40);
  });

  onPostgres('two Orgraph servers on one database: concurrent transfers through both still leave exactly one owner (100 rounds)', async () => {
    const one = await t.start();
    const two = await t.startBeside(one);
    try {
      const org = await t.seedOn(one).organization('two-servers', { owner: 'two.owner', readers: ['two.lead', 'two.a', 'two.b'] });
      const [lead, a, b] = ['two.lead', 'two.a', 'two.b'].map((n) => org.members[n]!) as [Person, Person, Person];
      const created = await one.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'shared-db', name: 'Shared DB' } });
      expectOk(created);
      const ws = { id: created.data.createWorkspace.workspace.id as string, owner: org.owner };
      for (const p of [lead, a, b]) {
        // Through either server: they share everything.
        expectOk(await (p === a ? two : one).graphql(org.owner.token, SET_WORKSPACE_ROLE, { i: { workspaceId: ws.id, userId: p.id, role: 'WORKSPACE_USER' } }));
      }
      for (let round = 0; round < 100; round++) {
        const made = await (round % 2 === 0 ? one : two).graphql(lead.token, CREATE_PROJECT, {
          i: { workspaceId: ws.id, slug: `two-${round}`, name: `Two ${round}`, everyoneRole: null },
        });
        expectOk(made);
        const project = made.data.createProject.project as { id: string; slug: string };
        const [viaOne, viaTwo] = round % 2 === 0 ? [one, two] : [two, one];
        const [toA, toB] = await Promise.all([transfer(lead, project.id, a, viaOne), transfer(lead, project.id, b, viaTwo)]);
        await checkTransferRace(`round ${round}`, [one, two], ws, project, lead, [
          [a, toA],
          [b, toB],
        ]);
      }
      expect(await projectsWithoutOneOwner(one.orgraph)).toEqual([]);
    } finally {
      await two.stop();
      await one.stop();
    }
  });
});
