/**
 * What the role cards' capabilities do, beyond who may: deleting a project
 * (its audit events stay), its export, libraries and their versions, builds
 * from a library version, scheduled processes, workspace design resources,
 * bulk group membership (all or nothing), and the platform's status.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOk, expectPayload, expectRefusal } from '../helpers/expect.js';
import { flowxChecks, type FlowxWorkspace } from '../helpers/flowx.js';
import { nodes } from '../helpers/ids.js';
import {
  ADD_GROUP_MEMBERS,
  CREATE_BUILD,
  CREATE_BUILD_FROM_LIBRARY,
  CREATE_LIBRARY,
  DELETE_PROJECT,
  PUBLISH_LIBRARY_VERSION,
  SAVE_REUSABLE_RESOURCE,
  SAVE_SCHEDULED_PROCESS,
  SAVE_THEME,
  SAVE_THEME_SECTION,
  SAVE_WORKFLOW,
  SET_DEFAULT_THEME,
  SET_SCHEDULED_PROCESS_ACTIVE,
  START_PROCESS_INSTANCE,
  UPDATE_WORKSPACE,
} from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const flowx = flowxChecks(t);
let ws: FlowxWorkspace;
let other: FlowxWorkspace;

beforeAll(async () => {
  ws = await flowx.setup('life', { admin: 'WORKSPACE_ADMIN', dev: 'WORKSPACE_USER', ops: 'RUNTIME_EDITOR', amy: 'WORKSPACE_USER', bo: 'WORKSPACE_USER', stranger: null });
  other = await flowx.setup('elsewhere', { dev: 'WORKSPACE_USER' });
}, 120_000);

const read = (token: string, id: string, selection: string) => t.server.graphql(token, `query($id: ID!) { node(id: $id) { ${selection} } }`, { id });

describe('deleteProject', () => {
  it('removes the project with its grants and resources, keeps its audit events, and frees its slug', async () => {
    const project = await flowx.createProject(ws.p.dev!, ws.id, 'doomed');
    expectOk(await flowx.saveProcess(ws.p.dev!, project.id));
    const deleted = expectPayload(await t.server.graphql(ws.p.dev!.token, DELETE_PROJECT, { i: { projectId: project.id } }));
    expect(deleted).toEqual({ deletedProjectId: project.id, workspace: { id: ws.id } });
    expect(expectOk(await read(ws.owner.token, project.id, '... on Project { id }')).node).toBeNull();
    const log = expectOk(await t.server.graphql(ws.owner.token, 'query($s: String!) { organization(slug: $s) { auditLog(first: 100) { edges { node { operation targetId } } } } }', { s: ws.org.slug }));
    const about = nodes(log.organization.auditLog).filter((e: any) => e.targetId === project.id).map((e: any) => e.operation);
    expect(about).toEqual(expect.arrayContaining(['createProject', 'deleteProject']));
    await flowx.createProject(ws.p.dev!, ws.id, 'doomed');
  });

  it('refuses a library whose versions builds were made from, changing nothing', async () => {
    const library = expectPayload(await t.server.graphql(ws.p.dev!.token, CREATE_LIBRARY, { i: { workspaceId: ws.id, slug: 'kept', name: 'Kept' } })).library;
    const version = expectPayload(await t.server.graphql(ws.p.dev!.token, PUBLISH_LIBRARY_VERSION, { i: { libraryId: library.id, version: '1.0.0' } })).libraryVersion;
    const project = await flowx.createProject(ws.p.dev!, ws.id, 'uses-kept');
    expectOk(await t.server.graphql(ws.p.dev!.token, CREATE_BUILD_FROM_LIBRARY, { i: { projectId: project.id, version: '1.0.0', libraryVersionId: version.id } }));
    await expectRefusal(t.server, ws.p.dev!.token, DELETE_PROJECT, { projectId: library.id }, 'CONFLICT');
  });
});

describe('Project.export', () => {
  it('holds every configuration resource by kind, and no runtime data', async () => {
    const project = await flowx.createProject(ws.p.dev!, ws.id, 'exported');
    expectOk(await flowx.saveProcess(ws.p.dev!, project.id, 'intake'));
    expectOk(await t.server.graphql(ws.p.dev!.token, SAVE_WORKFLOW, { i: { projectId: project.id, name: 'review', definition: { steps: ['a'] } } }));
    expectOk(await flowx.createBuild(ws.p.dev!, project.id, '1.0.0'));
    const exported = expectOk(await read(ws.p.amy!.token, project.id, '... on Project { export }')).node.export;
    expect(exported.project).toEqual({ slug: 'exported', name: 'Project exported', kind: 'PROJECT' });
    expect(exported.resources.processes).toEqual([{ name: 'intake', definition: { nodes: ['start', 'end'] } }]);
    expect(exported.resources.workflows).toEqual([{ name: 'review', definition: { steps: ['a'] } }]);
    expect(Object.keys(exported.resources).sort()).toEqual(['aiAgents', 'enumerations', 'integrations', 'media', 'processes', 'reusableResources', 'settings', 'templates', 'workflows']);
    expect(JSON.stringify(exported)).not.toContain('1.0.0');
  });
});

describe('libraries', () => {
  it('are created with the everyone group pre-selected, listed apart from projects, and published by version', async () => {
    const library = expectPayload(await t.server.graphql(ws.p.dev!.token, CREATE_LIBRARY, { i: { workspaceId: ws.id, slug: 'forms', name: 'Forms' } })).library;
    expect(library.viewerRole).toBe('PROJECT_OWNER');
    expect(library.grants).toContainEqual(expect.objectContaining({ role: 'PROJECT_VIEWER', group: expect.objectContaining({ system: true }) }));
    expect(await flowx.projectSlugs(ws.p.dev!, ws)).not.toContain('forms');
    const listed = expectOk(await flowx.workspaceAs(ws.p.amy!, ws, 'libraries(first: 20) { edges { node { slug } } } library(slug: "forms") { id }'));
    expect(nodes(listed.organization.workspace.libraries).map((l: any) => l.slug)).toContain('forms');
    expect(listed.organization.workspace.library.id).toBe(library.id);

    expectOk(await t.server.graphql(ws.p.dev!.token, SAVE_REUSABLE_RESOURCE, { i: { projectId: library.id, name: 'address', body: { fields: ['street'] } } }));
    const v1 = expectPayload(await t.server.graphql(ws.p.dev!.token, PUBLISH_LIBRARY_VERSION, { i: { libraryId: library.id, version: '1.0.0', description: 'first' } })).libraryVersion;
    expect(v1).toMatchObject({ version: '1.0.0', description: 'first', library: { id: library.id }, resources: { reusableResources: [{ name: 'address', body: { fields: ['street'] } }] } });
    await expectRefusal(t.server, ws.p.dev!.token, PUBLISH_LIBRARY_VERSION, { libraryId: library.id, version: '1.0.0' }, 'CONFLICT');
    // A library holds reusable resources only, and has no runtime.
    await expectRefusal(t.server, ws.p.dev!.token, SAVE_WORKFLOW, { projectId: library.id, name: 'w', definition: {} }, 'BAD_USER_INPUT', { field: 'projectId' });
    await expectRefusal(t.server, ws.p.dev!.token, CREATE_BUILD, { projectId: library.id, version: '1.0.0' }, 'BAD_USER_INPUT', { field: 'projectId' });

    const project = await flowx.createProject(ws.p.dev!, ws.id, 'uses-forms');
    const build = expectPayload(await t.server.graphql(ws.p.ops!.token, CREATE_BUILD_FROM_LIBRARY, { i: { projectId: project.id, version: '2.0.0', libraryVersionId: v1.id } })).build;
    expect(build.libraryVersion).toEqual({ id: v1.id, version: '1.0.0' });
  });

  it('give builds only versions of the same workspace that the caller sees', async () => {
    const foreign = expectPayload(await t.server.graphql(other.p.dev!.token, CREATE_LIBRARY, { i: { workspaceId: other.id, slug: 'theirs', name: 'Theirs' } })).library;
    const theirs = expectPayload(await t.server.graphql(other.p.dev!.token, PUBLISH_LIBRARY_VERSION, { i: { libraryId: foreign.id, version: '1.0.0' } })).libraryVersion;
    const project = await flowx.createProject(ws.p.dev!, ws.id, 'no-foreign');
    await expectRefusal(t.server, ws.p.dev!.token, CREATE_BUILD_FROM_LIBRARY, { projectId: project.id, version: '1.0.0', libraryVersionId: theirs.id }, 'NOT_FOUND');
    const hidden = expectPayload(await t.server.graphql(ws.p.bo!.token, CREATE_LIBRARY, { i: { workspaceId: ws.id, slug: 'private', name: 'Private', everyoneRole: null } })).library;
    const secret = expectPayload(await t.server.graphql(ws.p.bo!.token, PUBLISH_LIBRARY_VERSION, { i: { libraryId: hidden.id, version: '1.0.0' } })).libraryVersion;
    await expectRefusal(t.server, ws.p.dev!.token, CREATE_BUILD_FROM_LIBRARY, { projectId: project.id, version: '1.0.0', libraryVersionId: secret.id }, 'NOT_FOUND');
  });
});

describe('scheduled processes and process instances', () => {
  it('name a process of the project and a cron schedule, start inactive, and carry their organization', async () => {
    const project = await flowx.createProject(ws.p.dev!, ws.id, 'scheduled');
    expectOk(await flowx.saveProcess(ws.p.dev!, project.id, 'nightly'));
    const i = { projectId: project.id, name: 'every-night', processName: 'nightly', schedule: '0  2 * * *' };
    await expectRefusal(t.server, ws.p.ops!.token, SAVE_SCHEDULED_PROCESS, { ...i, schedule: 'at two' }, 'BAD_USER_INPUT', { field: 'schedule' });
    await expectRefusal(t.server, ws.p.ops!.token, SAVE_SCHEDULED_PROCESS, { ...i, processName: 'missing' }, 'NOT_FOUND');
    const saved = expectPayload(await t.server.graphql(ws.p.ops!.token, SAVE_SCHEDULED_PROCESS, { i })).scheduledProcess;
    expect(saved).toMatchObject({ name: 'every-night', schedule: '0 2 * * *', active: false });
    expect(expectPayload(await t.server.graphql(ws.p.ops!.token, SET_SCHEDULED_PROCESS_ACTIVE, { i: { scheduledProcessId: saved.id, active: true } })).scheduledProcess.active).toBe(true);
    const started = expectPayload(await t.server.graphql(ws.p.dev!.token, START_PROCESS_INSTANCE, { i: { projectId: project.id, processName: 'nightly' } })).processInstance;
    const seen = expectOk(await read(ws.p.dev!.token, project.id, '... on Project { scheduledProcesses { active organization { id } } processInstances(first: 5) { edges { node { id organization { id } } } } }')).node;
    expect(seen.scheduledProcesses).toEqual([{ active: true, organization: { id: ws.org.id } }]);
    expect(nodes(seen.processInstances)).toEqual([{ id: started.id, organization: { id: ws.org.id } }]);
  });
});

describe('workspace design and settings', () => {
  it('keeps theme sections when the theme is saved again, and sets an existing theme as default', async () => {
    expectOk(await t.server.graphql(ws.p.admin!.token, SAVE_THEME, { i: { workspaceId: ws.id, name: 'Dark', tokens: { bg: '#000' } } }));
    expectOk(await t.server.graphql(ws.p.admin!.token, SAVE_THEME_SECTION, { i: { workspaceId: ws.id, themeName: 'Dark', section: 'typography', tokens: { size: 14 } } }));
    const saved = expectPayload(await t.server.graphql(ws.p.admin!.token, SAVE_THEME, { i: { workspaceId: ws.id, name: 'Dark', tokens: { bg: '#111' } } })).theme;
    expect(saved).toEqual({ name: 'Dark', tokens: { bg: '#111' } });
    await expectRefusal(t.server, ws.p.admin!.token, SET_DEFAULT_THEME, { workspaceId: ws.id, themeName: 'Nope' }, 'NOT_FOUND');
    await expectRefusal(t.server, ws.p.admin!.token, SAVE_THEME_SECTION, { workspaceId: ws.id, themeName: 'Nope', section: 's', tokens: {} }, 'NOT_FOUND');
    expectOk(await t.server.graphql(ws.p.admin!.token, SET_DEFAULT_THEME, { i: { workspaceId: ws.id, themeName: 'Dark' } }));
    const read = expectOk(await flowx.workspaceAs(ws.p.dev!, ws, 'defaultTheme { name tokens sections { name tokens } }'));
    expect(read.organization.workspace.defaultTheme).toEqual({ name: 'Dark', tokens: { bg: '#111' }, sections: [{ name: 'typography', tokens: { size: 14 } }] });
  });

  it('updates the name or settings, and refuses an update of nothing', async () => {
    await expectRefusal(t.server, ws.p.admin!.token, UPDATE_WORKSPACE, { workspaceId: ws.id }, 'BAD_USER_INPUT');
    await expectRefusal(t.server, ws.p.admin!.token, UPDATE_WORKSPACE, { workspaceId: ws.id, settings: [1] }, 'BAD_USER_INPUT', { field: 'settings' });
    expectOk(await t.server.graphql(ws.p.admin!.token, UPDATE_WORKSPACE, { i: { workspaceId: ws.id, settings: { locale: 'ro' } } }));
    expect(expectOk(await flowx.workspaceAs(ws.p.dev!, ws, 'settings')).organization.workspace.settings).toEqual({ locale: 'ro' });
  });
});

describe('addGroupMembers', () => {
  it('adds every user or none', async () => {
    const group = await flowx.createGroup(ws.p.admin!, ws.id, 'reviewers');
    const add = (userIds: string[]) => ({ groupId: group.id, userIds });
    await expectRefusal(t.server, ws.p.admin!.token, ADD_GROUP_MEMBERS, add([ws.p.amy!.id, ws.p.stranger!.id]), 'BAD_USER_INPUT', { field: 'userIds' });
    await expectRefusal(t.server, ws.p.admin!.token, ADD_GROUP_MEMBERS, add([ws.p.amy!.id, ws.p.amy!.id]), 'BAD_USER_INPUT', { field: 'userIds' });
    await expectRefusal(t.server, ws.p.admin!.token, ADD_GROUP_MEMBERS, add([]), 'BAD_USER_INPUT', { field: 'userIds' });
    const added = expectPayload(await t.server.graphql(ws.p.admin!.token, ADD_GROUP_MEMBERS, { i: add([ws.p.amy!.id, ws.p.bo!.id]) })).group;
    expect(nodes(added.members).map((u: any) => u.subject).sort()).toEqual(['auth0|life.amy', 'auth0|life.bo']);
    await expectRefusal(t.server, ws.p.admin!.token, ADD_GROUP_MEMBERS, add([ws.p.dev!.id, ws.p.bo!.id]), 'CONFLICT');
    await expectRefusal(t.server, ws.p.admin!.token, ADD_GROUP_MEMBERS, { groupId: ws.everyone.id, userIds: [ws.p.dev!.id] }, 'CONFLICT');
  });
});

describe('Organization.platformStatus', () => {
  it("reports the database, the change feed and the migrations to the organization's owners", async () => {
    const res = await t.server.graphql(ws.owner.token, 'query($id: ID!) { node(id: $id) { ... on Organization { platformStatus { database { ok latencyMs } changeFeed { alive } migrations { applied known upToDate } } } } }', { id: ws.org.id });
    const status = expectOk(res).node.platformStatus;
    expect(status.database.ok).toBe(true);
    expect(status.database.latencyMs).toBeGreaterThanOrEqual(0);
    expect(status.changeFeed.alive).toBe(true);
    expect(status.migrations.applied).toBe(status.migrations.known);
    expect(status.migrations.upToDate).toBe(true);
  });
});
