/**
 * FlowX workspaces (seeds/003_08a88d3ee09f656d.txt, PRODUCT.md's access
 * model), sentence by sentence: organization admins create them, their
 * members are members of the organization, only workspace admins give
 * workspace roles, and a workspace is seen on every path by its members and
 * the organization's owners only. Over HTTP with real signed tokens.
 */
import { describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../helpers/expect.js';
import { flowxChecks, sorted } from '../helpers/flowx.js';
import { nodes } from '../helpers/ids.js';
import { CREATE_MACHINE_CLIENT, CREATE_PROJECT, CREATE_WORKSPACE } from '../helpers/operations.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { setup, setRole, removeWorkspaceMember, saveTheme, viewerRoles, everyoneAndMembers } = flowxChecks(t);

describe('workspaces', () => {
  it('Create workspace: organization admins create workspaces; WRITER and READER cannot (FORBIDDEN), non-members get NOT_FOUND', async () => {
    const org = await t.seed.organization('ws-create', { owner: 'wsc.owner', writers: ['wsc.writer'], readers: ['wsc.reader'] });
    const outsider = await t.seed.person('wsc.outsider');
    const created = await t.server.graphql(org.owner.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'design', name: 'Design' } });
    expectOk(created);
    expect(created.data.createWorkspace.workspace).toMatchObject({ slug: 'design', name: 'Design' });

    const before = await t.server.snapshot();
    const attempt = (p: Person, slug: string) => t.server.graphql(p.token, CREATE_WORKSPACE, { i: { organizationId: org.id, slug, name: slug } });
    expectError(await attempt(org.members['wsc.writer']!, 'by-writer'), 'FORBIDDEN', { what: 'writer' });
    expectError(await attempt(org.members['wsc.reader']!, 'by-reader'), 'FORBIDDEN', { what: 'reader' });
    expectError(await attempt(outsider, 'by-outsider'), 'NOT_FOUND', { what: 'non-member' });
    // A machine client acts as the organization, never as its admin.
    expectOk(await t.server.graphql(org.owner.token, CREATE_MACHINE_CLIENT, {
      i: { organizationId: org.id, clientId: 'ws-create-ci', name: 'CI', role: 'OWNER' },
    }));
    const afterClient = await t.server.snapshot();
    expectError(await t.server.graphql(await t.issuer.machineToken('ws-create-ci'), CREATE_WORKSPACE, { i: { organizationId: org.id, slug: 'by-robot', name: 'Robot' } }), 'FORBIDDEN', { what: 'machine' });
    expect(await t.server.snapshot()).toEqual(afterClient);
    expect(afterClient.audit_events!.length).toBe(before.audit_events!.length + 1);

    // A taken slug is a CONFLICT.
    expectError(await attempt(org.owner, 'design'), 'CONFLICT', { what: 'duplicate slug' });
    const list = await t.server.graphql(org.owner.token, `{ organization(slug: "ws-create") { workspaces(first: 100) { edges { node { slug name } } } } }`);
    expectOk(list);
    expect(nodes(list.data.organization.workspaces)).toEqual([{ slug: 'design', name: 'Design' }]);
  });

  it('a workspace member must be a member of the organization: setWorkspaceRole with anyone else is BAD_USER_INPUT', async () => {
    const ws = await setup('ws-org-only', { admin: 'WORKSPACE_ADMIN' });
    const stranger = await t.seed.person('ws-org-only.stranger');
    await t.seed.organization('ws-org-only-other', { owner: 'ws-org-only.stranger' });
    for (const actor of [ws.owner, ws.p.admin!]) {
      for (const role of ['WORKSPACE_USER', 'WORKSPACE_ADMIN'] as const) {
        expectError(await setRole(actor, ws.id, { userId: stranger.id }, role), 'BAD_USER_INPUT', { what: `${actor.subject} ${role}` });
      }
    }
    const { members, everyone } = await everyoneAndMembers(ws);
    expect(members).toEqual([ws.p.admin!.subject]);
    expect(everyone).toEqual([ws.p.admin!.subject]);
    // The stranger sees nothing of it.
    const seen = await t.server.graphql(stranger.token, `query($id: ID!) { organization(slug: "ws-org-only") { id } node(id: $id) { id } }`, { id: ws.id });
    expect(seen.data).toEqual({ organization: null, node: null });
  });

  it('Manage workspace users: a WORKSPACE_USER cannot give workspace roles (FORBIDDEN)', async () => {
    const ws = await setup('ws-no-manage', { user: 'WORKSPACE_USER', theme: 'THEME_EDITOR', bystander: null });
    for (const actor of [ws.p.user!, ws.p.theme!]) {
      expectError(await setRole(actor, ws.id, { userId: ws.p.bystander!.id }, 'WORKSPACE_USER'), 'FORBIDDEN', { what: actor.subject });
      expectError(await setRole(actor, ws.id, { userId: actor.id }, 'WORKSPACE_ADMIN'), 'FORBIDDEN', { what: actor.subject });
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
      const res = await t.server.graphql(p.token, query, { id: ws.id });
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
    expectError(await saveTheme(ws.p.bystander!, ws.id), 'NOT_FOUND', { what: 'bystander saveTheme' });
    expectError(await setRole(ws.p.bystander!, ws.id, { userId: ws.p.bystander!.id }, 'WORKSPACE_ADMIN'), 'NOT_FOUND', { what: 'bystander setWorkspaceRole' });
    expectError(await t.server.graphql(ws.p.bystander!.token, CREATE_PROJECT, { i: { workspaceId: ws.id, slug: 'sneaky', name: 'Sneaky' } }), 'NOT_FOUND', { what: 'bystander createProject' });

    // Once a member, they see it; once removed, they lose it again.
    expectOk(await setRole(ws.owner, ws.id, { userId: ws.p.viaGroup!.id }, 'OPERATIONS_EDITOR'));
    expect(await seenBy(ws.p.viaGroup!)).toEqual(visible);
    expectOk(await removeWorkspaceMember(ws.owner, ws.id, ws.p.viaGroup!));
    expect(await seenBy(ws.p.viaGroup!)).toEqual(invisible);
  });
});
