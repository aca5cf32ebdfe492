/**
 * FlowX workspace access rights (seeds/003_08a88d3ee09f656d.txt, PRODUCT.md's
 * access model), sentence by sentence, over HTTP with real signed tokens from
 * an issuer on loopback: workspaces, groups and the rights they carry, the
 * "Everyone from <workspace>" group, project ownership and who sees which
 * project. On a real Postgres, the one-owner invariant under concurrent
 * requests, through one server and through two servers on one database.
 *
 * The permission matrix itself, cell by cell, is another suite's job.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Orgraph } from '../../src/server.js';
import { createTestDatabase, engine } from '../helpers/database.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, startOrgraphOn, type GraphQLResponse, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor, type Person, type SeededOrganization } from '../helpers/seed.js';

let issuer: TestIssuer;
let server: TestOrgraph;
let seed: ReturnType<typeof seedFor>;

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  seed = seedFor(server, issuer);
});

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

type WorkspaceRole = 'WORKSPACE_ADMIN' | 'WORKSPACE_USER' | 'THEME_EDITOR' | 'RUNTIME_EDITOR' | 'OPERATIONS_EDITOR';
type ProjectRole = 'PROJECT_OWNER' | 'PROJECT_EDITOR' | 'PROJECT_VIEWER';

// ---------------------------------------------------------------------------
// Operations, exactly as clients send them.

// Never one connection inside another: the request cost limit multiplies page sizes.
const GROUP_SCALARS = 'id name displayName description system role';
const GROUP_FIELDS = `${GROUP_SCALARS} members(first: 50) { edges { node { id subject } } }`;
const GRANT_FIELDS = 'role user { id subject } group { id name system }';
const PROJECT_FIELDS = `id slug name viewerRole owner { id subject } grants { ${GRANT_FIELDS} }`;

const CREATE_WORKSPACE = `mutation($i: CreateWorkspaceInput!) {
  createWorkspace(input: $i) { workspace { id slug name groups(first: 10) { edges { node { ${GROUP_SCALARS} } } } } }
}`;
const SET_ROLE = `mutation($i: SetWorkspaceRoleInput!) { setWorkspaceRole(input: $i) { workspace { id } } }`;
const REMOVE_WS_MEMBER = `mutation($i: RemoveWorkspaceMemberInput!) { removeWorkspaceMember(input: $i) { workspace { id } } }`;
const REMOVE_ORG_MEMBER = `mutation($i: RemoveOrganizationMemberInput!) { removeOrganizationMember(input: $i) { removedUserId } }`;
const CREATE_GROUP = `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { ${GROUP_FIELDS} } } }`;
const ADD_GROUP_MEMBER = `mutation($i: AddGroupMemberInput!) { addGroupMember(input: $i) { group { ${GROUP_FIELDS} } } }`;
const REMOVE_GROUP_MEMBER = `mutation($i: RemoveGroupMemberInput!) { removeGroupMember(input: $i) { group { ${GROUP_FIELDS} } } }`;
const DELETE_GROUP = `mutation($i: DeleteGroupInput!) { deleteGroup(input: $i) { workspace { groups(first: 50) { edges { node { id name } } } } } }`;
const SAVE_THEME = `mutation($i: SaveThemeInput!) { saveTheme(input: $i) { theme { name tokens } } }`;
const CREATE_PROJECT = `mutation($i: CreateProjectInput!) { createProject(input: $i) { project { ${PROJECT_FIELDS} } } }`;
const GRANT = `mutation($i: GrantProjectAccessInput!) { grantProjectAccess(input: $i) { project { id grants { ${GRANT_FIELDS} } } } }`;
const REVOKE = `mutation($i: RevokeProjectAccessInput!) { revokeProjectAccess(input: $i) { project { id grants { ${GRANT_FIELDS} } } } }`;
const TRANSFER = `mutation($i: TransferProjectOwnershipInput!) {
  transferProjectOwnership(input: $i) { project { id owner { id subject } grants { ${GRANT_FIELDS} } } }
}`;
const SAVE_PROCESS = `mutation($i: SaveProcessInput!) { saveProcess(input: $i) { process { name definition } } }`;
const CREATE_BUILD = `mutation($i: CreateBuildInput!) { createBuild(input: $i) { build { id version } } }`;
const START_INSTANCE = `mutation($i: StartProcessInstanceInput!) { startProcessInstance(input: $i) { processInstance { id processName } } }`;

// ---------------------------------------------------------------------------
// Small local helpers.

const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;

/** Expects the request to fail with exactly this error code, and no data for the mutation. */
function expectError(res: GraphQLResponse, code: string, what = '') {
  expect(res.status, `${what} ${res.raw}`).toBe(200);
  expect(codes(res), `${what} ${res.raw}`).toEqual([code]);
  expect(res.data ?? null, `${what} ${res.raw}`).toBeNull();
}

function expectOk(res: GraphQLResponse, what = '') {
  expect(res.status, `${what} ${res.raw}`).toBe(200);
  expect(res.errors, `${what} ${res.raw}`).toBeUndefined();
}

const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);
const sorted = <T>(values: T[]) => [...values].sort();
/** The row id behind a global ID, for the SQL checks (clients never do this). */
const uuidOf = (globalId: string) => Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]!;
const missingId = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64url');

interface SeededWorkspace {
  org: SeededOrganization;
  /** The organization's owner (FlowX's organization admin); not a workspace member. */
  owner: Person;
  id: string;
  slug: string;
  name: string;
  everyone: { id: string; name: string };
  /** The people of `roles`, by their short names. */
  p: Record<string, Person>;
}

/**
 * An organization `<slug>` owned by `<slug>.owner`, every person named in
 * `roles` an organization READER (`<slug>.<name>`), and one workspace
 * `<slug>-ws` where each holds the given workspace role (null: none, an
 * organization member only).
 */
async function setup(slug: string, roles: Record<string, WorkspaceRole | null>, workspaceName = `${slug} workspace`): Promise<SeededWorkspace> {
  const names = Object.keys(roles);
  const org = await seed.organization(slug, { owner: `${slug}.owner`, readers: names.map((n) => `${slug}.${n}`) });
  const created = await server.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: `${slug}-ws`, name: workspaceName } });
  expectOk(created, 'createWorkspace');
  const ws = created.data.createWorkspace.workspace;
  const everyone = nodes(ws.groups).find((g: any) => g.system);
  expect(everyone, created.raw).toBeDefined();
  const p = Object.fromEntries(names.map((n) => [n, org.members[`${slug}.${n}`]!]));
  for (const [n, role] of Object.entries(roles)) {
    if (role) expectOk(await setRole(org.owner, ws.id, { userId: p[n]!.id }, role), `setWorkspaceRole ${n}`);
  }
  return { org, owner: org.owner, id: ws.id, slug: ws.slug, name: ws.name, everyone: { id: everyone.id, name: everyone.name }, p };
}

const setRole = (actor: Person, workspaceId: string, grantee: { userId?: string; groupId?: string }, role: WorkspaceRole) =>
  server.graphql(actor.token, SET_ROLE, { i: { workspaceId, ...grantee, role } });
const removeWorkspaceMember = (actor: Person, workspaceId: string, target: Person) =>
  server.graphql(actor.token, REMOVE_WS_MEMBER, { i: { workspaceId, userId: target.id } });
const removeOrganizationMember = (actor: Person, organizationId: string, target: Person) =>
  server.graphql(actor.token, REMOVE_ORG_MEMBER, { i: { organizationId, userId: target.id } });

async function createGroup(actor: Person, workspaceId: string, name: string, description?: string) {
  const res = await server.graphql(actor.token, CREATE_GROUP, { i: { workspaceId, name, ...(description ? { description } : {}) } });
  expectOk(res, `createGroup ${name}`);
  return res.data.createGroup.group as { id: string; name: string };
}
const addGroupMember = (actor: Person, groupId: string, target: Person) =>
  server.graphql(actor.token, ADD_GROUP_MEMBER, { i: { groupId, userId: target.id } });
const removeGroupMember = (actor: Person, groupId: string, target: Person) =>
  server.graphql(actor.token, REMOVE_GROUP_MEMBER, { i: { groupId, userId: target.id } });
const deleteGroup = (actor: Person, groupId: string) => server.graphql(actor.token, DELETE_GROUP, { i: { groupId } });

const saveTheme = (actor: Person, workspaceId: string, name = 'Brand') =>
  server.graphql(actor.token, SAVE_THEME, { i: { workspaceId, name, tokens: { primary: '#0a84ff' } } });

async function createProject(actor: Person, workspaceId: string, slug: string, everyoneRole?: ProjectRole | null) {
  const input: Record<string, unknown> = { workspaceId, slug, name: `Project ${slug}` };
  if (everyoneRole !== undefined) input.everyoneRole = everyoneRole;
  const res = await server.graphql(actor.token, CREATE_PROJECT, { i: input });
  expectOk(res, `createProject ${slug}`);
  return res.data.createProject.project as { id: string; slug: string; owner: { id: string }; viewerRole: string; grants: any[] };
}
const grant = (actor: Person, projectId: string, grantee: { userId?: string; groupId?: string }, role: ProjectRole) =>
  server.graphql(actor.token, GRANT, { i: { projectId, ...grantee, role } });
const revoke = (actor: Person, projectId: string, grantee: { userId?: string; groupId?: string }) =>
  server.graphql(actor.token, REVOKE, { i: { projectId, ...grantee } });
const transfer = (actor: Person, projectId: string, newOwner: Person, via: TestOrgraph = server) =>
  via.graphql(actor.token, TRANSFER, { i: { projectId, newOwnerUserId: newOwner.id } });
const saveProcess = (actor: Person, projectId: string, name = 'onboarding') =>
  server.graphql(actor.token, SAVE_PROCESS, { i: { projectId, name, definition: { nodes: ['start', 'end'] } } });
const createBuild = (actor: Person, projectId: string, version: string) =>
  server.graphql(actor.token, CREATE_BUILD, { i: { projectId, version } });

/** One workspace as `viewer` reads it through organization(slug:).workspace(slug:), with `selection` inside. */
async function workspaceAs(viewer: Person, ws: SeededWorkspace, selection: string, variables: Record<string, unknown> = {}, declared = '') {
  return server.graphql(
    viewer.token,
    `query($org: String!, $ws: String!${declared}) { organization(slug: $org) { workspace(slug: $ws) { ${selection} } } }`,
    { org: ws.org.slug, ws: ws.slug, ...variables },
  );
}

async function viewerRoles(viewer: Person, ws: SeededWorkspace): Promise<string[]> {
  const res = await workspaceAs(viewer, ws, 'viewerRoles');
  expectOk(res);
  expect(res.data.organization.workspace, `${viewer.subject} cannot see ${ws.slug}`).not.toBeNull();
  return sorted(res.data.organization.workspace.viewerRoles);
}

/** Slugs of the projects `viewer` finds in workspace.projects. */
async function projectSlugs(viewer: Person, ws: SeededWorkspace): Promise<string[]> {
  const res = await workspaceAs(viewer, ws, 'projects(first: 100) { edges { node { slug } } }');
  expectOk(res);
  return sorted(nodes(res.data.organization.workspace.projects).map((p: any) => p.slug));
}

/** project(slug:) and node(id:) as `viewer` reads them (null where it cannot see the project). */
async function projectAs(viewer: Person, ws: SeededWorkspace, project: { id: string; slug: string }, selection = 'id slug viewerRole') {
  const res = await server.graphql(
    viewer.token,
    `query($org: String!, $ws: String!, $slug: String!, $id: ID!) {
      organization(slug: $org) { workspace(slug: $ws) { project(slug: $slug) { ${selection} } } }
      node(id: $id) { ... on Project { ${selection} } }
    }`,
    { org: ws.org.slug, ws: ws.slug, slug: project.slug, id: project.id },
  );
  return { res, bySlug: res.data?.organization?.workspace?.project ?? null, byNode: res.data?.node ?? null };
}

/** Users of the everyone group and users of workspace.members, as the organization owner reads them. */
async function everyoneAndMembers(ws: SeededWorkspace) {
  const res = await server.graphql(
    ws.owner.token,
    `query($org: String!, $ws: String!, $everyone: ID!) {
      organization(slug: $org) { workspace(slug: $ws) { members(first: 50) { edges { node { role user { subject } } } } } }
      node(id: $everyone) { ... on Group { name displayName system members(first: 50) { edges { node { subject } } } } }
    }`,
    { org: ws.org.slug, ws: ws.slug, everyone: ws.everyone.id },
  );
  expectOk(res);
  const group = res.data.node;
  expect(group, res.raw).toMatchObject({ name: ws.everyone.name, system: true });
  return {
    everyone: sorted(nodes(group.members).map((u: any) => u.subject as string)),
    members: sorted(nodes(res.data.organization.workspace.members).map((m: any) => m.user.subject as string)),
    group,
  };
}

async function grantsOf(viewer: Person, ws: SeededWorkspace, project: { id: string; slug: string }) {
  const { res, bySlug } = await projectAs(viewer, ws, project, `owner { id } grants { ${GRANT_FIELDS} }`);
  expectOk(res);
  expect(bySlug, res.raw).not.toBeNull();
  return bySlug as { owner: { id: string }; grants: { role: string; user: { id: string; subject: string } | null; group: { id: string; name: string } | null }[] };
}

// ---------------------------------------------------------------------------

describe('workspaces', () => {
  it('Create workspace: organization admins create workspaces; WRITER and READER cannot (FORBIDDEN), non-members get NOT_FOUND', async () => {
    const org = await seed.organization('ws-create', { owner: 'wsc.owner', writers: ['wsc.writer'], readers: ['wsc.reader'] });
    const outsider = await seed.person('wsc.outsider');
    const created = await server.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'design', name: 'Design' } });
    expectOk(created);
    expect(created.data.createWorkspace.workspace).toMatchObject({ slug: 'design', name: 'Design' });

    const before = await server.snapshot();
    const attempt = (p: Person, slug: string) => server.graphql(p.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug, name: slug } });
    expectError(await attempt(org.members['wsc.writer']!, 'by-writer'), 'FORBIDDEN', 'writer');
    expectError(await attempt(org.members['wsc.reader']!, 'by-reader'), 'FORBIDDEN', 'reader');
    expectError(await attempt(outsider, 'by-outsider'), 'NOT_FOUND', 'non-member');
    // A machine client acts as the organization, never as its admin.
    expectOk(await server.graphql(org.owner.token, `mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id } } }`, {
      i: { organizationId: org.id, clientId: 'ws-create-ci', name: 'CI', role: 'OWNER' },
    }));
    const afterClient = await server.snapshot();
    expectError(await server.graphql(await issuer.machineToken('ws-create-ci'), CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'by-robot', name: 'Robot' } }), 'FORBIDDEN', 'machine');
    expect(await server.snapshot()).toEqual(afterClient);
    expect(afterClient.audit_events!.length).toBe(before.audit_events!.length + 1);

    // A taken slug is a CONFLICT.
    expectError(await attempt(org.owner, 'design'), 'CONFLICT', 'duplicate slug');
    const list = await server.graphql(org.owner.token, `{ organization(slug: "ws-create") { workspaces(first: 100) { edges { node { slug name } } } } }`);
    expectOk(list);
    expect(nodes(list.data.organization.workspaces)).toEqual([{ slug: 'design', name: 'Design' }]);
  });

  it('a workspace member must be a member of the organization: setWorkspaceRole with anyone else is BAD_USER_INPUT', async () => {
    const ws = await setup('ws-org-only', { admin: 'WORKSPACE_ADMIN' });
    const stranger = await seed.person('ws-org-only.stranger');
    await seed.organization('ws-org-only-other', { owner: 'ws-org-only.stranger' });
    for (const actor of [ws.owner, ws.p.admin!]) {
      for (const role of ['WORKSPACE_USER', 'WORKSPACE_ADMIN'] as const) {
        expectError(await setRole(actor, ws.id, { userId: stranger.id }, role), 'BAD_USER_INPUT', `${actor.subject} ${role}`);
      }
    }
    const { members, everyone } = await everyoneAndMembers(ws);
    expect(members).toEqual([ws.p.admin!.subject]);
    expect(everyone).toEqual([ws.p.admin!.subject]);
    // The stranger sees nothing of it.
    const seen = await server.graphql(stranger.token, `query($id: ID!) { organization(slug: "ws-org-only") { id } node(id: $id) { id } }`, { id: ws.id });
    expect(seen.data).toEqual({ organization: null, node: null });
  });

  it('Manage workspace users: a WORKSPACE_USER cannot give workspace roles (FORBIDDEN)', async () => {
    const ws = await setup('ws-no-manage', { user: 'WORKSPACE_USER', theme: 'THEME_EDITOR', bystander: null });
    for (const actor of [ws.p.user!, ws.p.theme!]) {
      expectError(await setRole(actor, ws.id, { userId: ws.p.bystander!.id }, 'WORKSPACE_USER'), 'FORBIDDEN', actor.subject);
      expectError(await setRole(actor, ws.id, { userId: actor.id }, 'WORKSPACE_ADMIN'), 'FORBIDDEN', actor.subject);
    }
    expect(await viewerRoles(ws.p.user!, ws)).toEqual(['WORKSPACE_USER']);
    expect((await everyoneAndMembers(ws)).members).toEqual(sorted([ws.p.user!.subject, ws.p.theme!.subject]));
  });

  it('members and organization owners see a workspace on every path; an organization member with no workspace role sees none', async () => {
    const ws = await setup('ws-seen', { member: 'WORKSPACE_USER', viaGroup: null, bystander: null });
    const query = `query($id: ID!) {
      organization(slug: "ws-seen") { workspaces(first: 100) { edges { node { id slug } } } workspace(slug: "ws-seen-ws") { id slug } }
      node(id: $id) { id ... on Workspace { slug } }
    }`;
    const seenBy = async (p: Person) => {
      const res = await server.graphql(p.token, query, { id: ws.id });
      expectOk(res, p.subject);
      return res.data;
    };
    const visible = {
      organization: { workspaces: { edges: [{ node: { id: ws.id, slug: ws.slug } }] }, workspace: { id: ws.id, slug: ws.slug } },
      node: { id: ws.id, slug: ws.slug },
    };
    const invisible = { organization: { workspaces: { edges: [] }, workspace: null }, node: null };
    expect(await seenBy(ws.owner)).toEqual(visible);
    expect(await seenBy(ws.p.member!)).toEqual(visible);
    expect(await seenBy(ws.p.bystander!)).toEqual(invisible);
    expect(await seenBy(ws.p.viaGroup!)).toEqual(invisible);
    // Nor can the bystander act in it: NOT_FOUND, as for a workspace that does not exist.
    expectError(await saveTheme(ws.p.bystander!, ws.id), 'NOT_FOUND', 'bystander saveTheme');
    expectError(await setRole(ws.p.bystander!, ws.id, { userId: ws.p.bystander!.id }, 'WORKSPACE_ADMIN'), 'NOT_FOUND', 'bystander setWorkspaceRole');
    expectError(await server.graphql(ws.p.bystander!.token, CREATE_PROJECT, { i: { workspaceId: ws.id, slug: 'sneaky', name: 'Sneaky' } }), 'NOT_FOUND', 'bystander createProject');

    // Once a member, they see it; once removed, they lose it again.
    expectOk(await setRole(ws.owner, ws.id, { userId: ws.p.viaGroup!.id }, 'OPERATIONS_EDITOR'));
    expect(await seenBy(ws.p.viaGroup!)).toEqual(visible);
    expectOk(await removeWorkspaceMember(ws.owner, ws.id, ws.p.viaGroup!));
    expect(await seenBy(ws.p.viaGroup!)).toEqual(invisible);
  });
});

describe('groups', () => {
  it('Assign workspace-level roles to groups: a group with THEME_EDITOR lets its members edit themes, and the right leaves with them', async () => {
    const ws = await setup('grp-role', { admin: 'WORKSPACE_ADMIN', designer: 'WORKSPACE_USER' });
    const [admin, designer] = [ws.p.admin!, ws.p.designer!];
    expectError(await saveTheme(designer, ws.id), 'FORBIDDEN', 'before any group');

    const group = await createGroup(admin, ws.id, 'designers', 'Brand and UI');
    expect(group).toMatchObject({ name: 'designers', displayName: 'designers', description: 'Brand and UI', system: false, role: null });
    expectOk(await setRole(admin, ws.id, { groupId: group.id }, 'THEME_EDITOR'));
    expectError(await saveTheme(designer, ws.id), 'FORBIDDEN', 'not yet in the group');

    const added = await addGroupMember(admin, group.id, designer);
    expectOk(added);
    expect(added.data.addGroupMember.group).toMatchObject({ role: 'THEME_EDITOR', members: { edges: [{ node: { id: designer.id, subject: designer.subject } }] } });
    expect(await viewerRoles(designer, ws)).toEqual(['THEME_EDITOR', 'WORKSPACE_USER']);
    const saved = await saveTheme(designer, ws.id);
    expectOk(saved);
    expect(saved.data.saveTheme.theme).toEqual({ name: 'Brand', tokens: { primary: '#0a84ff' } });

    const removed = await removeGroupMember(admin, group.id, designer);
    expectOk(removed);
    expect(removed.data.removeGroupMember.group.members.edges).toEqual([]);
    expect(await viewerRoles(designer, ws)).toEqual(['WORKSPACE_USER']);
    expectError(await saveTheme(designer, ws.id, 'After'), 'FORBIDDEN', 'after leaving the group');
    // Removing someone who is not in the group: NOT_FOUND.
    expectError(await removeGroupMember(admin, group.id, designer), 'NOT_FOUND', 'second removal');
  });

  it('Use groups when granting project access: a PROJECT_EDITOR grant to a group reaches its members, and leaves with them', async () => {
    const ws = await setup('grp-grant', { admin: 'WORKSPACE_ADMIN', lead: 'WORKSPACE_USER', dev: 'WORKSPACE_USER' });
    const [admin, lead, dev] = [ws.p.admin!, ws.p.lead!, ws.p.dev!];
    const project = await createProject(lead, ws.id, 'alpha', null);
    const team = await createGroup(admin, ws.id, 'alpha-team');
    expectOk(await addGroupMember(admin, team.id, dev));
    expect(await projectSlugs(dev, ws)).toEqual([]);
    expectError(await saveProcess(dev, project.id), 'NOT_FOUND', 'before the grant');

    // The project owner grants the group.
    const granted = await grant(lead, project.id, { groupId: team.id }, 'PROJECT_EDITOR');
    expectOk(granted);
    expect(granted.data.grantProjectAccess.project.grants).toContainEqual({ role: 'PROJECT_EDITOR', user: null, group: { id: team.id, name: 'alpha-team', system: false } });

    expect(await projectSlugs(dev, ws)).toEqual(['alpha']);
    const seen = await projectAs(dev, ws, project);
    expect(seen.bySlug).toEqual({ id: project.id, slug: 'alpha', viewerRole: 'PROJECT_EDITOR' });
    expect(seen.byNode).toEqual({ id: project.id, slug: 'alpha', viewerRole: 'PROJECT_EDITOR' });
    const saved = await saveProcess(dev, project.id);
    expectOk(saved);
    expect(saved.data.saveProcess.process).toEqual({ name: 'onboarding', definition: { nodes: ['start', 'end'] } });

    expectOk(await removeGroupMember(admin, team.id, dev));
    expect(await projectSlugs(dev, ws)).toEqual([]);
    const gone = await projectAs(dev, ws, project);
    expect(gone.bySlug).toBeNull();
    expect(gone.byNode).toBeNull();
    expectError(await saveProcess(dev, project.id, 'later'), 'NOT_FOUND', 'after leaving the group');
  });

  it("a user's rights are the union of their direct and group roles: viewerRoles lists both, and both work", async () => {
    const ws = await setup('grp-union', { admin: 'WORKSPACE_ADMIN', ops: 'RUNTIME_EDITOR', lead: 'WORKSPACE_USER' });
    const [admin, ops, lead] = [ws.p.admin!, ws.p.ops!, ws.p.lead!];
    const project = await createProject(lead, ws.id, 'union', null);
    const designers = await createGroup(admin, ws.id, 'designers');
    expectOk(await setRole(admin, ws.id, { groupId: designers.id }, 'THEME_EDITOR'));
    expectOk(await addGroupMember(admin, designers.id, ops));

    expect(await viewerRoles(ops, ws)).toEqual(['RUNTIME_EDITOR', 'THEME_EDITOR']);
    expectOk(await saveTheme(ops, ws.id), 'theme right from the group');
    expectOk(await createBuild(ops, project.id, '1.0.0'), 'runtime right held directly');

    // Project roles add up the same way: the highest of the direct and the group grant counts.
    const editors = await createGroup(admin, ws.id, 'union-editors');
    expectOk(await addGroupMember(admin, editors.id, ops));
    expectOk(await grant(lead, project.id, { userId: ops.id }, 'PROJECT_VIEWER'));
    expect((await projectAs(ops, ws, project)).bySlug.viewerRole).toBe('PROJECT_VIEWER');
    expectError(await saveProcess(ops, project.id), 'FORBIDDEN', 'viewer only');
    expectOk(await grant(lead, project.id, { groupId: editors.id }, 'PROJECT_EDITOR'));
    expect((await projectAs(ops, ws, project)).bySlug.viewerRole).toBe('PROJECT_EDITOR');
    expectOk(await saveProcess(ops, project.id), 'editor through the group');
  });

  it('Remove members or delete entire groups: deleting a group takes away its workspace role and its project grants', async () => {
    const ws = await setup('grp-delete', { admin: 'WORKSPACE_ADMIN', lead: 'WORKSPACE_USER', dev: 'WORKSPACE_USER' });
    const [admin, lead, dev] = [ws.p.admin!, ws.p.lead!, ws.p.dev!];
    const project = await createProject(lead, ws.id, 'beta', null);
    const team = await createGroup(admin, ws.id, 'beta-team');
    expectOk(await setRole(admin, ws.id, { groupId: team.id }, 'THEME_EDITOR'));
    expectOk(await grant(lead, project.id, { groupId: team.id }, 'PROJECT_EDITOR'));
    expectOk(await addGroupMember(admin, team.id, dev));
    expectOk(await saveTheme(dev, ws.id));
    expectOk(await saveProcess(dev, project.id));

    const deleted = await deleteGroup(admin, team.id);
    expectOk(deleted);
    expect(nodes(deleted.data.deleteGroup.workspace.groups).map((g: any) => g.name)).toEqual([ws.everyone.name]);

    expect(await viewerRoles(dev, ws)).toEqual(['WORKSPACE_USER']);
    expectError(await saveTheme(dev, ws.id, 'After'), 'FORBIDDEN', 'theme after delete');
    expect((await projectAs(dev, ws, project)).bySlug).toBeNull();
    expectError(await saveProcess(dev, project.id, 'after'), 'NOT_FOUND', 'process after delete');
    const { grants } = await grantsOf(lead, ws, project);
    expect(grants).toEqual([{ role: 'PROJECT_OWNER', user: { id: lead.id, subject: lead.subject }, group: null }]);
    // Nothing of the group is left behind in the database either.
    const groupId = uuidOf(team.id);
    const left = (await server.orgraph.database.db.execute(sql`
      select (select count(*) from workspace_roles where group_id = ${groupId})::int as roles,
             (select count(*) from project_grants where group_id = ${groupId})::int as grants,
             (select count(*) from group_members where group_id = ${groupId})::int as members`)) as unknown as { rows: unknown[] };
    expect(left.rows).toEqual([{ roles: 0, grants: 0, members: 0 }]);
    // The group reads as absent everywhere.
    const node = await server.graphql(admin.token, 'query($id: ID!) { node(id: $id) { id } }', { id: team.id });
    expect(node.data).toEqual({ node: null });
    expectError(await addGroupMember(admin, team.id, lead), 'NOT_FOUND', 'add to a deleted group');
  });

  it('only workspace members can be added to a group (BAD_USER_INPUT), and only workspace admins manage groups (FORBIDDEN)', async () => {
    const ws = await setup('grp-members', { admin: 'WORKSPACE_ADMIN', user: 'WORKSPACE_USER', bystander: null });
    const outsider = await seed.person('grp-members.outsider');
    const group = await createGroup(ws.p.admin!, ws.id, 'crew');
    for (const target of [ws.p.bystander!, outsider]) {
      expectError(await addGroupMember(ws.p.admin!, group.id, target), 'BAD_USER_INPUT', target.subject);
      expectError(await addGroupMember(ws.owner, group.id, target), 'BAD_USER_INPUT', target.subject);
    }
    expectError(await addGroupMember(ws.p.user!, group.id, ws.p.user!), 'FORBIDDEN', 'workspace user adds self');
    expectError(await server.graphql(ws.p.user!.token, CREATE_GROUP, { i: { workspaceId: ws.id, name: 'mine' } }), 'FORBIDDEN', 'workspace user creates a group');
    expectError(await deleteGroup(ws.p.user!, group.id), 'FORBIDDEN', 'workspace user deletes a group');
    const res = await server.graphql(ws.owner.token, 'query($id: ID!) { node(id: $id) { ... on Group { name members(first: 50) { edges { node { subject } } } } } }', { id: group.id });
    expectOk(res);
    expect(res.data.node).toEqual({ name: 'crew', members: { edges: [] } });
    // A workspace member joins fine; twice is a CONFLICT.
    expectOk(await addGroupMember(ws.p.admin!, group.id, ws.p.user!));
    expectError(await addGroupMember(ws.p.admin!, group.id, ws.p.user!), 'CONFLICT', 'twice');
  });
});

describe('the everyone group (all_users_<workspace>)', () => {
  it('Created automatically during workspace provisioning: all_users_<workspace slug>, "Everyone from <workspace name>", a system group', async () => {
    const org = await seed.organization('every-new', { owner: 'every-new.owner' });
    const created = await server.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'product-development', name: 'Product Development' } });
    expectOk(created);
    const expected = { name: 'all_users_product_development', displayName: 'Everyone from Product Development', system: true, role: null };
    expect(nodes(created.data.createWorkspace.workspace.groups)).toEqual([expect.objectContaining(expected)]);
    const read = await server.graphql(org.owner.token, `{ organization(slug: "every-new") { workspace(slug: "product-development") { groups(first: 10) { edges { node { ${GROUP_SCALARS} } } } } } }`);
    expectOk(read);
    expect(nodes(read.data.organization.workspace.groups)).toEqual([expect.objectContaining(expected)]);
    // node(id:) finds it too; nobody is in it yet (the organization owner holds no workspace role).
    const id = nodes(read.data.organization.workspace.groups)[0].id;
    const node = await server.graphql(org.owner.token, `query($id: ID!) { node(id: $id) { ... on Group { ${GROUP_FIELDS} workspace { slug } } } }`, { id });
    expectOk(node);
    expect(node.data.node).toMatchObject({ id, ...expected, members: { edges: [] }, workspace: { slug: 'product-development' } });
  });

  it('Users automatically added when granted workspace access, and removed when it is revoked: its members are exactly the workspace members', async () => {
    const ws = await setup('every-sync', { admin: 'WORKSPACE_ADMIN', a: null, b: null, c: null });
    const { admin, a, b, c } = ws.p as Record<string, Person>;
    const expectMembers = async (expected: Person[], step: string) => {
      const { everyone, members } = await everyoneAndMembers(ws);
      const subjects = sorted(expected.map((p) => p.subject));
      expect(members, step).toEqual(subjects);
      expect(everyone, step).toEqual(subjects);
    };
    await expectMembers([admin!], 'start');
    expectOk(await setRole(admin!, ws.id, { userId: a!.id }, 'WORKSPACE_USER'));
    expectOk(await setRole(admin!, ws.id, { userId: b!.id }, 'THEME_EDITOR'));
    await expectMembers([admin!, a!, b!], 'after setWorkspaceRole');
    // A new role replaces the old one: still one membership.
    expectOk(await setRole(admin!, ws.id, { userId: a!.id }, 'RUNTIME_EDITOR'));
    await expectMembers([admin!, a!, b!], 'after a role change');
    expect(await viewerRoles(a!, ws)).toEqual(['RUNTIME_EDITOR']);

    expectOk(await removeWorkspaceMember(admin!, ws.id, a!));
    await expectMembers([admin!, b!], 'after removeWorkspaceMember');
    expectOk(await removeOrganizationMember(ws.owner, ws.org.id, b!));
    await expectMembers([admin!], 'after removeOrganizationMember');
    expectOk(await setRole(ws.owner, ws.id, { userId: c!.id }, 'OPERATIONS_EDITOR'));
    expectOk(await setRole(ws.owner, ws.id, { userId: a!.id }, 'WORKSPACE_USER'));
    await expectMembers([admin!, a!, c!], 'after rejoining');
  });

  it('Membership cannot be manually modified, and the group cannot be deleted (CONFLICT)', async () => {
    const ws = await setup('every-locked', { admin: 'WORKSPACE_ADMIN', member: 'WORKSPACE_USER', bystander: null });
    const { admin, member, bystander } = ws.p as Record<string, Person>;
    const before = await everyoneAndMembers(ws);
    for (const actor of [admin!, ws.owner]) {
      expectError(await addGroupMember(actor, ws.everyone.id, bystander!), 'CONFLICT', `${actor.subject} adds a non-member`);
      expectError(await addGroupMember(actor, ws.everyone.id, member!), 'CONFLICT', `${actor.subject} adds a member`);
      expectError(await removeGroupMember(actor, ws.everyone.id, member!), 'CONFLICT', `${actor.subject} removes a member`);
      expectError(await removeGroupMember(actor, ws.everyone.id, admin!), 'CONFLICT', `${actor.subject} removes the admin`);
      expectError(await deleteGroup(actor, ws.everyone.id), 'CONFLICT', `${actor.subject} deletes it`);
    }
    const after = await everyoneAndMembers(ws);
    expect(after).toEqual(before);
    expect(after.group).toMatchObject({ name: ws.everyone.name, system: true });
    expect(after.everyone).toEqual(sorted([admin!.subject, member!.subject]));
  });

  it('Cannot be duplicated: no custom group can take an all_users_ name (BAD_USER_INPUT)', async () => {
    const ws = await setup('every-dup', { admin: 'WORKSPACE_ADMIN' });
    expect(ws.everyone.name).toBe('all_users_every_dup_ws');
    for (const name of ['all_users_every_dup_ws', 'all_users_anything']) {
      for (const actor of [ws.p.admin!, ws.owner]) {
        expectError(await server.graphql(actor.token, CREATE_GROUP, { i: { workspaceId: ws.id, name } }), 'BAD_USER_INPUT', `${actor.subject} ${name}`);
      }
    }
    const res = await workspaceAs(ws.owner, ws, 'groups(first: 50) { edges { node { name system } } }');
    expect(nodes(res.data.organization.workspace.groups)).toEqual([{ name: 'all_users_every_dup_ws', system: true }]);
    // Custom names are unique too.
    await createGroup(ws.p.admin!, ws.id, 'reviewers');
    expectError(await server.graphql(ws.p.admin!.token, CREATE_GROUP, { i: { workspaceId: ws.id, name: 'reviewers' } }), 'CONFLICT', 'duplicate name');
  });

  it('Pre-selected when creating new projects: by default it gets PROJECT_VIEWER, so a plain workspace member sees the project and its processes', async () => {
    const ws = await setup('every-default', { lead: 'WORKSPACE_USER', member: 'WORKSPACE_USER', late: null });
    const { lead, member, late } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'shared');
    // Both grants are written in one transaction: their order is not specified.
    expect([...project.grants].sort((x, y) => x.role.localeCompare(y.role))).toEqual([
      { role: 'PROJECT_OWNER', user: { id: lead!.id, subject: lead!.subject }, group: null },
      { role: 'PROJECT_VIEWER', user: null, group: { id: ws.everyone.id, name: ws.everyone.name, system: true } },
    ]);
    expectOk(await saveProcess(lead!, project.id, 'claims'));

    for (const viewer of [member!]) {
      expect(await projectSlugs(viewer, ws)).toEqual(['shared']);
      const seen = await projectAs(viewer, ws, project, 'slug viewerRole processes { name }');
      expectOk(seen.res);
      expect(seen.bySlug).toEqual({ slug: 'shared', viewerRole: 'PROJECT_VIEWER', processes: [{ name: 'claims' }] });
      expect(seen.byNode).toEqual(seen.bySlug);
      // A viewer tests processes but does not edit them.
      expectOk(await server.graphql(viewer.token, START_INSTANCE, { i: { projectId: project.id, processName: 'claims' } }));
      expectError(await saveProcess(viewer, project.id, 'claims'), 'FORBIDDEN', 'viewer edits');
    }
    // Someone who joins the workspace later gets it too, through the group.
    expect((await projectAs(late!, ws, project)).bySlug).toBeNull();
    expectOk(await setRole(ws.owner, ws.id, { userId: late!.id }, 'WORKSPACE_USER'));
    expect((await projectAs(late!, ws, project)).bySlug).toEqual({ id: project.id, slug: 'shared', viewerRole: 'PROJECT_VIEWER' });
  });

  it('everyoneRole: null grants the everyone group nothing: a plain workspace member does not see the project', async () => {
    const ws = await setup('every-none', { lead: 'WORKSPACE_USER', member: 'WORKSPACE_USER' });
    const { lead, member } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'private', null);
    expect(project.grants).toEqual([{ role: 'PROJECT_OWNER', user: { id: lead!.id, subject: lead!.subject }, group: null }]);
    expect(await projectSlugs(member!, ws)).toEqual([]);
    const seen = await projectAs(member!, ws, project);
    expectOk(seen.res);
    expect(seen.bySlug).toBeNull();
    expect(seen.byNode).toBeNull();
  });

  it('everyoneRole: PROJECT_EDITOR makes every workspace member an editor of the new project', async () => {
    const ws = await setup('every-editor', { lead: 'WORKSPACE_USER', member: 'WORKSPACE_USER' });
    const { lead, member } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'open', 'PROJECT_EDITOR');
    expect(project.grants).toContainEqual({ role: 'PROJECT_EDITOR', user: null, group: { id: ws.everyone.id, name: ws.everyone.name, system: true } });
    expect((await projectAs(member!, ws, project)).bySlug).toEqual({ id: project.id, slug: 'open', viewerRole: 'PROJECT_EDITOR' });
    expectOk(await saveProcess(member!, project.id, 'by-member'));
    // Editing is not granting: only the owner (or an admin) grants access.
    expectError(await grant(member!, project.id, { userId: member!.id }, 'PROJECT_VIEWER'), 'FORBIDDEN', 'editor grants');
    // The everyone group can never be made the owner.
    expectError(
      await server.graphql(lead!.token, CREATE_PROJECT, { i: { workspaceId: ws.id, slug: 'owned-by-all', name: 'X', everyoneRole: 'PROJECT_OWNER' } }),
      'BAD_USER_INPUT',
      'everyoneRole PROJECT_OWNER',
    );
  });
});

describe('project ownership', () => {
  it('Automatically granted when creating a project: the creator is the one PROJECT_OWNER', async () => {
    const ws = await setup('own-create', { creator: 'WORKSPACE_USER', other: 'WORKSPACE_USER' });
    const { creator, other } = ws.p as Record<string, Person>;
    const project = await createProject(creator!, ws.id, 'mine');
    expect(project).toMatchObject({ slug: 'mine', name: 'Project mine', viewerRole: 'PROJECT_OWNER', owner: { id: creator!.id, subject: creator!.subject } });
    expect(project.grants.filter((g) => g.role === 'PROJECT_OWNER')).toEqual([{ role: 'PROJECT_OWNER', user: { id: creator!.id, subject: creator!.subject }, group: null }]);
    // Everyone else reads the same owner, and their own role.
    const seen = await projectAs(other!, ws, project, 'owner { id } viewerRole');
    expect(seen.bySlug).toEqual({ owner: { id: creator!.id }, viewerRole: 'PROJECT_VIEWER' });
    const byOrgOwner = await projectAs(ws.owner, ws, project, 'owner { id } viewerRole');
    expect(byOrgOwner.bySlug.owner).toEqual({ id: creator!.id });
    // A slug is taken once per workspace.
    expectError(await server.graphql(other!.token, CREATE_PROJECT, { i: { workspaceId: ws.id, slug: 'mine', name: 'Again' } }), 'CONFLICT', 'duplicate slug');
  });

  it('Cannot be manually assigned: granting PROJECT_OWNER is BAD_USER_INPUT; the owner cannot be revoked or demoted (CONFLICT)', async () => {
    const ws = await setup('own-fixed', { admin: 'WORKSPACE_ADMIN', lead: 'WORKSPACE_USER', dev: 'WORKSPACE_USER' });
    const { admin, lead, dev } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'fixed', null);
    for (const actor of [lead!, admin!, ws.owner]) {
      expectError(await grant(actor, project.id, { userId: dev!.id }, 'PROJECT_OWNER'), 'BAD_USER_INPUT', `${actor.subject} grants PROJECT_OWNER`);
      expectError(await grant(actor, project.id, { groupId: ws.everyone.id }, 'PROJECT_OWNER'), 'BAD_USER_INPUT', `${actor.subject} grants PROJECT_OWNER to a group`);
    }
    for (const actor of [admin!, ws.owner]) {
      expectError(await revoke(actor, project.id, { userId: lead!.id }), 'CONFLICT', `${actor.subject} revokes the owner`);
      expectError(await grant(actor, project.id, { userId: lead!.id }, 'PROJECT_VIEWER'), 'CONFLICT', `${actor.subject} demotes the owner`);
    }
    expectError(await revoke(lead!, project.id, { userId: lead!.id }), 'CONFLICT', 'owner revokes self');
    const { owner, grants } = await grantsOf(ws.owner, ws, project);
    expect(owner).toEqual({ id: lead!.id });
    expect(grants).toEqual([{ role: 'PROJECT_OWNER', user: { id: lead!.id, subject: lead!.subject }, group: null }]);
  });

  it('Can be transferred to another user: the new owner becomes PROJECT_OWNER, the old owner stays as PROJECT_EDITOR without owner rights, one owner remains', async () => {
    const ws = await setup('own-transfer', { old: 'WORKSPACE_USER', heir: 'WORKSPACE_USER', dev: 'WORKSPACE_USER' });
    const { old, heir, dev } = ws.p as Record<string, Person>;
    const project = await createProject(old!, ws.id, 'handover', null);
    expectOk(await grant(old!, project.id, { userId: heir!.id }, 'PROJECT_VIEWER'));

    const moved = await transfer(old!, project.id, heir!);
    expectOk(moved);
    const payload = moved.data.transferProjectOwnership.project;
    expect(payload.owner).toEqual({ id: heir!.id, subject: heir!.subject });
    const expectedGrants = [
      { role: 'PROJECT_EDITOR', user: { id: old!.id, subject: old!.subject }, group: null },
      { role: 'PROJECT_OWNER', user: { id: heir!.id, subject: heir!.subject }, group: null },
    ];
    const byUser = (g: any) => g.user?.subject ?? '';
    expect([...payload.grants].sort((x: any, y: any) => byUser(x).localeCompare(byUser(y)))).toEqual(
      [...expectedGrants].sort((x, y) => byUser(x).localeCompare(byUser(y))),
    );
    const { grants } = await grantsOf(ws.owner, ws, project);
    expect(grants.filter((g) => g.role === 'PROJECT_OWNER')).toEqual([{ role: 'PROJECT_OWNER', user: { id: heir!.id, subject: heir!.subject }, group: null }]);
    expect(grants).toHaveLength(2);

    expect((await projectAs(old!, ws, project)).bySlug.viewerRole).toBe('PROJECT_EDITOR');
    expect((await projectAs(heir!, ws, project)).bySlug.viewerRole).toBe('PROJECT_OWNER');
    // The old owner lost the owner's rights, and keeps an editor's.
    expectError(await grant(old!, project.id, { userId: dev!.id }, 'PROJECT_VIEWER'), 'FORBIDDEN', 'old owner grants');
    expectError(await revoke(old!, project.id, { userId: heir!.id }), 'FORBIDDEN', 'old owner revokes');
    expectError(await transfer(old!, project.id, dev!), 'FORBIDDEN', 'old owner transfers again');
    expectOk(await saveProcess(old!, project.id), 'old owner edits');
    // The new owner has them.
    expectOk(await grant(heir!, project.id, { userId: dev!.id }, 'PROJECT_VIEWER'));
    expectOk(await transfer(heir!, project.id, dev!));
    const last = await grantsOf(ws.owner, ws, project);
    expect(last.owner).toEqual({ id: dev!.id });
    expect(last.grants.filter((g) => g.role === 'PROJECT_OWNER').map((g) => g.user!.id)).toEqual([dev!.id]);
    // Transferring to the current owner changes nothing.
    expectError(await transfer(dev!, project.id, dev!), 'CONFLICT', 'transfer to self');
  });

  it('the new owner must be a member of the workspace (BAD_USER_INPUT)', async () => {
    const ws = await setup('own-member', { lead: 'WORKSPACE_USER', bystander: null });
    const { lead, bystander } = ws.p as Record<string, Person>;
    const outsider = await seed.person('own-member.outsider');
    const project = await createProject(lead!, ws.id, 'stay');
    for (const target of [bystander!, outsider]) {
      expectError(await transfer(lead!, project.id, target), 'BAD_USER_INPUT', target.subject);
    }
    const { owner, grants } = await grantsOf(lead!, ws, project);
    expect(owner).toEqual({ id: lead!.id });
    expect(grants.filter((g) => g.role === 'PROJECT_OWNER')).toHaveLength(1);
  });

  it('Cannot be removed without transferring to another user: a project owner stays in the workspace and the organization (CONFLICT) until they transfer', async () => {
    const ws = await setup('own-leave', { lead: 'WORKSPACE_USER', heir: 'WORKSPACE_USER' });
    const { lead, heir } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'anchor');
    expectError(await removeWorkspaceMember(ws.owner, ws.id, lead!), 'CONFLICT', 'remove from workspace');
    expectError(await removeOrganizationMember(ws.owner, ws.org.id, lead!), 'CONFLICT', 'remove from organization');
    expect((await everyoneAndMembers(ws)).members).toContain(lead!.subject);
    expect((await grantsOf(lead!, ws, project)).owner).toEqual({ id: lead!.id });

    expectOk(await transfer(lead!, project.id, heir!));
    expectOk(await removeWorkspaceMember(ws.owner, ws.id, lead!));
    const { members, everyone } = await everyoneAndMembers(ws);
    expect(members).toEqual([heir!.subject]);
    expect(everyone).toEqual([heir!.subject]);
    // The old owner's editor grant went with their membership.
    const { grants } = await grantsOf(ws.owner, ws, project);
    expect(grants.some((g) => g.user?.id === lead!.id), JSON.stringify(grants)).toBe(false);
    expect((await projectAs(lead!, ws, project)).bySlug).toBeNull();

    // The same from the organization: the new owner cannot leave it until they transfer.
    expectError(await removeOrganizationMember(ws.owner, ws.org.id, heir!), 'CONFLICT', 'heir leaves the organization');
    expectOk(await setRole(ws.owner, ws.id, { userId: lead!.id }, 'WORKSPACE_USER'));
    expectOk(await transfer(heir!, project.id, lead!));
    expectOk(await removeOrganizationMember(ws.owner, ws.org.id, heir!));
    expect((await everyoneAndMembers(ws)).members).toEqual([lead!.subject]);
  });
});

describe('who sees which project', () => {
  let ws: SeededWorkspace;
  let secret: { id: string; slug: string };
  let people: Record<string, Person>;

  beforeAll(async () => {
    ws = await setup('seen', {
      admin: 'WORKSPACE_ADMIN',
      runtime: 'RUNTIME_EDITOR',
      ops: 'OPERATIONS_EDITOR',
      theme: 'THEME_EDITOR',
      user: 'WORKSPACE_USER',
      lead: 'WORKSPACE_USER',
    });
    people = ws.p;
    // Granted to nobody but its owner.
    secret = await createProject(people.lead!, ws.id, 'secret', null);
    expectOk(await saveProcess(people.lead!, secret.id, 'pricing'));
  });

  it('Access all projects across all workspaces: organization owners and workspace admins see every project of the workspace', async () => {
    for (const viewer of [ws.owner, people.admin!]) {
      expect(await projectSlugs(viewer, ws), viewer.subject).toEqual(['secret']);
      const seen = await projectAs(viewer, ws, secret, 'slug processes { name } grants { role }');
      expectOk(seen.res, viewer.subject);
      expect(seen.bySlug).toEqual({ slug: 'secret', processes: [{ name: 'pricing' }], grants: [{ role: 'PROJECT_OWNER' }] });
      expect(seen.byNode).toEqual(seen.bySlug);
    }
    // The organization admin edits it without a grant.
    expectOk(await saveProcess(ws.owner, secret.id, 'by-org-admin'));
  });

  it('Runtime access is workspace-scoped: runtime and operations editors see every project, a RUNTIME_EDITOR creates builds in it, but its configuration is FORBIDDEN without a grant', async () => {
    for (const who of ['runtime', 'ops'] as const) {
      const viewer = people[who]!;
      expect(await projectSlugs(viewer, ws), who).toEqual(['secret']);
      const seen = await projectAs(viewer, ws, secret, 'slug viewerRole builds { version } processes { name }');
      expect(seen.res.status).toBe(200);
      expect(seen.bySlug, `${who}: ${seen.res.raw}`).toMatchObject({ slug: 'secret', viewerRole: null, processes: null });
      expect(seen.byNode, `${who}: ${seen.res.raw}`).toMatchObject({ slug: 'secret', viewerRole: null, processes: null });
      const errors = (seen.res.errors ?? []).map((e) => `${e.path?.join('.')} ${e.extensions?.code}`).sort();
      expect(errors, who).toEqual(['node.processes FORBIDDEN', 'organization.workspace.project.processes FORBIDDEN']);
      // They see the project, so an edit is FORBIDDEN, not NOT_FOUND.
      expectError(await saveProcess(viewer, secret.id, `by-${who}`), 'FORBIDDEN', `${who} saveProcess`);
      expectError(await grant(viewer, secret.id, { userId: viewer.id }, 'PROJECT_EDITOR'), 'FORBIDDEN', `${who} grants itself`);
    }
    const built = await createBuild(people.runtime!, secret.id, '2.0.0');
    expectOk(built, 'runtime editor builds');
    expect(built.data.createBuild.build.version).toBe('2.0.0');
    expectError(await createBuild(people.ops!, secret.id, '2.0.1'), 'FORBIDDEN', 'operations editor builds');
    const builds = await projectAs(people.ops!, ws, secret, 'builds { version }');
    expect(builds.bySlug).toEqual({ builds: [{ version: '2.0.0' }] });
  });

  it('Needs explicit project access: a WORKSPACE_USER (or THEME_EDITOR) without a grant gets null from project(slug:) and node(id:), and NOT_FOUND from mutations naming it', async () => {
    const missing = { id: missingId('Project'), slug: 'no-such-project' };
    const mutations = (projectId: string, who: Person): [string, string, Record<string, unknown>][] => [
      ['saveProcess', SAVE_PROCESS, { projectId, name: 'x', definition: {} }],
      ['createBuild', CREATE_BUILD, { projectId, version: '9.9.9' }],
      ['startProcessInstance', START_INSTANCE, { projectId, processName: 'pricing' }],
      ['grantProjectAccess', GRANT, { projectId, userId: who.id, role: 'PROJECT_EDITOR' }],
      ['revokeProjectAccess', REVOKE, { projectId, userId: people.lead!.id }],
      ['transferProjectOwnership', TRANSFER, { projectId, newOwnerUserId: who.id }],
    ];
    for (const who of ['user', 'theme'] as const) {
      const viewer = people[who]!;
      expect(await projectSlugs(viewer, ws), who).toEqual([]);
      const seen = await projectAs(viewer, ws, secret);
      expectOk(seen.res, who);
      expect(seen.bySlug, who).toBeNull();
      expect(seen.byNode, who).toBeNull();
      const real = mutations(secret.id, viewer);
      const absent = mutations(missing.id, viewer);
      for (let i = 0; i < real.length; i++) {
        const [name, query, input] = real[i]!;
        const res = await server.graphql(viewer.token, query, { i: input });
        expectError(res, 'NOT_FOUND', `${who} ${name}`);
        // No existence leak: the same answer as for a project that does not exist.
        const [, absentQuery, absentInput] = absent[i]!;
        const other = await server.graphql(viewer.token, absentQuery, { i: absentInput });
        expect(other.errors?.map((e) => [e.extensions?.code, e.message]), `${who} ${name}`).toEqual(res.errors!.map((e) => [e.extensions?.code, e.message]));
      }
    }
    const { owner, grants } = await grantsOf(ws.owner, ws, secret);
    expect(owner).toEqual({ id: people.lead!.id });
    expect(grants).toEqual([{ role: 'PROJECT_OWNER', user: { id: people.lead!.id, subject: people.lead!.subject }, group: null }]);
  });

  it('Granting and revoking project access: a workspace admin without a grant grants itself access and then edits; the self-grant is in the workspace and organization audit logs', async () => {
    const admin = people.admin!;
    // Seeing is not editing: the matrix's note, read restrictively.
    expectError(await saveProcess(admin, secret.id, 'by-admin'), 'FORBIDDEN', 'admin edits without a grant');
    const granted = await grant(admin, secret.id, { userId: admin.id }, 'PROJECT_EDITOR');
    expectOk(granted);
    expect(granted.data.grantProjectAccess.project.grants).toContainEqual({ role: 'PROJECT_EDITOR', user: { id: admin.id, subject: admin.subject }, group: null });
    expect((await projectAs(admin, ws, secret)).bySlug.viewerRole).toBe('PROJECT_EDITOR');
    expectOk(await saveProcess(admin, secret.id, 'by-admin'), 'admin edits with a grant');

    const AUDIT = `auditLog(first: 50) { edges { node { operation actorKind actorUser { id } targetId details workspace { slug } project { slug } } } }`;
    const selfGrant = {
      operation: 'grantProjectAccess',
      actorKind: 'USER',
      actorUser: { id: admin.id },
      targetId: admin.id,
      details: expect.objectContaining({ role: 'PROJECT_EDITOR' }),
      workspace: { slug: ws.slug },
      project: { slug: 'secret' },
    };
    const wsLog = await workspaceAs(admin, ws, AUDIT);
    expectOk(wsLog, 'workspace audit log');
    const wsEvents = nodes(wsLog.data.organization.workspace.auditLog);
    // Newest first: the edit, then the self-grant.
    expect(wsEvents[0]).toMatchObject({ operation: 'saveProcess', actorUser: { id: admin.id } });
    expect(wsEvents[1]).toEqual(selfGrant);
    expect(wsEvents.map((e: any) => e.operation)).toContain('createProject');

    const orgLog = await server.graphql(ws.owner.token, `query($org: String!) { organization(slug: $org) { ${AUDIT} } }`, { org: ws.org.slug });
    expectOk(orgLog, 'organization audit log');
    expect(nodes(orgLog.data.organization.auditLog)).toContainEqual(selfGrant);

    // The workspace audit log is for workspace admins (and organization owners) only.
    for (const who of ['user', 'theme', 'runtime'] as const) {
      const res = await workspaceAs(people[who]!, ws, `slug ${AUDIT}`);
      expect(res.status).toBe(200);
      expect(res.data, `${who}: ${res.raw}`).toEqual({ organization: { workspace: { slug: ws.slug, auditLog: null } } });
      expect(res.errors?.map((e) => [e.path, e.extensions?.code]), who).toEqual([[['organization', 'workspace', 'auditLog'], 'FORBIDDEN']]);
    }
    const byOrgOwner = await workspaceAs(ws.owner, ws, AUDIT);
    expectOk(byOrgOwner);
    expect(nodes(byOrgOwner.data.organization.workspace.auditLog)).toContainEqual(selfGrant);
  });
});

// ---------------------------------------------------------------------------
// The one-owner invariant under concurrent requests. PGlite runs one
// statement at a time, so these need a real Postgres.

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
  ws: SeededWorkspace,
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
      await checkTransferRace(`round ${round}`, [server], ws, project, owner!, [
        [first, toFirst],
        [second, toSecond],
      ]);
    }
    expect(await projectsWithoutOneOwner(server.orgraph)).toEqual([]);
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
      const events = (await server.orgraph.database.db.execute(sql`
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
      const rows = (await server.orgraph.database.db.execute(sql`
        select role::text as role from project_grants where project_id = ${projectId} and user_id = ${uuidOf(target!.id)}`)) as unknown as {
        rows: { role: string }[];
      };
      expect(rows.rows.map((r) => r.role), what).toEqual(modelled === null ? [] : [modelled]);
      const seen = await projectAs(target!, ws, project, 'viewerRole');
      if (modelled === null) expect(seen.bySlug, what).toBeNull();
      else expect(seen.bySlug, what).toEqual({ viewerRole: modelled });
      expect(await ownerRows(server.orgraph, project.id), what).toEqual([uuidOf(lead!.id)]);
    }
    expect(successes).toBeGreaterThan(40);
  });

  onPostgres('two Orgraph servers on one database: concurrent transfers through both still leave exactly one owner (100 rounds)', async () => {
    const database = await createTestDatabase();
    const started: TestOrgraph[] = [];
    try {
      for (let i = 0; i < 2; i++) started.push(await startOrgraphOn(issuer, database.env));
      const clients = started;
      const [one, two] = clients as [TestOrgraph, TestOrgraph];
      const twoSeed = seedFor(one, issuer);
      const org = await twoSeed.organization('two-servers', { owner: 'two.owner', readers: ['two.lead', 'two.a', 'two.b'] });
      const [lead, a, b] = ['two.lead', 'two.a', 'two.b'].map((n) => org.members[n]!) as [Person, Person, Person];
      const created = await one.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'shared-db', name: 'Shared DB' } });
      expectOk(created);
      const ws: SeededWorkspace = {
        org,
        owner: org.owner,
        id: created.data.createWorkspace.workspace.id,
        slug: 'shared-db',
        name: 'Shared DB',
        everyone: nodes(created.data.createWorkspace.workspace.groups)[0],
        p: { lead, a, b },
      };
      for (const p of [lead, a, b]) {
        // Through either server: they share everything.
        expectOk(await (p === a ? two : one).graphql(org.owner.token, SET_ROLE, { i: { workspaceId: ws.id, userId: p.id, role: 'WORKSPACE_USER' } }));
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
      expect(await projectsWithoutOneOwner(started[0]!.orgraph)).toEqual([]);
    } finally {
      for (const orgraph of started) await orgraph.stop();
      await database.drop();
    }
  });
});

