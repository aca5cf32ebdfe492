/**
 * FlowX's "Quick capability comparison" table (seeds/003), every cell that is
 * not N/A: 15 capabilities x 9 roles, each role held by a real user with a
 * real token, each capability exercised through its mutation over HTTP.
 *
 * The table below is the seed's, copied verbatim. Where its prose is more
 * restrictive, the restrictive reading wins (RESTRICTIONS), and a ✅* cell
 * (workspace roles on project configuration) is allowed only on a project
 * the user was granted PROJECT_EDITOR on.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor, type Person } from '../helpers/seed.js';

const SEED_TABLE = `
| Create workspace          | ✅          | ❌                | ❌               | ❌             | ❌               | ❌                  | ❌              | ❌               | ❌               |
| Manage workspace users    | ✅          | ✅                | ❌               | ❌             | ❌               | ❌                  | ❌              | ❌               | ❌               |
| Create projects           | ✅          | ✅                | ✅               | ✅             | ✅               | ✅                  | N/A            | N/A             | N/A             |
| Edit themes               | ✅          | ✅                | ❌               | ✅             | ❌               | ❌                  | N/A            | N/A             | N/A             |
| Manage fonts              | ✅          | ✅                | ❌               | ✅             | ❌               | ❌                  | N/A            | N/A             | N/A             |
| Create builds             | ✅          | ✅                | ❌               | ❌             | ✅               | ❌                  | ✅              | ✅               | ❌               |
| Edit active policy        | ✅          | ✅                | ❌               | ❌             | ✅               | ❌                  | ✅              | ✅               | ❌               |
| Manage config parameters  | ✅          | ✅                | ❌               | ❌             | ✅               | ❌                  | ✅              | ✅               | ❌               |
| Manage operations         | ✅          | ✅                | ❌               | ❌             | ✅               | ✅                  | N/A            | N/A             | N/A             |
| Edit process variables    | ✅          | ✅                | ✅               | ❌             | ✅               | ✅                  | N/A            | N/A             | N/A             |
| Edit processes            | ✅          | ✅\\*              | ✅\\*             | ✅\\*           | ✅\\*             | ✅\\*                | ✅              | ✅               | ❌               |
| Manage templates          | ✅          | ✅\\*              | ✅\\*             | ✅\\*           | ✅\\*             | ✅\\*                | ✅              | ✅               | ❌               |
| Configure integrations    | ✅          | ✅\\*              | ✅\\*             | ✅\\*           | ✅\\*             | ✅\\*                | ✅              | ✅               | ❌               |
| Grant project access      | ✅          | ✅                | ❌               | ❌             | ❌               | ❌                  | ✅              | ❌               | ❌               |
| Manage workspace access   | ✅          | ✅                | ❌               | ❌             | ❌               | ❌                  | ❌              | ❌               | ❌               |
`;

const ROLES = [
  'org_admin',
  'workspace_admin',
  'workspace_user',
  'theme_editor',
  'runtime_editor',
  'operations_editor',
  'project_owner',
  'project_editor',
  'project_viewer',
] as const;
type Role = (typeof ROLES)[number];

/** Cells where the seed's prose is more restrictive than its table: denied. */
const RESTRICTIONS: [capability: string, role: Role, why: string][] = [
  ['Edit process variables', 'workspace_user', "the prose gives workspace_user read-only runtime access"],
];

type Cell = 'allow' | 'deny' | 'allow-with-grant' | 'n/a';

function parseTable(): { capability: string; cells: Record<Role, Cell> }[] {
  return SEED_TABLE.trim()
    .split('\n')
    .map((line) => {
      const [capability, ...marks] = line.split('|').slice(1, -1).map((c) => c.trim());
      const cells = Object.fromEntries(
        ROLES.map((role, i) => {
          const mark = marks[i]!;
          const restricted = RESTRICTIONS.some(([c, r]) => c === capability && r === role);
          const cell: Cell = mark === 'N/A' ? 'n/a' : restricted || mark === '❌' ? 'deny' : mark.includes('*') ? 'allow-with-grant' : 'allow';
          return [role, cell];
        }),
      ) as Record<Role, Cell>;
      return { capability: capability!, cells };
    });
}

let issuer: TestIssuer;
let server: TestOrgraph;
let people: Record<Role, Person>;
let spare: Person[];
let orgId: string;
let workspaceId: string;
/** The project every role acts on: owned by project_owner, editor and viewer granted; no one else granted. */
let projectId: string;
/** A project each workspace-role user was granted PROJECT_EDITOR on (for ✅* cells). */
let grantedProjectId: string;
let buildId: string;
let instanceId: string;

const unique = () => randomBytes(4).toString('hex');

async function ok(token: string, query: string, input: Record<string, unknown>) {
  const res = await server.graphql(token, query, { i: input });
  if (res.errors) throw new Error(`${query.slice(0, 60)}: ${res.raw}`);
  return res.data;
}

const M = {
  createWorkspace: 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { workspace { id } } }',
  setWorkspaceRole: 'mutation($i: SetWorkspaceRoleInput!) { setWorkspaceRole(input: $i) { workspace { id } } }',
  createProject: 'mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }',
  saveTheme: 'mutation($i: SaveThemeInput!) { saveTheme(input: $i) { theme { name } } }',
  saveFont: 'mutation($i: SaveFontInput!) { saveFont(input: $i) { font { family } } }',
  createBuild: 'mutation($i: CreateBuildInput!) { createBuild(input: $i) { build { id } } }',
  setActivePolicy: 'mutation($i: SetActivePolicyInput!) { setActivePolicy(input: $i) { project { id } } }',
  setConfigParameter: 'mutation($i: SetConfigParameterInput!) { setConfigParameter(input: $i) { configParameter { key } } }',
  createOperation: 'mutation($i: CreateOperationInput!) { createOperation(input: $i) { operation { kind } } }',
  setProcessVariable: 'mutation($i: SetProcessVariableInput!) { setProcessVariable(input: $i) { processInstance { id } } }',
  saveProcess: 'mutation($i: SaveProcessInput!) { saveProcess(input: $i) { process { name } } }',
  saveTemplate: 'mutation($i: SaveTemplateInput!) { saveTemplate(input: $i) { template { name } } }',
  saveIntegration: 'mutation($i: SaveIntegrationInput!) { saveIntegration(input: $i) { integration { name } } }',
  grantProjectAccess: 'mutation($i: GrantProjectAccessInput!) { grantProjectAccess(input: $i) { project { id } } }',
  createGroup: 'mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }',
  startProcessInstance: 'mutation($i: StartProcessInstanceInput!) { startProcessInstance(input: $i) { processInstance { id } } }',
};

/** Each capability's mutation, with fresh input so that one attempt never collides with another. */
const ACTIONS: Record<string, (project: string) => [string, Record<string, unknown>]> = {
  'Create workspace': () => [M.createWorkspace, { organizationId: orgId, slug: `ws-${unique()}`, name: 'W' }],
  'Manage workspace users': () => [M.setWorkspaceRole, { workspaceId, userId: spare[0]!.id, role: 'WORKSPACE_USER' }],
  'Create projects': () => [M.createProject, { workspaceId, slug: `p-${unique()}`, name: 'P', everyoneRole: null }],
  'Edit themes': () => [M.saveTheme, { workspaceId, name: `theme-${unique()}`, tokens: { primary: '#000' } }],
  'Manage fonts': () => [M.saveFont, { workspaceId, family: `Font ${unique()}`, source: 'https://fonts.example/f.woff2' }],
  'Create builds': (project) => [M.createBuild, { projectId: project, version: `1.0.${parseInt(unique(), 16)}` }],
  'Edit active policy': (project) => [M.setActivePolicy, { projectId: project, buildId }],
  'Manage config parameters': (project) => [M.setConfigParameter, { projectId: project, key: `k_${unique()}`, value: 'v' }],
  'Manage operations': () => [M.createOperation, { processInstanceId: instanceId, kind: 'MIGRATION' }],
  'Edit process variables': () => [M.setProcessVariable, { processInstanceId: instanceId, name: `v_${unique()}`, value: 1 }],
  'Edit processes': (project) => [M.saveProcess, { projectId: project, name: `process-${unique()}`, definition: { nodes: [] } }],
  'Manage templates': (project) => [M.saveTemplate, { projectId: project, name: `template-${unique()}`, body: { html: '' } }],
  'Configure integrations': (project) => [M.saveIntegration, { projectId: project, name: `int-${unique()}`, config: { url: 'x' } }],
  'Grant project access': (project) => [M.grantProjectAccess, { projectId: project, userId: spare[1]!.id, role: 'PROJECT_VIEWER' }],
  'Manage workspace access': () => [M.createGroup, { workspaceId, name: `group-${unique()}` }],
};

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  const seed = seedFor(server, issuer);
  const others = ROLES.filter((r) => r !== 'org_admin');
  const org = await seed.organization('flowx', { owner: 'org_admin', readers: [...others, 'spare0', 'spare1'] });
  orgId = org.id;
  people = Object.fromEntries(ROLES.map((r) => [r, org.members[r]!])) as Record<Role, Person>;
  spare = [org.members.spare0!, org.members.spare1!];
  const admin = people.org_admin.token;

  workspaceId = (await ok(admin, M.createWorkspace, { organizationId: orgId, slug: 'design', name: 'Design' })).createWorkspace.workspace.id;
  const workspaceRole: Partial<Record<Role, string>> = {
    workspace_admin: 'WORKSPACE_ADMIN',
    workspace_user: 'WORKSPACE_USER',
    theme_editor: 'THEME_EDITOR',
    runtime_editor: 'RUNTIME_EDITOR',
    operations_editor: 'OPERATIONS_EDITOR',
    project_owner: 'WORKSPACE_USER',
    project_editor: 'WORKSPACE_USER',
    project_viewer: 'WORKSPACE_USER',
  };
  for (const [role, wsRole] of Object.entries(workspaceRole)) {
    await ok(admin, M.setWorkspaceRole, { workspaceId, userId: people[role as Role].id, role: wsRole });
  }
  await ok(admin, M.setWorkspaceRole, { workspaceId, userId: spare[1]!.id, role: 'WORKSPACE_USER' });

  const owner = people.project_owner.token;
  const createProject = async (slug: string) =>
    (await ok(owner, M.createProject, { workspaceId, slug, name: slug, everyoneRole: null })).createProject.project.id as string;
  projectId = await createProject('main');
  await ok(owner, M.grantProjectAccess, { projectId, userId: people.project_editor.id, role: 'PROJECT_EDITOR' });
  await ok(owner, M.grantProjectAccess, { projectId, userId: people.project_viewer.id, role: 'PROJECT_VIEWER' });
  grantedProjectId = await createProject('granted');
  for (const role of ['workspace_admin', 'workspace_user', 'theme_editor', 'runtime_editor', 'operations_editor'] as const) {
    await ok(owner, M.grantProjectAccess, { projectId: grantedProjectId, userId: people[role].id, role: 'PROJECT_EDITOR' });
  }
  buildId = (await ok(owner, M.createBuild, { projectId, version: '0.1.0' })).createBuild.build.id;
  await ok(owner, M.saveProcess, { projectId, name: 'onboarding', definition: { nodes: [] } });
  instanceId = (await ok(owner, M.startProcessInstance, { projectId, processName: 'onboarding' })).startProcessInstance.processInstance.id;
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

const rows = parseTable();
const cells = rows.flatMap(({ capability, cells: byRole }) =>
  ROLES.filter((role) => byRole[role] !== 'n/a').map((role) => [capability, role, byRole[role]] as const),
);

describe('the permission matrix', () => {
  it('covers 15 capabilities and every cell that is not N/A', () => {
    expect(rows).toHaveLength(15);
    expect(Object.keys(ACTIONS).sort()).toEqual(rows.map((r) => r.capability).sort());
    expect(cells).toHaveLength(120);
  });

  it.each(cells)('%s as %s: %s', async (capability, role, cell) => {
    const [query, input] = ACTIONS[capability]!(projectId);
    const res = await server.graphql(people[role].token, query, { i: input });
    if (cell === 'allow') {
      expect(res.errors, res.raw).toBeUndefined();
    } else {
      // ✅* without a grant is refused too: workspace roles edit project resources only where granted.
      expect(res.errors?.length, res.raw).toBe(1);
      expect(['FORBIDDEN', 'NOT_FOUND'], res.raw).toContain(res.errors![0]!.extensions?.code);
    }
  });

  const starred = cells.filter(([, , cell]) => cell === 'allow-with-grant');
  it.each(starred)('%s as %s on a project granted to them as PROJECT_EDITOR: allowed', async (capability, role) => {
    const [query, input] = ACTIONS[capability]!(grantedProjectId);
    const res = await server.graphql(people[role].token, query, { i: input });
    expect(res.errors, res.raw).toBeUndefined();
  });
});
