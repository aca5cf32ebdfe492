/**
 * A fluent seed that builds fixtures through the public API only, so tests
 * read like the seed's sentences:
 *
 *   const acme = await seed.organization('acme', { owner: 'alice', writers: ['bob'] });
 *   const ws = await acme.workspace('ops', { admins: ['carol'], users: ['dave'] });
 *   const devs = await ws.group('devs', ['dave']);
 *   const alpha = await ws.project('alpha', { owner: 'carol', editors: ['dave'], viewers: [devs] });
 *   const ci = await acme.machineClient('acme-ci', 'WRITER');
 *
 * People are named once (subject `auth0|<name>`) and signed in on first use.
 * Someone named in a workspace who is not yet a member of its organization
 * joins it as READER. Every step goes through GraphQL as a client would, and
 * the first refused step throws.
 */
import type { TestIssuer } from './issuer.js';
import {
  ADD_GROUP_MEMBER,
  ADD_MEMBER,
  CREATE_GROUP,
  CREATE_MACHINE_CLIENT,
  CREATE_ORGANIZATION,
  CREATE_PROJECT,
  CREATE_WORKSPACE,
  GRANT_PROJECT_ACCESS,
  SET_WORKSPACE_ROLE,
  UPDATE_ORGANIZATION,
} from './operations.js';
import type { TestOrgraph } from './orgraph.js';

export type OrganizationRole = 'OWNER' | 'WRITER' | 'READER';
export type WorkspaceRole = 'WORKSPACE_ADMIN' | 'WORKSPACE_USER' | 'THEME_EDITOR' | 'RUNTIME_EDITOR' | 'OPERATIONS_EDITOR';
export type ProjectRole = 'PROJECT_OWNER' | 'PROJECT_EDITOR' | 'PROJECT_VIEWER';

export interface Person {
  name: string;
  subject: string;
  token: string;
  /** Global ID of the user. */
  id: string;
}

export interface SeededMachineClient {
  id: string;
  clientId: string;
  role: OrganizationRole;
  /** A token from the issuer's client-credentials grant. */
  token: string;
}

export interface SeededOrganization {
  id: string;
  slug: string;
  owner: Person;
  /** Everyone the seed made a member, by name, the owner included. */
  members: Record<string, Person>;
  /** Adds `name` with `role`. */
  join(name: string, role: OrganizationRole): Promise<Person>;
  update(fields: { name?: string; externalId?: string }): Promise<void>;
  machineClient(clientId: string, role: OrganizationRole, name?: string): Promise<SeededMachineClient>;
  workspace(slug: string, options?: WorkspaceOptions): Promise<SeededWorkspace>;
}

export interface WorkspaceOptions {
  name?: string;
  admins?: string[];
  users?: string[];
  /** Any workspace role, by person. */
  roles?: Record<string, WorkspaceRole>;
}

export interface SeededGroup {
  id: string;
  name: string;
}

/** Who a workspace role or a project grant goes to. */
export type Grantee = string | Person | SeededGroup;

export interface SeededWorkspace {
  id: string;
  slug: string;
  name: string;
  organization: SeededOrganization;
  /** Its system group, `all_users_<slug>`. */
  everyone: SeededGroup;
  /** Those the seed gave a role here, by name. */
  members: Record<string, Person>;
  setRole(grantee: Grantee, role: WorkspaceRole): Promise<void>;
  group(name: string, members?: (string | Person)[], options?: { role?: WorkspaceRole; description?: string }): Promise<SeededGroup>;
  project(slug: string, options: ProjectOptions): Promise<SeededProject>;
}

export interface ProjectOptions {
  /** Creates it, and so becomes its PROJECT_OWNER. */
  owner: string | Person;
  name?: string;
  editors?: Grantee[];
  viewers?: Grantee[];
  /** The everyone group's role; the API's default (PROJECT_VIEWER) when left out. */
  everyoneRole?: ProjectRole | null;
}

export interface SeededProject {
  id: string;
  slug: string;
  owner: Person;
}

export type Seed = ReturnType<typeof seedFor>;

const isGroup = (g: Grantee): g is SeededGroup => typeof g === 'object' && !('token' in g);

export function seedFor(server: TestOrgraph, issuer: TestIssuer) {
  const people = new Map<string, Person>();

  /** Runs a mutation that must succeed; returns its payload. */
  async function mutate(token: string, document: string, input: Record<string, unknown>): Promise<any> {
    const res = await server.graphql(token, document, { i: input });
    if (res.status !== 200 || res.errors) throw new Error(`seed: ${document.slice(0, 60)}: ${res.raw}`);
    return Object.values(res.data as Record<string, unknown>)[0];
  }

  async function person(name: string): Promise<Person> {
    const known = people.get(name);
    if (known) return known;
    const subject = `auth0|${name}`;
    const token = await issuer.userToken(subject, { email: `${name}@example.test`, name });
    const res = await server.graphql(token, '{ viewer { user { id } } }');
    if (res.errors) throw new Error(`seed: ${name} cannot sign in: ${res.raw}`);
    const p = { name, subject, token, id: res.data.viewer.user.id as string };
    people.set(name, p);
    return p;
  }

  const personOf = (who: string | Person) => (typeof who === 'string' ? person(who) : Promise.resolve(who));

  async function organization(
    slug: string,
    roles: { owner: string; owners?: string[]; writers?: string[]; readers?: string[] },
  ): Promise<SeededOrganization> {
    const owner = await person(roles.owner);
    const id = (await mutate(owner.token, CREATE_ORGANIZATION, { slug, name: `${slug} org` })).organization.id as string;
    const members: Record<string, Person> = { [roles.owner]: owner };

    const join = async (name: string, role: OrganizationRole) => {
      const p = await person(name);
      await mutate(owner.token, ADD_MEMBER, { organizationId: id, userSubject: p.subject, role });
      members[name] = p;
      return p;
    };
    const org: SeededOrganization = {
      id,
      slug,
      owner,
      members,
      join,
      update: async (fields) => {
        await mutate(owner.token, UPDATE_ORGANIZATION, { organizationId: id, ...fields });
      },
      machineClient: async (clientId, role, name = clientId) => {
        const created = await mutate(owner.token, CREATE_MACHINE_CLIENT, { organizationId: id, clientId, name, role });
        return { id: created.machineClient.id, clientId, role, token: await issuer.machineToken(clientId) };
      },
      workspace: (wsSlug, options) => workspace(org, wsSlug, options),
    };
    for (const [names, role] of [[roles.owners, 'OWNER'], [roles.writers, 'WRITER'], [roles.readers, 'READER']] as const) {
      for (const name of names ?? []) await join(name, role);
    }
    return org;
  }

  async function workspace(org: SeededOrganization, slug: string, options: WorkspaceOptions = {}): Promise<SeededWorkspace> {
    const admin = org.owner.token;
    const name = options.name ?? `${slug} workspace`;
    const created = (await mutate(admin, CREATE_WORKSPACE, { organizationId: org.id, slug, name })).workspace;
    const everyone = created.groups.edges.map((e: { node: any }) => e.node).find((g: { system: boolean }) => g.system);
    if (!everyone) throw new Error(`seed: workspace ${slug} has no everyone group`);
    const members: Record<string, Person> = {};

    const setRole = async (grantee: Grantee, role: WorkspaceRole) => {
      if (isGroup(grantee)) {
        await mutate(admin, SET_WORKSPACE_ROLE, { workspaceId: created.id, groupId: grantee.id, role });
        return;
      }
      const p = await personOf(grantee);
      if (!org.members[p.name]) await org.join(p.name, 'READER');
      await mutate(admin, SET_WORKSPACE_ROLE, { workspaceId: created.id, userId: p.id, role });
      members[p.name] = p;
    };

    const ws: SeededWorkspace = {
      id: created.id,
      slug,
      name,
      organization: org,
      everyone: { id: everyone.id, name: everyone.name },
      members,
      setRole,
      group: async (groupName, groupMembers = [], { role, description } = {}) => {
        const group = (await mutate(admin, CREATE_GROUP, { workspaceId: created.id, name: groupName, ...(description ? { description } : {}) })).group;
        for (const member of groupMembers) {
          await mutate(admin, ADD_GROUP_MEMBER, { groupId: group.id, userId: (await personOf(member)).id });
        }
        const seeded = { id: group.id as string, name: groupName };
        if (role) await setRole(seeded, role);
        return seeded;
      },
      project: async (projectSlug, { owner, name: projectName = `Project ${projectSlug}`, editors = [], viewers = [], everyoneRole }) => {
        const creator = await personOf(owner);
        const input: Record<string, unknown> = { workspaceId: created.id, slug: projectSlug, name: projectName };
        if (everyoneRole !== undefined) input.everyoneRole = everyoneRole;
        const projectId = (await mutate(creator.token, CREATE_PROJECT, input)).project.id as string;
        for (const [grantees, role] of [[editors, 'PROJECT_EDITOR'], [viewers, 'PROJECT_VIEWER']] as const) {
          for (const grantee of grantees) {
            const to = isGroup(grantee) ? { groupId: grantee.id } : { userId: (await personOf(grantee)).id };
            await mutate(creator.token, GRANT_PROJECT_ACCESS, { projectId, ...to, role });
          }
        }
        return { id: projectId, slug: projectSlug, owner: creator };
      },
    };
    for (const [names, role] of [[options.admins, 'WORKSPACE_ADMIN'], [options.users, 'WORKSPACE_USER']] as const) {
      for (const n of names ?? []) await setRole(n, role);
    }
    for (const [n, role] of Object.entries(options.roles ?? {})) await setRole(n, role);
    return ws;
  }

  return { person, organization, mutate };
}
