/**
 * FlowX project ownership: the creator is the one PROJECT_OWNER, ownership is
 * never granted, revoked or demoted by hand, only transferred to a workspace
 * member (the old owner staying as PROJECT_EDITOR), and a project owner
 * cannot leave the workspace or the organization before transferring. Over
 * HTTP with real signed tokens.
 */
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../helpers/expect.js';
import { flowxChecks } from '../helpers/flowx.js';
import { CREATE_PROJECT } from '../helpers/operations.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { setup, setRole, removeWorkspaceMember, removeOrganizationMember, createProject, grant, revoke, transfer, saveProcess, projectAs, everyoneAndMembers, grantsOf } = flowxChecks(t);

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
    expectError(await t.server.graphql(other!.token, CREATE_PROJECT, { i: { workspaceId: ws.id, slug: 'mine', name: 'Again' } }), 'CONFLICT', { what: 'duplicate slug' });
  });

  it('Cannot be manually assigned: granting PROJECT_OWNER is BAD_USER_INPUT; the owner cannot be revoked or demoted (CONFLICT)', async () => {
    const ws = await setup('own-fixed', { admin: 'WORKSPACE_ADMIN', lead: 'WORKSPACE_USER', dev: 'WORKSPACE_USER' });
    const { admin, lead, dev } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'fixed', null);
    for (const actor of [lead!, admin!, ws.owner]) {
      expectError(await grant(actor, project.id, { userId: dev!.id }, 'PROJECT_OWNER'), 'BAD_USER_INPUT', { what: `${actor.subject} grants PROJECT_OWNER` });
      expectError(await grant(actor, project.id, { groupId: ws.everyone.id }, 'PROJECT_OWNER'), 'BAD_USER_INPUT', { what: `${actor.subject} grants PROJECT_OWNER to a group` });
    }
    for (const actor of [admin!, ws.owner]) {
      expectError(await revoke(actor, project.id, { userId: lead!.id }), 'CONFLICT', { what: `${actor.subject} revokes the owner` });
      expectError(await grant(actor, project.id, { userId: lead!.id }, 'PROJECT_VIEWER'), 'CONFLICT', { what: `${actor.subject} demotes the owner` });
    }
    expectError(await revoke(lead!, project.id, { userId: lead!.id }), 'CONFLICT', { what: 'owner revokes self' });
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
    expectError(await grant(old!, project.id, { userId: dev!.id }, 'PROJECT_VIEWER'), 'FORBIDDEN', { what: 'old owner grants' });
    expectError(await revoke(old!, project.id, { userId: heir!.id }), 'FORBIDDEN', { what: 'old owner revokes' });
    expectError(await transfer(old!, project.id, dev!), 'FORBIDDEN', { what: 'old owner transfers again' });
    expectOk(await saveProcess(old!, project.id), 'old owner edits');
    // The new owner has them.
    expectOk(await grant(heir!, project.id, { userId: dev!.id }, 'PROJECT_VIEWER'));
    expectOk(await transfer(heir!, project.id, dev!));
    const last = await grantsOf(ws.owner, ws, project);
    expect(last.owner).toEqual({ id: dev!.id });
    expect(last.grants.filter((g) => g.role === 'PROJECT_OWNER').map((g) => g.user!.id)).toEqual([dev!.id]);
    // Transferring to the current owner changes nothing.
    expectError(await transfer(dev!, project.id, dev!), 'CONFLICT', { what: 'transfer to self' });
  });

  it('the new owner must be a member of the workspace (BAD_USER_INPUT)', async () => {
    const ws = await setup('own-member', { lead: 'WORKSPACE_USER', bystander: null });
    const { lead, bystander } = ws.p as Record<string, Person>;
    const outsider = await t.seed.person('own-member.outsider');
    const project = await createProject(lead!, ws.id, 'stay');
    for (const target of [bystander!, outsider]) {
      expectError(await transfer(lead!, project.id, target), 'BAD_USER_INPUT', { what: target.subject });
    }
    const { owner, grants } = await grantsOf(lead!, ws, project);
    expect(owner).toEqual({ id: lead!.id });
    expect(grants.filter((g) => g.role === 'PROJECT_OWNER')).toHaveLength(1);
  });

  it('Cannot be removed without transferring to another user: a project owner stays in the workspace and the organization (CONFLICT) until they transfer', async () => {
    const ws = await setup('own-leave', { lead: 'WORKSPACE_USER', heir: 'WORKSPACE_USER' });
    const { lead, heir } = ws.p as Record<string, Person>;
    const project = await createProject(lead!, ws.id, 'anchor');
    expectError(await removeWorkspaceMember(ws.owner, ws.id, lead!), 'CONFLICT', { what: 'remove from workspace' });
    expectError(await removeOrganizationMember(ws.owner, ws.org.id, lead!), 'CONFLICT', { what: 'remove from organization' });
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
    expectError(await removeOrganizationMember(ws.owner, ws.org.id, heir!), 'CONFLICT', { what: 'heir leaves the organization' });
    expectOk(await setRole(ws.owner, ws.id, { userId: lead!.id }, 'WORKSPACE_USER'));
    expectOk(await transfer(heir!, project.id, lead!));
    expectOk(await removeOrganizationMember(ws.owner, ws.org.id, heir!));
    expect((await everyoneAndMembers(ws)).members).toEqual([lead!.subject]);
  });
});
