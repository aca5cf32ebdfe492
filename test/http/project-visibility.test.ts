/**
 * Who sees which FlowX project: organization owners and workspace admins see
 * every project of the workspace, runtime and operations editors see them for
 * their runtime rights only, and everyone else needs a grant: without one a
 * project is null on every path and NOT_FOUND to every mutation, as if it
 * did not exist. A workspace admin's self-grant lands in the audit logs.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../helpers/expect.js';
import { flowxChecks, type FlowxWorkspace } from '../helpers/flowx.js';
import { missingId, nodes } from '../helpers/ids.js';
import { CREATE_BUILD, GRANT_PROJECT_ACCESS, REVOKE_PROJECT_ACCESS, SAVE_PROCESS, START_PROCESS_INSTANCE, TRANSFER_PROJECT_OWNERSHIP } from '../helpers/operations.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { setup, createProject, grant, saveProcess, createBuild, workspaceAs, projectSlugs, projectAs, grantsOf } = flowxChecks(t);

describe('who sees which project', () => {
  let ws: FlowxWorkspace;
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
      expectError(await saveProcess(viewer, secret.id, `by-${who}`), 'FORBIDDEN', { what: `${who} saveProcess` });
      expectError(await grant(viewer, secret.id, { userId: viewer.id }, 'PROJECT_EDITOR'), 'FORBIDDEN', { what: `${who} grants itself` });
    }
    const built = await createBuild(people.runtime!, secret.id, '2.0.0');
    expectOk(built, 'runtime editor builds');
    expect(built.data.createBuild.build.version).toBe('2.0.0');
    expectError(await createBuild(people.ops!, secret.id, '2.0.1'), 'FORBIDDEN', { what: 'operations editor builds' });
    const builds = await projectAs(people.ops!, ws, secret, 'builds { version }');
    expect(builds.bySlug).toEqual({ builds: [{ version: '2.0.0' }] });
  });

  it('Needs explicit project access: a WORKSPACE_USER (or THEME_EDITOR) without a grant gets null from project(slug:) and node(id:), and NOT_FOUND from mutations naming it', async () => {
    const missing = { id: missingId('Project'), slug: 'no-such-project' };
    const mutations = (projectId: string, who: Person): [string, string, Record<string, unknown>][] => [
      ['saveProcess', SAVE_PROCESS, { projectId, name: 'x', definition: {} }],
      ['createBuild', CREATE_BUILD, { projectId, version: '9.9.9' }],
      ['startProcessInstance', START_PROCESS_INSTANCE, { projectId, processName: 'pricing' }],
      ['grantProjectAccess', GRANT_PROJECT_ACCESS, { projectId, userId: who.id, role: 'PROJECT_EDITOR' }],
      ['revokeProjectAccess', REVOKE_PROJECT_ACCESS, { projectId, userId: people.lead!.id }],
      ['transferProjectOwnership', TRANSFER_PROJECT_OWNERSHIP, { projectId, newOwnerUserId: who.id }],
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
        const res = await t.server.graphql(viewer.token, query, { i: input });
        expectError(res, 'NOT_FOUND', { what: `${who} ${name}` });
        // No existence leak: the same answer as for a project that does not exist.
        const [, absentQuery, absentInput] = absent[i]!;
        const other = await t.server.graphql(viewer.token, absentQuery, { i: absentInput });
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
    expectError(await saveProcess(admin, secret.id, 'by-admin'), 'FORBIDDEN', { what: 'admin edits without a grant' });
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

    const orgLog = await t.server.graphql(ws.owner.token, `query($org: String!) { organization(slug: $org) { ${AUDIT} } }`, { org: ws.org.slug });
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

// The one-owner invariant under concurrent requests. PGlite runs one
// statement at a time, so these need a real Postgres.
