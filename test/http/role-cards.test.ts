/**
 * The seed's role cards beyond its table (seeds/003, traced line by line in
 * docs/permissions.md): each capability this suite covers is sent by every
 * role of the matrix, each a real user with a real token. An allowed role
 * gets no error; any other gets FORBIDDEN or NOT_FOUND and the database is
 * left exactly as it was. Reads: an allowed role reads the field, any other
 * reads null (FORBIDDEN at its path, or an invisible parent).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { codes, expectOk, expectUnchanged } from '../helpers/expect.js';
import {
  ADD_GROUP_MEMBERS,
  CREATE_BUILD_FROM_LIBRARY,
  CREATE_GROUP,
  CREATE_LIBRARY,
  DELETE_CONFIG_PARAMETER,
  DELETE_PROJECT,
  DELETE_SCHEDULED_PROCESS,
  DELETE_THEME,
  GRANT_PROJECT_ACCESS,
  PUBLISH_LIBRARY_VERSION,
  SAVE_AI_AGENT,
  SAVE_ENUMERATION,
  SAVE_GLOBAL_FONT,
  SAVE_OUT_OF_OFFICE_POLICY,
  SAVE_PROCESS,
  SAVE_PROJECT_MEDIA,
  SAVE_PROJECT_SETTING,
  SAVE_REUSABLE_RESOURCE,
  SAVE_SCHEDULED_PROCESS,
  SAVE_THEME,
  SAVE_THEME_SECTION,
  SAVE_WORKFLOW,
  SAVE_WORKSPACE_MEDIA,
  SET_CONFIG_PARAMETER,
  SET_DEFAULT_THEME,
  SET_SCHEDULED_PROCESS_ACTIVE,
  START_PROCESS_INSTANCE,
  UPDATE_WORKSPACE,
} from '../helpers/operations.js';
import { ROLES, type Role } from '../helpers/permission-matrix.js';
import { flowxChecks } from '../helpers/flowx.js';
import { uuidOf } from '../helpers/ids.js';
import type { Person, SeededWorkspace } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({ RATE_LIMIT: 'off' });
let people: Record<Role, Person>;
let spare: Person[];
let orgId: string;
let ws: SeededWorkspace;
let projectId: string;
let libraryId: string;
let libraryVersionId: string;
let scheduleId: string;

/** The succeeded audit events, oldest first. */
const auditEvents = async () =>
  ((await t.server.orgraph.database.db.execute(sql`select operation, actor_user_id as actor from audit_events where outcome = 'SUCCEEDED' order by id`)) as unknown as {
    rows: { operation: string; actor: string }[];
  }).rows;

const unique = () => randomBytes(4).toString('hex');
const ownerToken = () => people.project_owner.token;

/** A project placed as `main` is: owned by project_owner, project_editor and project_viewer granted, no one else. */
async function freshProject(): Promise<string> {
  return (await ws.project(`p-${unique()}`, { owner: 'project_owner', editors: ['project_editor'], viewers: ['project_viewer'], everyoneRole: null })).id;
}
async function freshSchedule(): Promise<string> {
  const created = await t.seed.mutate(people.org_admin.token, SAVE_SCHEDULED_PROCESS, { projectId, name: `s-${unique()}`, processName: 'onboarding', schedule: '0 3 * * 1' });
  return created.scheduledProcess.id;
}
async function freshTheme(): Promise<string> {
  return (await t.seed.mutate(people.org_admin.token, SAVE_THEME, { workspaceId: ws.id, name: `t-${unique()}`, tokens: {} })).theme.name;
}
async function freshParameter(): Promise<string> {
  return (await t.seed.mutate(people.org_admin.token, SET_CONFIG_PARAMETER, { projectId, key: `k_${unique()}`, value: 'v' })).configParameter.key;
}
async function freshGroup(): Promise<string> {
  return (await t.seed.mutate(people.org_admin.token, CREATE_GROUP, { workspaceId: ws.id, name: `g-${unique()}` })).group.id;
}

const ALL: Role[] = [...ROLES];
const PROJECT_EDITORS: Role[] = ['org_admin', 'project_owner', 'project_editor'];
const RUNTIME: Role[] = ['org_admin', 'workspace_admin', 'runtime_editor'];
const DESIGN: Role[] = ['org_admin', 'workspace_admin', 'theme_editor'];
const ADMINS: Role[] = ['org_admin', 'workspace_admin'];

type Input = Record<string, unknown>;
/** A seed line, the mutation that serves it, its input (made fresh where the mutation deletes), and who may. */
const ACTIONS: [line: string, document: string, input: () => Input | Promise<Input>, allowed: Role[]][] = [
  ['Delete project', DELETE_PROJECT, async () => ({ projectId: await freshProject() }), ['org_admin', 'project_owner']],
  ['Processes, workflows, enumerations: workflows', SAVE_WORKFLOW, () => ({ projectId, name: `w-${unique()}`, definition: { steps: [] } }), PROJECT_EDITORS],
  ['Processes, workflows, enumerations: enumerations', SAVE_ENUMERATION, () => ({ projectId, name: `e-${unique()}`, values: { a: 'A' } }), PROJECT_EDITORS],
  [
    'Templates, media, integrations: media',
    SAVE_PROJECT_MEDIA,
    () => ({ projectId, name: `m-${unique()}`, source: 'https://cdn.example/logo.png', contentType: 'image/png' }),
    PROJECT_EDITORS,
  ],
  ['AI agents, reusable resources: AI agents', SAVE_AI_AGENT, () => ({ projectId, name: `a-${unique()}`, config: { model: 'x' } }), PROJECT_EDITORS],
  ['AI agents, reusable resources: reusable resources', SAVE_REUSABLE_RESOURCE, () => ({ projectId, name: `r-${unique()}`, body: { x: 1 } }), PROJECT_EDITORS],
  ['All project settings', SAVE_PROJECT_SETTING, () => ({ projectId, key: `k_${unique()}`, value: { on: true } }), PROJECT_EDITORS],
  ['Reusable resources of a library', SAVE_REUSABLE_RESOURCE, () => ({ projectId: libraryId, name: `r-${unique()}`, body: { x: 1 } }), PROJECT_EDITORS],
  ['Configure scheduled processes', SAVE_SCHEDULED_PROCESS, () => ({ projectId, name: `s-${unique()}`, processName: 'onboarding', schedule: '*/5 * * * *' }), RUNTIME],
  ['Manage scheduled processes: activate', SET_SCHEDULED_PROCESS_ACTIVE, () => ({ scheduledProcessId: scheduleId, active: true }), RUNTIME],
  ['Manage scheduled processes: delete', DELETE_SCHEDULED_PROCESS, async () => ({ scheduledProcessId: await freshSchedule() }), RUNTIME],
  [
    'Manage global media library',
    SAVE_WORKSPACE_MEDIA,
    () => ({ workspaceId: ws.id, name: `media ${unique()}`, source: 'https://cdn.example/a.svg', contentType: 'image/svg+xml' }),
    DESIGN,
  ],
  ['Set default themes', SET_DEFAULT_THEME, () => ({ workspaceId: ws.id, themeName: 'Brand' }), DESIGN],
  ['Configure theme sections', SAVE_THEME_SECTION, () => ({ workspaceId: ws.id, themeName: 'Brand', section: `s${unique()}`, tokens: { size: 14 } }), DESIGN],
  ['Create, edit, and delete themes: delete', DELETE_THEME, async () => ({ workspaceId: ws.id, name: await freshTheme() }), DESIGN],
  [
    'Create, edit, and delete configuration parameter overrides: delete',
    DELETE_CONFIG_PARAMETER,
    async () => ({ projectId, key: await freshParameter() }),
    ['org_admin', 'workspace_admin', 'runtime_editor', 'project_owner', 'project_editor'],
  ],
  ['Configure workspace settings', UPDATE_WORKSPACE, () => ({ workspaceId: ws.id, settings: { locale: unique() } }), ADMINS],
  ['Create and manage groups: bulk addition', ADD_GROUP_MEMBERS, async () => ({ groupId: await freshGroup(), userIds: spare.map((p) => p.id) }), ADMINS],
  ['Create projects and libraries', CREATE_LIBRARY, () => ({ workspaceId: ws.id, slug: `l-${unique()}`, name: 'L', everyoneRole: null }), ALL],
  ['Publish a library version', PUBLISH_LIBRARY_VERSION, () => ({ libraryId, version: `1.${parseInt(unique(), 16)}` }), PROJECT_EDITORS],
  [
    'Create builds from library versions',
    CREATE_BUILD_FROM_LIBRARY,
    () => ({ projectId, version: `2.${parseInt(unique(), 16)}`, libraryVersionId }),
    ['org_admin', 'workspace_admin', 'runtime_editor', 'project_owner', 'project_editor'],
  ],
  ['Grant access to a library', GRANT_PROJECT_ACCESS, () => ({ projectId: libraryId, userId: spare[0]!.id, role: 'PROJECT_VIEWER' }), ['org_admin', 'workspace_admin', 'project_owner']],
  ['Manage global font resources', SAVE_GLOBAL_FONT, () => ({ organizationId: orgId, family: `F ${unique()}`, source: 'https://fonts.example/f.woff2' }), ['org_admin']],
  ['Configure out of office policies', SAVE_OUT_OF_OFFICE_POLICY, () => ({ organizationId: orgId, name: `ooo ${unique()}`, rules: { delegate: 'manager' } }), ['org_admin']],
];

const PROJECT_READ = `query($id: ID!) { node(id: $id) { ... on Project { id FIELD } } }`;
const WORKSPACE_READ = `query($id: ID!) { node(id: $id) { ... on Workspace { id FIELD } } }`;
const ORGANIZATION_READ = `query($id: ID!) { node(id: $id) { ... on Organization { id FIELD } } }`;
const CONFIG_READERS: Role[] = ['org_admin', 'workspace_admin', 'project_owner', 'project_editor', 'project_viewer'];
const RUNTIME_READERS: Role[] = [...CONFIG_READERS, 'runtime_editor', 'operations_editor'];

/** A seed line, the field that serves it (read on `main`, the workspace or the organization), and who reads it. */
const READS: [line: string, query: string, field: string, id: () => string, allowed: Role[]][] = [
  ['Export project resources', PROJECT_READ, 'export', () => projectId, CONFIG_READERS],
  ['View processes, workflows, enumerations', PROJECT_READ, 'workflows { name } enumerations { name }', () => projectId, CONFIG_READERS],
  ['View templates, media, integrations', PROJECT_READ, 'media { name source }', () => projectId, CONFIG_READERS],
  ['View project settings and dependencies', PROJECT_READ, 'settings { key value }', () => projectId, CONFIG_READERS],
  ['AI agents, reusable resources', PROJECT_READ, 'aiAgents { name } reusableResources { name }', () => projectId, CONFIG_READERS],
  ['View scheduled processes (read-only)', PROJECT_READ, 'scheduledProcesses { name active organization { id } }', () => projectId, RUNTIME_READERS],
  ['View all process instances across workspace', WORKSPACE_READ, 'processInstances(first: 5) { edges { node { id organization { id } } } }', () => ws.id, ['org_admin', 'workspace_admin', 'runtime_editor', 'operations_editor']],
  ['View global media library (read-only)', WORKSPACE_READ, 'media { name }', () => ws.id, ALL],
  ['View workspace users, groups, and roles (read-only)', WORKSPACE_READ, 'roles { role includes }', () => ws.id, ALL],
  ['Appears in user/group search results', WORKSPACE_READ, 'searchPrincipals(query: "everyone") { __typename ... on Group { system } }', () => ws.id, ALL],
  ['Monitor platform status', ORGANIZATION_READ, 'platformStatus { database { ok } changeFeed { alive } migrations { applied known upToDate } }', () => orgId, ['org_admin']],
  ['Configure out of office policies (read)', ORGANIZATION_READ, 'outOfOfficePolicies { name }', () => orgId, ['org_admin']],
];

beforeAll(async () => {
  ({ people, spare, ws } = await flowxChecks(t).matrixWorkspace('cards', 'cards-ws', 'Cards'));
  orgId = ws.organization.id;
  projectId = await freshProject();
  await t.seed.mutate(ownerToken(), SAVE_PROCESS, { projectId, name: 'onboarding', definition: { nodes: [] } });
  await t.seed.mutate(ownerToken(), START_PROCESS_INSTANCE, { projectId, processName: 'onboarding' });
  await t.seed.mutate(people.org_admin.token, SAVE_THEME, { workspaceId: ws.id, name: 'Brand', tokens: { primary: '#000' } });
  scheduleId = await freshSchedule();
  libraryId = (await t.seed.mutate(ownerToken(), CREATE_LIBRARY, { workspaceId: ws.id, slug: 'shared', name: 'Shared', everyoneRole: null })).library.id;
  for (const [who, role] of [['project_editor', 'PROJECT_EDITOR'], ['project_viewer', 'PROJECT_VIEWER']] as const) {
    await t.seed.mutate(ownerToken(), GRANT_PROJECT_ACCESS, { projectId: libraryId, userId: people[who].id, role });
  }
  await t.seed.mutate(ownerToken(), SAVE_REUSABLE_RESOURCE, { projectId: libraryId, name: 'address', body: { fields: ['street'] } });
  libraryVersionId = (await t.seed.mutate(ownerToken(), PUBLISH_LIBRARY_VERSION, { libraryId, version: '1.0.0' })).libraryVersion.id;
}, 180_000);

const cells = <T extends unknown[]>(rows: T[], allowedAt: number) =>
  rows.flatMap((row) => ROLES.map((role) => [row[0] as string, role, (row[allowedAt] as Role[]).includes(role) ? 'allowed' : 'refused', row] as const));

describe("the role cards' mutations", () => {
  it.each(cells(ACTIONS, 3))('%s as %s: %s', async (_line, role, verdict, [, document, input]) => {
    const i = await input();
    if (verdict === 'allowed') {
      const before = await auditEvents();
      const res = await t.server.graphql(people[role].token, document, { i });
      expect(res.errors, res.raw).toBeUndefined();
      // One transaction, one audit event, naming the operation and its actor.
      const operation = document.match(/\{ (\w+)\(input/)![1];
      expect((await auditEvents()).slice(before.length)).toEqual([{ operation, actor: uuidOf(people[role].id) }]);
      return;
    }
    const res = await expectUnchanged(t.server, () => t.server.graphql(people[role].token, document, { i }), `${document} as ${role}`);
    expect(res.data ?? null, res.raw).toBeNull();
    expect(codes(res), res.raw).toHaveLength(1);
    expect(['FORBIDDEN', 'NOT_FOUND'], res.raw).toContain(codes(res)[0]);
  });
});

describe("the role cards' reads", () => {
  it.each(cells(READS, 4))('%s as %s: %s', async (_line, role, verdict, [, query, field, id]) => {
    const res = await t.server.graphql(people[role].token, query.replace('FIELD', field), { id: id() });
    const node = res.data?.node;
    const name = field.split(/[\s({]/)[0]!;
    if (verdict === 'allowed') {
      expect(res.errors, res.raw).toBeUndefined();
      expect(node?.[name], res.raw).not.toBeNull();
      return;
    }
    // Refused: the field (each field asked) is null with FORBIDDEN at its path, or the object is not there at all.
    if (node) {
      expect(node[name], res.raw).toBeNull();
      expect(codes(res).length, res.raw).toBeGreaterThan(0);
      expect(new Set(codes(res)), res.raw).toEqual(new Set(['FORBIDDEN']));
    } else {
      expect(node ?? null, res.raw).toBeNull();
    }
  });

  it('finds the everyone group among the results of a search', async () => {
    const res = await t.server.graphql(people.workspace_user.token, WORKSPACE_READ.replace('FIELD', 'searchPrincipals(query: "Everyone") { __typename ... on Group { id name system } ... on User { subject } }'), { id: ws.id });
    const found = expectOk(res).node.searchPrincipals;
    expect(found).toContainEqual({ __typename: 'Group', id: ws.everyone.id, name: ws.everyone.name, system: true });
  });

  it('finds members by name or email, case-insensitively, and nobody outside the workspace', async () => {
    const search = async (query: string) =>
      expectOk(await t.server.graphql(people.workspace_user.token, WORKSPACE_READ.replace('FIELD', 'searchPrincipals(query: $q) { ... on User { subject } }').replace('$id: ID!', '$id: ID!, $q: String!'), { id: ws.id, q: query })).node
        .searchPrincipals.filter((m: object) => 'subject' in m)
        .map((m: { subject: string }) => m.subject);
    expect(await search('SPARE0@example')).toEqual(['auth0|spare0']);
    expect(await search('spare')).toEqual(expect.arrayContaining(['auth0|spare0', 'auth0|spare1']));
    // `%` and `_` are plain characters, not patterns.
    expect(await search('%')).toEqual([]);
    expect(await search('org_admin')).toEqual([]);
  });
});
