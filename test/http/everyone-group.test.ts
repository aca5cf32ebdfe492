/**
 * The "Everyone from <workspace>" group (all_users_<workspace>): created with
 * the workspace, its members exactly the workspace's, never edited, deleted
 * or duplicated by hand, and pre-selected (PROJECT_VIEWER, or as
 * `everyoneRole` says) on every new project. Over HTTP with real signed tokens.
 */
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../helpers/expect.js';
import { flowxChecks, sorted } from '../helpers/flowx.js';
import { nodes } from '../helpers/ids.js';
import { CREATE_GROUP, CREATE_PROJECT, CREATE_WORKSPACE, GROUP_FIELDS, GROUP_SCALARS, START_PROCESS_INSTANCE } from '../helpers/operations.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { setup, setRole, removeWorkspaceMember, removeOrganizationMember, createGroup, addGroupMember, removeGroupMember, deleteGroup, createProject, grant, saveProcess, workspaceAs, viewerRoles, projectSlugs, projectAs, everyoneAndMembers } = flowxChecks(t);

describe('the everyone group (all_users_<workspace>)', () => {
  it('Created automatically during workspace provisioning: all_users_<workspace slug>, "Everyone from <workspace name>", a system group', async () => {
    const org = await t.seed.organization('every-new', { owner: 'every-new.owner' });
    const created = await t.server.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'product-development', name: 'Product Development' } });
    expectOk(created);
    const expected = { name: 'all_users_product_development', displayName: 'Everyone from Product Development', system: true, role: null };
    expect(nodes(created.data.createWorkspace.workspace.groups)).toEqual([expect.objectContaining(expected)]);
    const read = await t.server.graphql(org.owner.token, `{ organization(slug: "every-new") { workspace(slug: "product-development") { groups(first: 10) { edges { node { ${GROUP_SCALARS} } } } } } }`);
    expectOk(read);
    expect(nodes(read.data.organization.workspace.groups)).toEqual([expect.objectContaining(expected)]);
    // node(id:) finds it too; nobody is in it yet (the organization owner holds no workspace role).
    const id = nodes(read.data.organization.workspace.groups)[0].id;
    const node = await t.server.graphql(org.owner.token, `query($id: ID!) { node(id: $id) { ... on Group { ${GROUP_FIELDS} workspace { slug } } } }`, { id });
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
      expectError(await addGroupMember(actor, ws.everyone.id, bystander!), 'CONFLICT', { what: `${actor.subject} adds a non-member` });
      expectError(await addGroupMember(actor, ws.everyone.id, member!), 'CONFLICT', { what: `${actor.subject} adds a member` });
      expectError(await removeGroupMember(actor, ws.everyone.id, member!), 'CONFLICT', { what: `${actor.subject} removes a member` });
      expectError(await removeGroupMember(actor, ws.everyone.id, admin!), 'CONFLICT', { what: `${actor.subject} removes the admin` });
      expectError(await deleteGroup(actor, ws.everyone.id), 'CONFLICT', { what: `${actor.subject} deletes it` });
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
        expectError(await t.server.graphql(actor.token, CREATE_GROUP, { i: { workspaceId: ws.id, name } }), 'BAD_USER_INPUT', { what: `${actor.subject} ${name}` });
      }
    }
    const res = await workspaceAs(ws.owner, ws, 'groups(first: 50) { edges { node { name system } } }');
    expect(nodes(res.data.organization.workspace.groups)).toEqual([{ name: 'all_users_every_dup_ws', system: true }]);
    // Custom names are unique too.
    await createGroup(ws.p.admin!, ws.id, 'reviewers');
    expectError(await t.server.graphql(ws.p.admin!.token, CREATE_GROUP, { i: { workspaceId: ws.id, name: 'reviewers' } }), 'CONFLICT', { what: 'duplicate name' });
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
      expectOk(await t.server.graphql(viewer.token, START_PROCESS_INSTANCE, { i: { projectId: project.id, processName: 'claims' } }));
      expectError(await saveProcess(viewer, project.id, 'claims'), 'FORBIDDEN', { what: 'viewer edits' });
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
    expectError(await grant(member!, project.id, { userId: member!.id }, 'PROJECT_VIEWER'), 'FORBIDDEN', { what: 'editor grants' });
    // The everyone group can never be made the owner.
    expectError(
      await t.server.graphql(lead!.token, CREATE_PROJECT, { i: { workspaceId: ws.id, slug: 'owned-by-all', name: 'X', everyoneRole: 'PROJECT_OWNER' } }),
      'BAD_USER_INPUT',
      { what: 'everyoneRole PROJECT_OWNER' },
    );
  });
});
