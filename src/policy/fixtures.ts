/**
 * Builds a policy file's fixtures through the public API, as a client would:
 * people sign in with tokens of the development issuer, owners create what
 * they own, and every step must succeed. What it returns names everything
 * the expectations may mention: a token per principal, a global ID per
 * resource path.
 */
import type { DevIssuer } from '../identity/dev-issuer.js';
import type { OrganizationFixture, PolicyFile, WorkspaceFixture } from './policy-file.js';

export interface GraphQLCall {
  (token: string, query: string, variables?: Record<string, unknown>): Promise<{ data?: any; errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[] }>;
}

export interface World {
  /** Person or machine client -> its token. */
  tokens: Map<string, string>;
  /** Person or machine client -> its global ID (what explainAccess asks about). */
  principals: Map<string, string>;
  /** Resource path (`project/acme/product/alpha`) -> global ID. */
  resources: Map<string, string>;
}

const run = (name: string, selection: string) => `mutation($i: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) ${selection} }`;

export async function buildFixtures(file: PolicyFile, issuer: DevIssuer, call: GraphQLCall): Promise<World> {
  const world: World = { tokens: new Map(), principals: new Map(), resources: new Map() };

  const mutate = async (token: string, document: string, input: Record<string, unknown>) => {
    const res = await call(token, document, { i: input });
    if (res.errors || !res.data) throw new Error(`fixture step failed: ${document.slice(9, 60)}...: ${JSON.stringify(res.errors)}`);
    return Object.values(res.data)[0] as any;
  };

  const person = async (name: string) => {
    const known = world.tokens.get(name);
    if (known) return known;
    if (world.principals.has(name)) throw new Error(`"${name}" names a machine client and a person`);
    const token = await issuer.sign({ sub: subjectOf(name), email: `${name}@policy.test`, email_verified: true, name });
    const res = await call(token, '{ viewer { user { id } } }');
    if (res.errors) throw new Error(`${name} cannot sign in: ${JSON.stringify(res.errors)}`);
    world.tokens.set(name, token);
    world.principals.set(name, res.data.viewer.user.id);
    return token;
  };

  for (const name of file.people) await person(name);
  for (const org of file.organizations) await buildOrganization(org, { world, person, mutate, issuer });
  return world;
}

const subjectOf = (name: string) => `policy|${name}`;

interface Steps {
  world: World;
  person(name: string): Promise<string>;
  mutate(token: string, document: string, input: Record<string, unknown>): Promise<any>;
  issuer: DevIssuer;
}

async function buildOrganization(org: OrganizationFixture, steps: Steps): Promise<void> {
  const { world, person, mutate } = steps;
  const owner = await person(org.owner);
  const organizationId = (await mutate(owner, run('createOrganization', '{ organization { id } }'), { slug: org.slug, name: org.slug })).organization.id;
  world.resources.set(`organization/${org.slug}`, organizationId);
  const members = new Set([org.owner]);
  const join = async (name: string, role: string) => {
    await person(name);
    await mutate(owner, run('addOrganizationMember', '{ member { role } }'), { organizationId, userSubject: subjectOf(name), role });
    members.add(name);
  };
  for (const [names, role] of [[org.owners, 'OWNER'], [org.writers, 'WRITER'], [org.readers, 'READER']] as const) {
    for (const name of names) await join(name, role);
  }
  for (const { clientId, role } of org.machineClients) {
    const created = await mutate(owner, run('createMachineClient', '{ machineClient { id } }'), { organizationId, clientId, name: clientId, role });
    if (world.tokens.has(clientId)) throw new Error(`"${clientId}" names a machine client and a person`);
    world.tokens.set(clientId, await steps.issuer.sign({ sub: `${clientId}@clients`, azp: clientId, gty: 'client-credentials' }));
    world.principals.set(clientId, created.machineClient.id);
  }
  for (const name of org.environments) {
    const created = await mutate(owner, run('createEnvironment', '{ environment { id } }'), { organizationId, name });
    world.resources.set(`environment/${org.slug}/${name}`, created.environment.id);
  }
  const member = async (name: string) => {
    if (!members.has(name)) await join(name, 'READER');
    return person(name);
  };
  for (const ws of org.workspaces) await buildWorkspace(org.slug, organizationId, ws, owner, member, steps);
}

async function buildWorkspace(
  orgSlug: string,
  organizationId: string,
  ws: WorkspaceFixture,
  owner: string,
  member: (name: string) => Promise<string>,
  { world, mutate }: Steps,
): Promise<void> {
  const path = `${orgSlug}/${ws.slug}`;
  const workspaceId = (await mutate(owner, run('createWorkspace', '{ workspace { id } }'), { organizationId, slug: ws.slug, name: ws.slug })).workspace.id;
  world.resources.set(`workspace/${path}`, workspaceId);
  const userId = async (name: string) => {
    await member(name);
    return world.principals.get(name)!;
  };
  for (const [name, role] of Object.entries(ws.roles)) {
    await mutate(owner, run('setWorkspaceRole', '{ workspace { id } }'), { workspaceId, userId: await userId(name), role });
  }
  const groups = new Map<string, string>();
  for (const group of ws.groups) {
    const groupId = (await mutate(owner, run('createGroup', '{ group { id } }'), { workspaceId, name: group.name })).group.id;
    groups.set(group.name, groupId);
    world.resources.set(`group/${path}/${group.name}`, groupId);
    for (const name of group.members) await mutate(owner, run('addGroupMember', '{ group { id } }'), { groupId, userId: await userId(name) });
    if (group.role) await mutate(owner, run('setWorkspaceRole', '{ workspace { id } }'), { workspaceId, groupId, role: group.role });
  }
  const grantee = async (who: string) => {
    if (!who.startsWith('group:')) return { userId: await userId(who) };
    const groupId = groups.get(who.slice('group:'.length));
    if (!groupId) throw new Error(`${who} is no group of workspace ${path}`);
    return { groupId };
  };
  for (const project of ws.projects) {
    const creator = await member(project.owner);
    const input: Record<string, unknown> = { workspaceId, slug: project.slug, name: project.slug };
    if (project.everyoneRole !== undefined) input.everyoneRole = project.everyoneRole;
    const projectId = (await mutate(creator, run('createProject', '{ project { id } }'), input)).project.id;
    world.resources.set(`project/${path}/${project.slug}`, projectId);
    for (const [who, role] of [...project.editors.map((e) => [e, 'PROJECT_EDITOR'] as const), ...project.viewers.map((v) => [v, 'PROJECT_VIEWER'] as const)]) {
      await mutate(creator, run('grantProjectAccess', '{ project { id } }'), { projectId, ...(await grantee(who)), role });
    }
    for (const processName of project.processInstances) {
      await mutate(creator, run('saveProcess', '{ process { name } }'), { projectId, name: processName, definition: { nodes: [] } });
      const started = await mutate(creator, run('startProcessInstance', '{ processInstance { id } }'), { projectId, processName });
      world.resources.set(`processInstance/${path}/${project.slug}/${processName}`, started.processInstance.id);
    }
  }
}
