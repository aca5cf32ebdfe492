/**
 * What the FlowX suites do and read, as a client of workspaces and projects
 * would: a seeded organization with one workspace, the mutations under test
 * with the people who send them, and the reads that show who sees what.
 */
import { expect } from 'vitest';
import { expectOk } from './expect.js';
import { nodes } from './ids.js';
import {
  ADD_GROUP_MEMBER,
  CREATE_BUILD,
  CREATE_GROUP,
  CREATE_PROJECT,
  DELETE_GROUP,
  GRANT_FIELDS,
  GRANT_PROJECT_ACCESS,
  REMOVE_GROUP_MEMBER,
  REMOVE_MEMBER,
  REMOVE_WORKSPACE_MEMBER,
  REVOKE_PROJECT_ACCESS,
  SAVE_PROCESS,
  SAVE_THEME,
  SET_WORKSPACE_ROLE,
  TRANSFER_PROJECT_OWNERSHIP,
} from './operations.js';
import type { TestOrgraph } from './orgraph.js';
import { ROLES, type Role } from './permission-matrix.js';
import type { Person, ProjectRole, SeededOrganization, SeededWorkspace, WorkspaceRole } from './seed.js';
import type { OrgraphUnderTest } from './use-orgraph.js';

export const sorted = <T>(values: T[]) => [...values].sort();

export interface FlowxWorkspace extends SeededWorkspace {
  org: SeededOrganization;
  /** The organization's owner (FlowX's organization admin); not a workspace member. */
  owner: Person;
  /** The people of `roles`, by their short names. */
  p: Record<string, Person>;
}

/** The FlowX suites' fixtures, mutations and reads against the suite's server. */
export function flowxChecks(t: OrgraphUnderTest) {
  /**
   * An organization `<slug>` owned by `<slug>.owner`, every person named in
   * `roles` an organization READER (`<slug>.<name>`), and one workspace
   * `<slug>-ws` where each holds the given workspace role (null: none, an
   * organization member only).
   */
  async function setup(slug: string, roles: Record<string, WorkspaceRole | null>, workspaceName = `${slug} workspace`): Promise<FlowxWorkspace> {
    const names = Object.keys(roles);
    const org = await t.seed.organization(slug, { owner: `${slug}.owner`, readers: names.map((n) => `${slug}.${n}`) });
    const given = Object.entries(roles).flatMap(([n, role]) => (role ? [[`${slug}.${n}`, role] as const] : []));
    const ws = await org.workspace(`${slug}-ws`, { name: workspaceName, roles: Object.fromEntries(given) });
    return { ...ws, org, owner: org.owner, p: Object.fromEntries(names.map((n) => [n, org.members[`${slug}.${n}`]!])) };
  }

  /**
   * The matrix's nine roles, each held by a person named after it (`org_admin`
   * owns the organization; the project roles are workspace users, to be
   * granted on projects), and two spare workspace users, in workspace `wsSlug`.
   */
  async function matrixWorkspace(slug: string, wsSlug: string, name: string) {
    const others = ROLES.filter((r) => r !== 'org_admin');
    const org = await t.seed.organization(slug, { owner: 'org_admin', readers: [...others, 'spare0', 'spare1'] });
    const people = Object.fromEntries(ROLES.map((r) => [r, org.members[r]!])) as Record<Role, Person>;
    const roles: Record<string, WorkspaceRole> = {
      workspace_admin: 'WORKSPACE_ADMIN',
      workspace_user: 'WORKSPACE_USER',
      theme_editor: 'THEME_EDITOR',
      runtime_editor: 'RUNTIME_EDITOR',
      operations_editor: 'OPERATIONS_EDITOR',
      project_owner: 'WORKSPACE_USER',
      project_editor: 'WORKSPACE_USER',
      project_viewer: 'WORKSPACE_USER',
      spare0: 'WORKSPACE_USER',
      spare1: 'WORKSPACE_USER',
    };
    const ws = await org.workspace(wsSlug, { name, roles });
    return { org, people, spare: [org.members.spare0!, org.members.spare1!], ws };
  }

  const setRole = (actor: Person, workspaceId: string, grantee: { userId?: string; groupId?: string }, role: WorkspaceRole) =>
    t.server.graphql(actor.token, SET_WORKSPACE_ROLE, { i: { workspaceId, ...grantee, role } });
  const removeWorkspaceMember = (actor: Person, workspaceId: string, target: Person) =>
    t.server.graphql(actor.token, REMOVE_WORKSPACE_MEMBER, { i: { workspaceId, userId: target.id } });
  const removeOrganizationMember = (actor: Person, organizationId: string, target: Person) =>
    t.server.graphql(actor.token, REMOVE_MEMBER, { i: { organizationId, userId: target.id } });

  async function createGroup(actor: Person, workspaceId: string, name: string, description?: string) {
    const res = await t.server.graphql(actor.token, CREATE_GROUP, { i: { workspaceId, name, ...(description ? { description } : {}) } });
    expectOk(res, `createGroup ${name}`);
    return res.data.createGroup.group as { id: string; name: string };
  }
  const addGroupMember = (actor: Person, groupId: string, target: Person) =>
    t.server.graphql(actor.token, ADD_GROUP_MEMBER, { i: { groupId, userId: target.id } });
  const removeGroupMember = (actor: Person, groupId: string, target: Person) =>
    t.server.graphql(actor.token, REMOVE_GROUP_MEMBER, { i: { groupId, userId: target.id } });
  const deleteGroup = (actor: Person, groupId: string) => t.server.graphql(actor.token, DELETE_GROUP, { i: { groupId } });

  const saveTheme = (actor: Person, workspaceId: string, name = 'Brand') =>
    t.server.graphql(actor.token, SAVE_THEME, { i: { workspaceId, name, tokens: { primary: '#0a84ff' } } });

  async function createProject(actor: Person, workspaceId: string, slug: string, everyoneRole?: ProjectRole | null) {
    const input: Record<string, unknown> = { workspaceId, slug, name: `Project ${slug}` };
    if (everyoneRole !== undefined) input.everyoneRole = everyoneRole;
    const res = await t.server.graphql(actor.token, CREATE_PROJECT, { i: input });
    expectOk(res, `createProject ${slug}`);
    return res.data.createProject.project as { id: string; slug: string; owner: { id: string }; viewerRole: string; grants: any[] };
  }
  const grant = (actor: Person, projectId: string, grantee: { userId?: string; groupId?: string }, role: ProjectRole) =>
    t.server.graphql(actor.token, GRANT_PROJECT_ACCESS, { i: { projectId, ...grantee, role } });
  const revoke = (actor: Person, projectId: string, grantee: { userId?: string; groupId?: string }) =>
    t.server.graphql(actor.token, REVOKE_PROJECT_ACCESS, { i: { projectId, ...grantee } });
  const transfer = (actor: Person, projectId: string, newOwner: Person, via: TestOrgraph = t.server) =>
    via.graphql(actor.token, TRANSFER_PROJECT_OWNERSHIP, { i: { projectId, newOwnerUserId: newOwner.id } });
  const saveProcess = (actor: Person, projectId: string, name = 'onboarding') =>
    t.server.graphql(actor.token, SAVE_PROCESS, { i: { projectId, name, definition: { nodes: ['start', 'end'] } } });
  const createBuild = (actor: Person, projectId: string, version: string) =>
    t.server.graphql(actor.token, CREATE_BUILD, { i: { projectId, version } });

  /** One workspace as `viewer` reads it through organization(slug:).workspace(slug:), with `selection` inside. */
  async function workspaceAs(viewer: Person, ws: FlowxWorkspace, selection: string, variables: Record<string, unknown> = {}, declared = '') {
    return t.server.graphql(
      viewer.token,
      `query($org: String!, $ws: String!${declared}) { organization(slug: $org) { workspace(slug: $ws) { ${selection} } } }`,
      { org: ws.org.slug, ws: ws.slug, ...variables },
    );
  }

  async function viewerRoles(viewer: Person, ws: FlowxWorkspace): Promise<string[]> {
    const res = await workspaceAs(viewer, ws, 'viewerRoles');
    expectOk(res);
    expect(res.data.organization.workspace, `${viewer.subject} cannot see ${ws.slug}`).not.toBeNull();
    return sorted(res.data.organization.workspace.viewerRoles);
  }

  /** Slugs of the projects `viewer` finds in workspace.projects. */
  async function projectSlugs(viewer: Person, ws: FlowxWorkspace): Promise<string[]> {
    const res = await workspaceAs(viewer, ws, 'projects(first: 100) { edges { node { slug } } }');
    expectOk(res);
    return sorted(nodes(res.data.organization.workspace.projects).map((p: any) => p.slug));
  }

  /** project(slug:) and node(id:) as `viewer` reads them (null where it cannot see the project). */
  async function projectAs(viewer: Person, ws: FlowxWorkspace, project: { id: string; slug: string }, selection = 'id slug viewerRole') {
    const res = await t.server.graphql(
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
  async function everyoneAndMembers(ws: FlowxWorkspace) {
    const res = await t.server.graphql(
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

  async function grantsOf(viewer: Person, ws: FlowxWorkspace, project: { id: string; slug: string }) {
    const { res, bySlug } = await projectAs(viewer, ws, project, `owner { id } grants { ${GRANT_FIELDS} }`);
    expectOk(res);
    expect(bySlug, res.raw).not.toBeNull();
    return bySlug as { owner: { id: string }; grants: { role: string; user: { id: string; subject: string } | null; group: { id: string; name: string } | null }[] };
  }

  return { setup, matrixWorkspace, setRole, removeWorkspaceMember, removeOrganizationMember, createGroup, addGroupMember, removeGroupMember, deleteGroup, saveTheme, createProject, grant, revoke, transfer, saveProcess, createBuild, workspaceAs, viewerRoles, projectSlugs, projectAs, everyoneAndMembers, grantsOf };
}
