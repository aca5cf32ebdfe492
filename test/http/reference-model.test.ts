/**
 * Random sequences of membership and grant operations, each sent over HTTP
 * by a random actor with a real token, agree step by step with a small
 * reference model of the rules (helpers/reference-model.ts), and after every
 * step the server keeps every invariant: at least one organization owner,
 * exactly one owner per project, the everyone group equal to the workspace's
 * members, group members inside the workspace, workspace members inside the
 * organization. Checked through GraphQL (as an organization owner) and
 * through SQL.
 *
 * Reproducing: the property runs with a fixed seed (helpers/fast-check.ts,
 * or the environment variable FC_SEED). A failure report prints `seed` and
 * `path`; run it again with `FC_SEED=<seed> FC_PATH=<path>` to replay exactly
 * the shrunk counterexample, e.g.
 *   FC_SEED=424242 FC_PATH="12:3:1:0" npx vitest run --project pglite test/http/reference-model.test.ts
 * FC_RUNS overrides the number of runs (for a longer soak); FC_DEBUG=<file>
 * writes how often each operation had each outcome there.
 */
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { codes } from '../helpers/expect.js';
import { debug, fcOptions, REPLAYING } from '../helpers/fast-check.js';
import { nodes } from '../helpers/ids.js';
import { ADD_GROUP_MEMBER } from '../helpers/operations.js';
import {
  ACTORS,
  GROUPS,
  membersOfGroup,
  MUTATIONS,
  opArb,
  ownerOf,
  plan,
  WORKSPACES,
  type Model,
  type OrgRole,
  type ProjRole,
  type World,
  type WsRole,
} from '../helpers/reference-model.js';
import type { Person, SeededWorkspace } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

// Thousands of requests a minute from a few tokens, as a load test would send: past any rate
// limit meant for a web app, so it is off here (rate-limits.test.ts covers it).
const t = useOrgraph({ RATE_LIMIT: 'off' });

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await t.server.orgraph.database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

const GROUP_SELECTION = 'edges { node { id system role members(first: 20) { edges { node { id } } } } }';
const STATE = `query($slug: String!) {
  organization(slug: $slug) {
    members(first: 20) { edges { node { role user { id } } } }
    workspaces(first: 5) { edges { node {
      id
      members(first: 20) { edges { node { role user { id } } } }
      groups(first: 5) { ${GROUP_SELECTION} }
      projects(first: 20) { edges { node { id slug owner { id } grants { role user { id } group { id } } } } }
    } } }
  }
}`;

const sortedEntries = (entries: Iterable<[string, string]>) => [...entries].map(([k, v]) => `${k}=${v}`).sort();

/** The server's state, read as an organization owner, equals the model's. */
async function expectServerMatches(m: Model, w: World, people: Person[], what: string) {
  const reader = [...m.org].find(([, r]) => r === 'OWNER')![0];
  const res = await t.server.graphql(people[reader]!.token, STATE, { slug: w.orgSlug });
  expect(res.errors, `${what}\nstate read: ${res.raw}`).toBeUndefined();
  const org = res.data.organization;
  expect(org, what).not.toBeNull();
  const id = (u: number) => people[u]!.id;

  expect(sortedEntries(nodes(org.members).map((n: any) => [n.user.id, n.role])), `${what}\norganization members`).toEqual(
    sortedEntries([...m.org].map(([u, r]) => [id(u), r])),
  );
  const workspaces = new Map<string, any>(nodes(org.workspaces).map((n: any) => [n.id, n]));
  expect([...workspaces.keys()].sort(), what).toEqual([...w.wsIds].sort());
  for (let ws = 0; ws < WORKSPACES; ws++) {
    const read = workspaces.get(w.wsIds[ws]!)!;
    const members = sortedEntries(nodes(read.members).map((n: any) => [n.user.id, n.role]));
    expect(members, `${what}\nws${ws} members`).toEqual(sortedEntries([...m.ws[ws]!].map(([u, r]) => [id(u), r])));
    const memberIds = nodes(read.members).map((n: any) => n.user.id as string).sort();
    const groups = new Map<string, any>(nodes(read.groups).map((g: any) => [g.id, g]));
    GROUPS.forEach((group, g) => {
      if (group.ws !== ws) return;
      const got = groups.get(w.groupIds[g]!);
      expect(got, `${what}\ngroup${g} missing: ${JSON.stringify(read.groups)}`).toBeDefined();
      const groupMemberIds = nodes(got.members).map((u: any) => u.id as string).sort();
      expect({ system: got.system, role: got.role }, `${what}\ngroup${g}`).toEqual({ system: group.system, role: m.groupRole[g] });
      expect(groupMemberIds, `${what}\ngroup${g} members`).toEqual([...membersOfGroup(m, g)].map(id).sort());
      // Invariants, on what the server says alone.
      if (group.system) expect(groupMemberIds, `${what}\nthe everyone group of ws${ws} equals its members`).toEqual(memberIds);
      else for (const u of groupMemberIds) expect(memberIds, `${what}\ngroup${g} member ${u} is a ws${ws} member`).toContain(u);
    });
    const modelProjects = m.projects.map((p, i) => ({ p, id: w.projectIds[i]! })).filter(({ p }) => p.ws === ws);
    const projects = nodes(read.projects);
    expect(projects.map((p: any) => p.id).sort(), `${what}\nws${ws} projects`).toEqual(modelProjects.map((p) => p.id).sort());
    for (const { p, id: projectId } of modelProjects) {
      const got = projects.find((x: any) => x.id === projectId);
      const owners = got.grants.filter((g: any) => g.role === 'PROJECT_OWNER');
      expect(owners.length, `${what}\n${p.slug}@ws${ws}: exactly one owner: ${JSON.stringify(got.grants)}`).toBe(1);
      expect(got.owner.id, `${what}\n${p.slug}@ws${ws} owner`).toBe(id(ownerOf(p)));
      const grants = got.grants.map((g: any) => (g.user ? `user ${g.user.id} ${g.role}` : `group ${g.group.id} ${g.role}`)).sort();
      const expectedGrants = [
        ...[...p.users].map(([u, r]) => `user ${id(u)} ${r}`),
        ...[...p.groups].map(([g, r]) => `group ${w.groupIds[g]} ${r}`),
      ].sort();
      expect(grants, `${what}\n${p.slug}@ws${ws} grants`).toEqual(expectedGrants);
    }
  }
}

/** The invariants, counted by the database itself over every organization. */
async function expectDatabaseInvariants(what: string) {
  const [counts] = await rows<Record<string, number>>(sql`
    select
      (select count(*) from organizations o
        where not exists (select 1 from organization_members om where om.organization_id = o.id and om.role = 'OWNER'))::int as "orgsWithoutOwner",
      (select count(*) from projects p
        where (select count(*) from project_grants g where g.project_id = p.id and g.role = 'PROJECT_OWNER') <> 1)::int as "projectsWithoutOneOwner",
      (select count(*) from (
        (select g.id, wr.user_id from groups g join workspace_roles wr on wr.workspace_id = g.workspace_id and wr.user_id is not null where g.system
         except select gm.group_id, gm.user_id from group_members gm join groups g on g.id = gm.group_id where g.system)
        union all
        (select gm.group_id, gm.user_id from group_members gm join groups g on g.id = gm.group_id where g.system
         except select g.id, wr.user_id from groups g join workspace_roles wr on wr.workspace_id = g.workspace_id and wr.user_id is not null where g.system)
      ) d)::int as "everyoneMismatches",
      (select count(*) from group_members gm join groups g on g.id = gm.group_id
        where not exists (select 1 from workspace_roles wr where wr.workspace_id = g.workspace_id and wr.user_id = gm.user_id))::int as "groupMembersOutsideWorkspace",
      (select count(*) from workspace_roles wr join workspaces w on w.id = wr.workspace_id
        where wr.user_id is not null
          and not exists (select 1 from organization_members om where om.organization_id = w.organization_id and om.user_id = wr.user_id))::int as "workspaceMembersOutsideOrganization"
  `);
  expect(counts, what).toEqual({
    orgsWithoutOwner: 0,
    projectsWithoutOneOwner: 0,
    everyoneMismatches: 0,
    groupMembersOutsideWorkspace: 0,
    workspaceMembersOutsideOrganization: 0,
  });
}


/**
 * A fresh organization for one run: two owners (o1, o2), u1 WRITER, u2 and u3
 * READERs, u4 outside; two workspaces, each with its everyone group and one
 * custom group; u1 WORKSPACE_ADMIN and u2 WORKSPACE_USER of ws0 (u2 also in
 * its custom group), u3 THEME_EDITOR of ws1 and WORKSPACE_ADMIN through ws1's
 * custom group; project `alpha` in ws0, owned by
 * u2, its everyone group PROJECT_VIEWER, u1 and the custom group
 * PROJECT_EDITOR; project `beta` in ws1, owned by u3 alone.
 */
async function newWorld(people: Person[], run: number): Promise<{ m: Model; w: World }> {
  const orgSlug = `prop-walk-${run}`;
  const org = await t.seed.organization(orgSlug, { owner: ACTORS[0], owners: [ACTORS[1]], writers: [ACTORS[2]], readers: [ACTORS[3], ACTORS[4]] });
  const owner = people[0]!.token;
  const w: World = { orgId: org.id, orgSlug, wsIds: [], groupIds: [], projectIds: [] };
  const workspaces: SeededWorkspace[] = [];
  for (let ws = 0; ws < WORKSPACES; ws++) {
    const workspace = await org.workspace(`ws${ws}`, { name: `Workspace ${ws}` });
    workspaces.push(workspace);
    w.wsIds.push(workspace.id);
    w.groupIds.push(workspace.everyone.id, (await workspace.group(`team${ws}`)).id);
  }
  const m: Model = {
    org: new Map<number, OrgRole>([
      [0, 'OWNER'],
      [1, 'OWNER'],
      [2, 'WRITER'],
      [3, 'READER'],
      [4, 'READER'],
    ]),
    ws: [new Map(), new Map()],
    groupRole: GROUPS.map(() => null),
    groupMembers: GROUPS.map(() => new Set<number>()),
    projects: [],
  };
  const initial: [number, number, WsRole][] = [
    [0, 2, 'WORKSPACE_ADMIN'],
    [0, 3, 'WORKSPACE_USER'],
    [1, 4, 'THEME_EDITOR'],
  ];
  for (const [ws, u, role] of initial) {
    await workspaces[ws]!.setRole(people[u]!, role);
    m.ws[ws]!.set(u, role);
  }
  await t.seed.mutate(owner, ADD_GROUP_MEMBER, { groupId: w.groupIds[1], userId: people[3]!.id });
  m.groupMembers[1]!.add(3);
  // ws1's custom group is WORKSPACE_ADMIN, and u3 is in it: an admin through a group only.
  await workspaces[1]!.setRole({ id: w.groupIds[3]!, name: 'team1' }, 'WORKSPACE_ADMIN');
  m.groupRole[3] = 'WORKSPACE_ADMIN';
  await t.seed.mutate(owner, ADD_GROUP_MEMBER, { groupId: w.groupIds[3], userId: people[4]!.id });
  m.groupMembers[3]!.add(4);
  // u2 creates project `alpha` in ws0 (the everyone group gets PROJECT_VIEWER by default), and grants
  // u1 PROJECT_EDITOR and the custom group PROJECT_EDITOR; u3 creates `beta` in ws1, granted to nobody else.
  const alpha = await workspaces[0]!.project('alpha', { owner: people[3]!, name: 'Project alpha', editors: [people[2]!, { id: w.groupIds[1]!, name: 'team0' }] });
  w.projectIds.push(alpha.id);
  m.projects.push({
    ws: 0,
    slug: 'alpha',
    users: new Map<number, ProjRole>([
      [3, 'PROJECT_OWNER'],
      [2, 'PROJECT_EDITOR'],
    ]),
    groups: new Map<number, ProjRole>([
      [0, 'PROJECT_VIEWER'],
      [1, 'PROJECT_EDITOR'],
    ]),
  });
  const beta = await workspaces[1]!.project('beta', { owner: people[4]!, name: 'Project beta', everyoneRole: null });
  w.projectIds.push(beta.id);
  m.projects.push({ ws: 1, slug: 'beta', users: new Map([[4, 'PROJECT_OWNER']]), groups: new Map() });
  return { m, w };
}

describe('(a) membership and grant operations agree with a reference model and keep every invariant', () => {
  it('random sequences of operations by random actors, 20 runs of up to 25 steps', { timeout: 600_000 }, async () => {
    const people = await Promise.all(ACTORS.map((n) => t.seed.person(n)));
    let run = 0;
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25, size: 'max' }), async (ops) => {
        const { m, w } = await newWorld(people, run++);
        await expectServerMatches(m, w, people, 'initial state');
        const trace: string[] = [];
        for (const [stepIndex, op] of ops.entries()) {
          const step = plan(m, w, people, op);
          const res = await t.server.graphql(people[step.actor]!.token, MUTATIONS[op.op], { i: step.input });
          trace.push(`${stepIndex}: ${step.describe} -> expected ${step.expected ?? 'ok'}, got ${codes(res).join(',') || 'ok'}`);
          const what = `${trace.join('\n')}\nresponse: ${res.raw}`;
          expect(res.status, what).toBe(200);
          if (step.expected === null) {
            expect(res.errors, what).toBeUndefined();
            step.apply(res);
          } else {
            expect(codes(res), what).toEqual([step.expected]);
            expect(res.data ?? null, what).toBeNull();
          }
          const outcome = `${op.op} ${step.expected ?? 'ok'}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          await expectServerMatches(m, w, people, what);
          await expectDatabaseInvariants(what);
        }
      }),
      fcOptions(20),
    );
    debug(() => [...outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n'));
    // The walks reached allowed outcomes of every operation, not only refusals (unless replaying one case).
    if (!REPLAYING) for (const op of Object.keys(MUTATIONS)) expect(outcomes.get(`${op} ok`) ?? 0, `${op} never succeeded: ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  });
});
