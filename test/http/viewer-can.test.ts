/**
 * `viewerCan` answers what the mutation itself would: for every flag of
 * every type, and a principal of each role of the matrix (and the
 * organization's writers, readers, machine clients and outsiders), the flag
 * is true exactly when the mutation gets past its access check. Each
 * mutation is sent with an input that fails its own checks afterwards
 * (BAD_USER_INPUT and the like), so nothing it would change is written;
 * where no input fails (a delete), it runs on an object of its own.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOk } from '../helpers/expect.js';
import type { Person, SeededMachineClient, SeededWorkspace } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({ RATE_LIMIT: 'off' });

/** The scope object of each type, by global ID; some replaced per check (deleted ones). */
const objects: Record<string, string> = {};
const principals: Record<string, { token: string }> = {};
let owner: Person;
let workspaceId: string;

/** Each mutation: the scope type it names, and an input that passes GraphQL but fails the resolver's own checks. */
const PROBES: Record<string, { type: string; input: (id: string) => Record<string, unknown>; fresh?: true }> = {
  updateOrganization: { type: 'Organization', input: (id) => ({ organizationId: id, name: '' }) },
  addOrganizationMember: { type: 'Organization', input: (id) => ({ organizationId: id, role: 'READER' }) },
  changeOrganizationMemberRole: { type: 'Organization', input: (id) => ({ organizationId: id, userId: 'not-an-id', role: 'READER' }) },
  removeOrganizationMember: { type: 'Organization', input: (id) => ({ organizationId: id, userId: 'not-an-id' }) },
  createMachineClient: { type: 'Organization', input: (id) => ({ organizationId: id, clientId: ' ', name: 'x', role: 'READER' }) },
  revokeMachineClient: { type: 'Organization', input: (id) => ({ organizationId: id, clientId: 'no-such-client' }) },
  createEnvironment: { type: 'Organization', input: (id) => ({ organizationId: id, name: '!bad' }) },
  publishPackage: { type: 'Organization', input: (id) => ({ organizationId: id, name: 'BAD', version: '1', systems: [] }) },
  createWorkspace: { type: 'Organization', input: (id) => ({ organizationId: id, slug: 'BAD', name: 'x' }) },
  pushEnvironmentGeneration: { type: 'Environment', input: (id) => ({ environmentId: id, manifest: 5 }) },
  switchEnvironmentGeneration: { type: 'Environment', input: (id) => ({ environmentId: id, generation: 999 }) },
  updateEnvironmentSettings: { type: 'Environment', input: (id) => ({ environmentId: id }) },
  deleteEnvironment: { type: 'Environment', input: (id) => ({ environmentId: id }), fresh: true },
  setWorkspaceRole: { type: 'Workspace', input: (id) => ({ workspaceId: id, role: 'WORKSPACE_USER' }) },
  removeWorkspaceMember: { type: 'Workspace', input: (id) => ({ workspaceId: id, userId: 'not-an-id' }) },
  createGroup: { type: 'Workspace', input: (id) => ({ workspaceId: id, name: '' }) },
  saveTheme: { type: 'Workspace', input: (id) => ({ workspaceId: id, name: '', tokens: {} }) },
  saveFont: { type: 'Workspace', input: (id) => ({ workspaceId: id, family: '', source: 'x' }) },
  createProject: { type: 'Workspace', input: (id) => ({ workspaceId: id, slug: 'BAD', name: 'x' }) },
  addGroupMember: { type: 'Group', input: (id) => ({ groupId: id, userId: 'not-an-id' }) },
  removeGroupMember: { type: 'Group', input: (id) => ({ groupId: id, userId: 'not-an-id' }) },
  deleteGroup: { type: 'Group', input: (id) => ({ groupId: id }), fresh: true },
  grantProjectAccess: { type: 'Project', input: (id) => ({ projectId: id, role: 'PROJECT_OWNER' }) },
  revokeProjectAccess: { type: 'Project', input: (id) => ({ projectId: id }) },
  transferProjectOwnership: { type: 'Project', input: (id) => ({ projectId: id, newOwnerUserId: 'not-an-id' }) },
  createBuild: { type: 'Project', input: (id) => ({ projectId: id, version: '!' }) },
  setActivePolicy: { type: 'Project', input: (id) => ({ projectId: id, buildId: 'not-an-id' }) },
  setConfigParameter: { type: 'Project', input: (id) => ({ projectId: id, key: '1', value: 'x' }) },
  startProcessInstance: { type: 'Project', input: (id) => ({ projectId: id, processName: 'no-such-process' }) },
  saveProcess: { type: 'Project', input: (id) => ({ projectId: id, name: '!', definition: {} }) },
  saveTemplate: { type: 'Project', input: (id) => ({ projectId: id, name: '!', body: {} }) },
  saveIntegration: { type: 'Project', input: (id) => ({ projectId: id, name: '!', config: {} }) },
  createOperation: { type: 'ProcessInstance', input: (id) => ({ processInstanceId: id, kind: 'MIGRATION' }) },
  setProcessVariable: { type: 'ProcessInstance', input: (id) => ({ processInstanceId: id, name: '1', value: 1 }) },
  deleteProject: { type: 'Project', input: (id) => ({ projectId: id }), fresh: true },
  saveWorkflow: { type: 'Project', input: (id) => ({ projectId: id, name: '!', definition: {} }) },
  saveEnumeration: { type: 'Project', input: (id) => ({ projectId: id, name: '!', values: {} }) },
  saveProjectMedia: { type: 'Project', input: (id) => ({ projectId: id, name: '!', source: 'x', contentType: 'x' }) },
  saveAiAgent: { type: 'Project', input: (id) => ({ projectId: id, name: '!', config: {} }) },
  saveReusableResource: { type: 'Project', input: (id) => ({ projectId: id, name: '!', body: {} }) },
  saveProjectSetting: { type: 'Project', input: (id) => ({ projectId: id, key: '1', value: 1 }) },
  saveScheduledProcess: { type: 'Project', input: (id) => ({ projectId: id, name: '!', processName: 'main', schedule: 'x' }) },
  // Switching it on again changes nothing that matters to the other checks.
  setScheduledProcessActive: { type: 'ScheduledProcess', input: (id) => ({ scheduledProcessId: id, active: true }) },
  deleteScheduledProcess: { type: 'ScheduledProcess', input: (id) => ({ scheduledProcessId: id }), fresh: true },
  addGroupMembers: { type: 'Group', input: (id) => ({ groupId: id, userIds: [] }) },
  saveWorkspaceMedia: { type: 'Workspace', input: (id) => ({ workspaceId: id, name: '', source: 'x', contentType: 'x' }) },
  setDefaultTheme: { type: 'Workspace', input: (id) => ({ workspaceId: id, themeName: 'no-such-theme' }) },
  saveThemeSection: { type: 'Workspace', input: (id) => ({ workspaceId: id, themeName: 'x', section: '', tokens: {} }) },
  updateWorkspace: { type: 'Workspace', input: (id) => ({ workspaceId: id }) },
  createLibrary: { type: 'Workspace', input: (id) => ({ workspaceId: id, slug: 'BAD', name: 'x' }) },
  publishLibraryVersion: { type: 'Library', input: (id) => ({ libraryId: id, version: '!' }) },
  saveGlobalFont: { type: 'Organization', input: (id) => ({ organizationId: id, family: '', source: 'x' }) },
  deleteConfigParameter: { type: 'Project', input: (id) => ({ projectId: id, key: 'no-such-key' }) },
  deleteTheme: { type: 'Workspace', input: (id) => ({ workspaceId: id, name: 'no-such-theme' }) },
  saveOutOfOfficePolicy: { type: 'Organization', input: (id) => ({ organizationId: id, name: '', rules: {} }) },
};

/** A type whose IDs the scope arguments of another take (`@actsAs`): its viewerCan answers for that type's mutations too. */
const ACTS_AS: Record<string, string> = { Library: 'Project' };
/** The mutations whose flags a type's viewerCan carries: those naming it, then those of the type it acts as. */
const mutationsOn = (type: string) => Object.keys(PROBES).filter((m) => PROBES[m]!.type === type || PROBES[m]!.type === ACTS_AS[type]);
const scopeTypes = () => [...new Set([...Object.values(PROBES).map((p) => p.type), ...Object.keys(ACTS_AS)])];

/** A fresh object of a type whose probe deletes it, placed as the shared one is (the same roles on it). */
const FRESH: Record<string, () => Promise<string>> = {
  Environment: () => newEnvironment(),
  Group: () => newGroup(),
  Project: async () => (await seeded.ws.project(`can-${Math.random().toString(36).slice(2, 8)}`, { owner: 'cpo', editors: ['cpe'], viewers: ['cpv'], everyoneRole: null })).id,
  ScheduledProcess: () => newSchedule(),
  Library: () => newLibrary(),
};
let seeded: { ws: SeededWorkspace };

const inputType = (mutation: string) => `${mutation.charAt(0).toUpperCase()}${mutation.slice(1)}Input`;

beforeAll(async () => {
  const org = await t.seed.organization('can-org', { owner: 'cai', writers: ['cwen'], readers: ['cora'] });
  owner = org.owner;
  const ws = await org.workspace('can-ws', {
    // Project roles are held by workspace members (WORKSPACE_USER), as the matrix's columns are.
    roles: { cwa: 'WORKSPACE_ADMIN', cwu: 'WORKSPACE_USER', cte: 'THEME_EDITOR', cre: 'RUNTIME_EDITOR', coe: 'OPERATIONS_EDITOR', cpo: 'WORKSPACE_USER', cpe: 'WORKSPACE_USER', cpv: 'WORKSPACE_USER' },
  });
  workspaceId = ws.id;
  const group = await ws.group('can-devs', []);
  const project = await ws.project('can-project', { owner: 'cpo', editors: ['cpe'], viewers: ['cpv'], everyoneRole: null });
  const machine: SeededMachineClient = await org.machineClient('can-ci', 'WRITER');
  const outsider = await t.seed.person('cout');
  const roles = ['cai', 'cwen', 'cora', 'cwa', 'cwu', 'cte', 'cre', 'coe', 'cpo', 'cpe', 'cpv'];
  for (const name of roles) principals[name] = await t.seed.person(name);
  principals.machine = machine;
  principals.outsider = outsider;
  objects.Organization = org.id;
  objects.Workspace = ws.id;
  objects.Group = group.id;
  objects.Project = project.id;
  objects.Environment = await newEnvironment();
  const process = await t.seed.mutate(project.owner.token, 'mutation($i: SaveProcessInput!) { saveProcess(input: $i) { process { name } } }', {
    projectId: project.id,
    name: 'main',
    definition: {},
  });
  expect(process.process.name).toBe('main');
  const started = await t.seed.mutate(
    project.owner.token,
    'mutation($i: StartProcessInstanceInput!) { startProcessInstance(input: $i) { processInstance { id } } }',
    { projectId: project.id, processName: 'main' },
  );
  objects.ProcessInstance = started.processInstance.id;
  seeded = { ws };
  objects.Library = await newLibrary();
  objects.ScheduledProcess = await newSchedule();
});

/** A library owned by cpo, with cpe its editor and cpv its viewer, as the shared project. */
async function newLibrary(): Promise<string> {
  const library = await t.seed.mutate(principals.cpo!.token, 'mutation($i: CreateLibraryInput!) { createLibrary(input: $i) { library { id } } }', {
    workspaceId,
    slug: `can-library-${Math.random().toString(36).slice(2, 8)}`,
    name: 'Library',
    everyoneRole: null,
  });
  for (const [who, role] of [['cpe', 'PROJECT_EDITOR'], ['cpv', 'PROJECT_VIEWER']] as const) {
    await t.seed.mutate(principals.cpo!.token, 'mutation($i: GrantProjectAccessInput!) { grantProjectAccess(input: $i) { project { id } } }', {
      projectId: library.library.id,
      userId: (principals[who] as Person).id,
      role,
    });
  }
  return library.library.id;
}

async function newSchedule(): Promise<string> {
  const created = await t.seed.mutate(
    owner.token,
    'mutation($i: SaveScheduledProcessInput!) { saveScheduledProcess(input: $i) { scheduledProcess { id } } }',
    { projectId: objects.Project, name: `s-${Math.random().toString(36).slice(2, 8)}`, processName: 'main', schedule: '0 * * * *' },
  );
  return created.scheduledProcess.id;
}

async function newEnvironment(): Promise<string> {
  const created = await t.seed.mutate(owner.token, 'mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { environment { id } } }', {
    organizationId: objects.Organization,
    name: `env-${Math.random().toString(36).slice(2, 8)}`,
  });
  return created.environment.id;
}

async function newGroup(): Promise<string> {
  const created = await t.seed.mutate(owner.token, 'mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }', {
    workspaceId,
    name: `group-${Math.random().toString(36).slice(2, 8)}`,
  });
  return created.group.id;
}

/** The flags a principal reads on the object with this id, or null when it cannot see the object. */
async function flagsOf(token: string, type: string, id: string, mutations: string[]): Promise<Record<string, boolean> | null> {
  const res = await t.server.graphql(token, `query($id: ID!) { node(id: $id) { ... on ${type} { viewerCan { ${mutations.join(' ')} } } } }`, { id });
  return expectOk<any>(res).node?.viewerCan ?? null;
}

/** Whether the mutation got past its access check: anything but FORBIDDEN, or the NOT_FOUND of its scope (named by the type it takes). */
async function passesAccessCheck(token: string, mutation: string, id: string): Promise<boolean> {
  const type = PROBES[mutation]!.type;
  const res = await t.server.graphql(token, `mutation($i: ${inputType(mutation)}!) { ${mutation}(input: $i) { __typename } }`, { i: PROBES[mutation]!.input(id) });
  const error = res.errors?.[0];
  // The probe reached the resolver: a document or variables the server refused (400) would prove nothing.
  expect(res.status, `${mutation}: ${res.raw}`).toBe(200);
  expect(error?.extensions?.code, `${mutation}: ${res.raw}`).not.toBe('INTERNAL_SERVER_ERROR');
  return !(error?.extensions?.code === 'FORBIDDEN' || (error?.extensions?.code === 'NOT_FOUND' && error.message === `${type} not found`));
}

describe('viewerCan', () => {
  it('covers every mutation that names a scope, and nothing else', async () => {
    const res = await t.server.graphql(owner.token, '{ __schema { types { name fields { name } } } }');
    const flags: { name: string; fields: { name: string }[] }[] = expectOk<any>(res).__schema.types.filter((x: { name: string }) => x.name.endsWith('ViewerCan'));
    const byType = Object.fromEntries(flags.map((x) => [x.name.replace(/ViewerCan$/, ''), x.fields.map((f) => f.name).sort()]));
    expect(byType).toEqual(Object.fromEntries(scopeTypes().map((type) => [type, mutationsOn(type).sort()])));
  });

  it.each(['cai', 'cwen', 'cora', 'cwa', 'cwu', 'cte', 'cre', 'coe', 'cpo', 'cpe', 'cpv', 'machine', 'outsider'])(
    'agrees with every mutation for %s',
    async (who) => {
      const { token } = principals[who]!;
      for (const type of scopeTypes()) {
        const mutations = mutationsOn(type);
        for (const mutation of mutations) {
          const id = PROBES[mutation]!.fresh ? await FRESH[type]!() : objects[type]!;
          const flags = await flagsOf(token, type, id, mutations);
          const passed = await passesAccessCheck(token, mutation, id);
          expect(flags?.[mutation] ?? false, `${who}: ${type}.viewerCan.${mutation} says ${flags?.[mutation]}, the mutation ${passed ? 'passed' : 'was refused'}`).toBe(passed);
        }
      }
    },
  );

  it('costs no statement of its own on a list', async () => {
    const token = principals.cwa!.token;
    const list = (extra: string) => `query($id: ID!) { node(id: $id) { ... on Workspace { projects { edges { node { name ${extra} } } } } } }`;
    const statements = async (query: string) => {
      await t.server.graphql(token, '{ viewer { kind } }');
      const before = await t.server.metric('orgraph_db_statements_total');
      expectOk(await t.server.graphql(token, `${query}\n# ${Math.random()}`, { id: workspaceId }));
      return (await t.server.metric('orgraph_db_statements_total')) - before;
    };
    // Two more projects, so the list has several.
    for (const slug of ['can-two', 'can-three']) {
      await t.seed.mutate(principals.cwa!.token, 'mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }', { workspaceId, slug, name: slug });
    }
    const plain = await statements(list(''));
    const asked = await statements(list('viewerCan { saveProcess createBuild grantProjectAccess transferProjectOwnership }'));
    expect(asked).toBe(plain);
    const rows = (await t.server.orgraph.database.db.execute(sql`select count(*)::int as n from projects`)) as { rows: { n: number }[] };
    expect(rows.rows[0]!.n).toBeGreaterThanOrEqual(3);
  });
});
