/**
 * FlowX groups: a workspace role or a project grant given to a group reaches
 * its members and leaves with them, a user's rights are the union of their
 * own and their groups', deleting a group takes its rights away, and only
 * workspace admins manage groups of workspace members. Over HTTP with real
 * signed tokens.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../helpers/expect.js';
import { flowxChecks } from '../helpers/flowx.js';
import { nodes, uuidOf } from '../helpers/ids.js';
import { CREATE_GROUP } from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { setup, setRole, createGroup, addGroupMember, removeGroupMember, deleteGroup, saveTheme, createProject, grant, saveProcess, createBuild, viewerRoles, projectSlugs, projectAs, grantsOf } = flowxChecks(t);

describe('groups', () => {
  it('Assign workspace-level roles to groups: a group with THEME_EDITOR lets its members edit themes, and the right leaves with them', async () => {
    const ws = await setup('grp-role', { admin: 'WORKSPACE_ADMIN', designer: 'WORKSPACE_USER' });
    const [admin, designer] = [ws.p.admin!, ws.p.designer!];
    expectError(await saveTheme(designer, ws.id), 'FORBIDDEN', { what: 'before any group' });

    const group = await createGroup(admin, ws.id, 'designers', 'Brand and UI');
    expect(group).toMatchObject({ name: 'designers', displayName: 'designers', description: 'Brand and UI', system: false, role: null });
    expectOk(await setRole(admin, ws.id, { groupId: group.id }, 'THEME_EDITOR'));
    expectError(await saveTheme(designer, ws.id), 'FORBIDDEN', { what: 'not yet in the group' });

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
    expectError(await saveTheme(designer, ws.id, 'After'), 'FORBIDDEN', { what: 'after leaving the group' });
    // Removing someone who is not in the group: NOT_FOUND.
    expectError(await removeGroupMember(admin, group.id, designer), 'NOT_FOUND', { what: 'second removal' });
  });

  it('Use groups when granting project access: a PROJECT_EDITOR grant to a group reaches its members, and leaves with them', async () => {
    const ws = await setup('grp-grant', { admin: 'WORKSPACE_ADMIN', lead: 'WORKSPACE_USER', dev: 'WORKSPACE_USER' });
    const [admin, lead, dev] = [ws.p.admin!, ws.p.lead!, ws.p.dev!];
    const project = await createProject(lead, ws.id, 'alpha', null);
    const team = await createGroup(admin, ws.id, 'alpha-team');
    expectOk(await addGroupMember(admin, team.id, dev));
    expect(await projectSlugs(dev, ws)).toEqual([]);
    expectError(await saveProcess(dev, project.id), 'NOT_FOUND', { what: 'before the grant' });

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
    expectError(await saveProcess(dev, project.id, 'later'), 'NOT_FOUND', { what: 'after leaving the group' });
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
    expectError(await saveProcess(ops, project.id), 'FORBIDDEN', { what: 'viewer only' });
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
    expectError(await saveTheme(dev, ws.id, 'After'), 'FORBIDDEN', { what: 'theme after delete' });
    expect((await projectAs(dev, ws, project)).bySlug).toBeNull();
    expectError(await saveProcess(dev, project.id, 'after'), 'NOT_FOUND', { what: 'process after delete' });
    const { grants } = await grantsOf(lead, ws, project);
    expect(grants).toEqual([{ role: 'PROJECT_OWNER', user: { id: lead.id, subject: lead.subject }, group: null }]);
    // Nothing of the group is left behind in the database either.
    const groupId = uuidOf(team.id);
    const left = (await t.server.orgraph.database.db.execute(sql`
      select (select count(*) from workspace_roles where group_id = ${groupId})::int as roles,
             (select count(*) from project_grants where group_id = ${groupId})::int as grants,
             (select count(*) from group_members where group_id = ${groupId})::int as members`)) as unknown as { rows: unknown[] };
    expect(left.rows).toEqual([{ roles: 0, grants: 0, members: 0 }]);
    // The group reads as absent everywhere.
    const node = await t.server.graphql(admin.token, 'query($id: ID!) { node(id: $id) { id } }', { id: team.id });
    expect(node.data).toEqual({ node: null });
    expectError(await addGroupMember(admin, team.id, lead), 'NOT_FOUND', { what: 'add to a deleted group' });
  });

  it('only workspace members can be added to a group (BAD_USER_INPUT), and only workspace admins manage groups (FORBIDDEN)', async () => {
    const ws = await setup('grp-members', { admin: 'WORKSPACE_ADMIN', user: 'WORKSPACE_USER', bystander: null });
    const outsider = await t.seed.person('grp-members.outsider');
    const group = await createGroup(ws.p.admin!, ws.id, 'crew');
    for (const target of [ws.p.bystander!, outsider]) {
      expectError(await addGroupMember(ws.p.admin!, group.id, target), 'BAD_USER_INPUT', { what: target.subject });
      expectError(await addGroupMember(ws.owner, group.id, target), 'BAD_USER_INPUT', { what: target.subject });
    }
    expectError(await addGroupMember(ws.p.user!, group.id, ws.p.user!), 'FORBIDDEN', { what: 'workspace user adds self' });
    expectError(await t.server.graphql(ws.p.user!.token, CREATE_GROUP, { i: { workspaceId: ws.id, name: 'mine' } }), 'FORBIDDEN', { what: 'workspace user creates a group' });
    expectError(await deleteGroup(ws.p.user!, group.id), 'FORBIDDEN', { what: 'workspace user deletes a group' });
    const res = await t.server.graphql(ws.owner.token, 'query($id: ID!) { node(id: $id) { ... on Group { name members(first: 50) { edges { node { subject } } } } } }', { id: group.id });
    expectOk(res);
    expect(res.data.node).toEqual({ name: 'crew', members: { edges: [] } });
    // A workspace member joins fine; twice is a CONFLICT.
    expectOk(await addGroupMember(ws.p.admin!, group.id, ws.p.user!));
    expectError(await addGroupMember(ws.p.admin!, group.id, ws.p.user!), 'CONFLICT', { what: 'twice' });
  });
});
