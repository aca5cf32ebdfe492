/**
 * Access reviews: who holds what, where, and through what. An organization's
 * owners list every member and active machine client; a workspace's admins
 * every user with a role in it or its projects (directly or through a
 * group) and the organization's owners. Each principal comes with all its
 * grants and when it was last seen (written once per few minutes, not per
 * request), a page at a time, at a cost that does not grow with the number
 * of principals.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, expectOk } from '../helpers/expect.js';
import { nodes } from '../helpers/ids.js';
import { REVOKE_MACHINE_CLIENT } from '../helpers/operations.js';
import type { Person, SeededGroup, SeededMachineClient, SeededOrganization, SeededWorkspace } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

// Uncached, so that each review is read from the database and its statements can be counted.
const t = useOrgraph({ CACHE_MB: '0', RATE_LIMIT: 'off' });

const ENTRY = `principal { __typename ... on User { id subject } ... on MachineClient { id clientId } }
  lastSeenAt grants { role via scope { level id slug } group { id name } }`;
const ORGANIZATION_REVIEW = `query($slug: String!, $first: Int, $after: String) { organization(slug: $slug) {
  accessReview(first: $first, after: $after) { edges { cursor node { ${ENTRY} } } pageInfo { hasNextPage endCursor } } } }`;
const WORKSPACE_REVIEW = `query($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Workspace {
  accessReview(first: $first, after: $after) { edges { node { ${ENTRY} } } pageInfo { hasNextPage endCursor } } } } }`;

let org: SeededOrganization;
let ws: SeededWorkspace;
let owner: Person;
let admin: Person;
let dave: Person;
let devs: SeededGroup;
let ci: SeededMachineClient;
let projectId: string;

beforeAll(async () => {
  org = await t.seed.organization('reviewed', { owner: 'rowner', writers: ['rwriter'], readers: ['rdave', 'routside'] });
  owner = org.owner;
  ws = await org.workspace('ops', { admins: ['radmin'], users: ['rdave'] });
  admin = ws.members.radmin!;
  dave = org.members.rdave!;
  devs = await ws.group('devs', [dave]);
  projectId = (await ws.project('alpha', { owner: admin, editors: [devs] })).id;
  ci = await org.machineClient('reviewed-ci', 'WRITER');
  const revoked = await org.machineClient('reviewed-old', 'READER');
  await t.seed.mutate(owner.token, REVOKE_MACHINE_CLIENT, { organizationId: org.id, clientId: revoked.clientId });
});

type Entry = { principal: { __typename: string; id: string; subject?: string; clientId?: string }; lastSeenAt: string | null; grants: any[] };

async function organizationReview(asker: { token: string }, first = 100, after?: string) {
  return expectOk(await t.server.graphql(asker.token, ORGANIZATION_REVIEW, { slug: org.slug, first, after })).organization.accessReview;
}

async function workspaceReview(asker: { token: string }) {
  return expectOk(await t.server.graphql(asker.token, WORKSPACE_REVIEW, { id: ws.id })).node.accessReview;
}

const entryOf = (entries: Entry[], id: string) => entries.find((e) => e.principal.id === id);

describe("an organization's access review", () => {
  it('lists every member and active machine client with all their grants', async () => {
    const entries: Entry[] = nodes(await organizationReview(owner));
    const subjects = entries.flatMap((e) => (e.principal.subject ? [e.principal.subject] : []));
    expect(subjects.sort()).toEqual(Object.values(org.members).map((p) => p.subject).sort());
    expect(entries.flatMap((e) => (e.principal.clientId ? [e.principal.clientId] : []))).toEqual([ci.clientId]);

    expect(entryOf(entries, ci.id)!.grants).toEqual([{ role: 'WRITER', via: 'MACHINE_CLIENT', scope: { level: 'ORGANIZATION', id: org.id, slug: org.slug }, group: null }]);
    const grants = entryOf(entries, dave.id)!.grants;
    expect(grants).toContainEqual({ role: 'READER', via: 'DIRECT', scope: { level: 'ORGANIZATION', id: org.id, slug: org.slug }, group: null });
    expect(grants).toContainEqual({ role: 'WORKSPACE_USER', via: 'DIRECT', scope: { level: 'WORKSPACE', id: ws.id, slug: 'ops' }, group: null });
    expect(grants).toContainEqual({ role: 'PROJECT_EDITOR', via: 'GROUP', scope: { level: 'PROJECT', id: projectId, slug: 'alpha' }, group: { id: devs.id, name: 'devs' } });
    expect(grants).toContainEqual({ role: 'PROJECT_VIEWER', via: 'EVERYONE_GROUP', scope: { level: 'PROJECT', id: projectId, slug: 'alpha' }, group: { id: ws.everyone.id, name: ws.everyone.name } });
  });

  it('pages in order without repeating or skipping anyone', async () => {
    const all: Entry[] = nodes(await organizationReview(owner));
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await organizationReview(owner, 2, after);
      seen.push(...nodes(page).map((e: Entry) => e.principal.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.map((e) => e.principal.id));
  });

  it('is for owners only', async () => {
    for (const asker of [org.members.rwriter!, dave, ci]) {
      const res = await t.server.graphql(asker.token, ORGANIZATION_REVIEW, { slug: org.slug });
      expect(codeOf(res), res.raw).toBe('FORBIDDEN');
      expect(res.data.organization.accessReview).toBeNull();
    }
    const outsider = await t.seed.person('rstranger');
    expect(expectOk(await t.server.graphql(outsider.token, ORGANIZATION_REVIEW, { slug: org.slug })).organization).toBeNull();
  });

  it('costs the same statements for many principals as for few', async () => {
    const statements = async () => {
      await organizationReview(owner); // the asker's last-seen write, if due, lands before the count
      const before = await t.server.metric('orgraph_db_statements_total');
      await organizationReview(owner);
      return (await t.server.metric('orgraph_db_statements_total')) - before;
    };
    const few = await statements();
    for (let i = 0; i < 8; i++) {
      const person = await org.join(`rmany${i}`, 'READER');
      await ws.setRole(person, 'WORKSPACE_USER');
      if (i % 2) await ws.group(`squad${i}`, [person], { role: 'THEME_EDITOR' });
    }
    await org.machineClient('reviewed-ci2', 'READER');
    expect(await statements()).toBe(few);
  });

  it("records when each principal was last seen, without a write per request", async () => {
    const lastSeen = async () =>
      ((await t.server.orgraph.database.db.execute(sql`select last_seen_at from users where subject = ${dave.subject}`)) as unknown as { rows: { last_seen_at: unknown }[] }).rows[0]!.last_seen_at;
    await t.server.graphql(dave.token, '{ viewer { kind } }');
    await expect.poll(lastSeen).not.toBeNull();
    const recorded = String(await lastSeen());
    for (let i = 0; i < 3; i++) await t.server.graphql(dave.token, '{ viewer { kind } }');
    expect(String(await lastSeen())).toBe(recorded);
    const entry = entryOf(nodes(await organizationReview(owner)), dave.id)!;
    expect(Date.now() - Date.parse(entry.lastSeenAt!)).toBeLessThan(60_000);
  });
});

describe("a workspace's access review", () => {
  it("lists the workspace's users and the organization's owners, with their roles here", async () => {
    const entries: Entry[] = nodes(await workspaceReview(admin));
    const ids = entries.map((e) => e.principal.id);
    expect(ids).toEqual(expect.arrayContaining([owner.id, admin.id, dave.id]));
    // Members of the organization without a role in the workspace have no access there.
    expect(ids).not.toContain(org.members.rwriter!.id);
    expect(ids).not.toContain(org.members.routside!.id);
    expect(entryOf(entries, owner.id)!.grants).toContainEqual({ role: 'WORKSPACE_ADMIN', via: 'ORGANIZATION_OWNER', scope: { level: 'WORKSPACE', id: ws.id, slug: 'ops' }, group: null });
    expect(entryOf(entries, dave.id)!.grants).toContainEqual(expect.objectContaining({ role: 'PROJECT_EDITOR', via: 'GROUP' }));
  });

  it('is for workspace admins (and the owners) only', async () => {
    expect(nodes(await workspaceReview(owner)).length).toBeGreaterThan(0);
    const res = await t.server.graphql(dave.token, WORKSPACE_REVIEW, { id: ws.id });
    expect(codeOf(res), res.raw).toBe('FORBIDDEN');
  });
});
