/**
 * The reference model of the membership and grant rules (PRODUCT.md,
 * docs/access-model.md, docs/permissions.md), written apart from
 * src/auth/roles.ts on purpose: plain maps of who holds what, the access
 * decision as documented, random operations by random actors, and for each
 * the outcome the rules predict and how it changes the model.
 */
import fc from 'fast-check';
import { missingId } from './ids.js';
import { weighted } from './fast-check.js';
import { CREATE_PROJECT, mutation } from './operations.js';
import type { GraphQLResponse } from './orgraph.js';
import type { Person } from './seed.js';

export type OrgRole = 'OWNER' | 'WRITER' | 'READER';
export type WsRole = 'WORKSPACE_ADMIN' | 'WORKSPACE_USER' | 'THEME_EDITOR' | 'RUNTIME_EDITOR' | 'OPERATIONS_EDITOR';
export type ProjRole = 'PROJECT_OWNER' | 'PROJECT_EDITOR' | 'PROJECT_VIEWER';
type AnyRole = OrgRole | WsRole | ProjRole;

const ORG_RANK: Record<OrgRole, number> = { READER: 1, WRITER: 2, OWNER: 3 };
const PROJ_RANK: Record<ProjRole, number> = { PROJECT_VIEWER: 1, PROJECT_EDITOR: 2, PROJECT_OWNER: 3 };
/** WORKSPACE_ADMIN includes the other four; THEME/RUNTIME/OPERATIONS_EDITOR each include WORKSPACE_USER. */
const WS_INCLUDES: Record<WsRole, WsRole[]> = {
  WORKSPACE_ADMIN: ['WORKSPACE_ADMIN', 'WORKSPACE_USER', 'THEME_EDITOR', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR'],
  WORKSPACE_USER: ['WORKSPACE_USER'],
  THEME_EDITOR: ['THEME_EDITOR', 'WORKSPACE_USER'],
  RUNTIME_EDITOR: ['RUNTIME_EDITOR', 'WORKSPACE_USER'],
  OPERATIONS_EDITOR: ['OPERATIONS_EDITOR', 'WORKSPACE_USER'],
};
/** Workspace roles whose rights span every project of the workspace, so they see every project. */
const WORKSPACE_WIDE: WsRole[] = ['WORKSPACE_ADMIN', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR'];
const isOrgRole = (r: AnyRole): r is OrgRole => r in ORG_RANK;
const isProjRole = (r: AnyRole): r is ProjRole => r in PROJ_RANK;

/** The actors: two organization owners, then four users (indices into the people array). */
export const ACTORS = ['pp.o1', 'pp.o2', 'pp.u1', 'pp.u2', 'pp.u3', 'pp.u4'] as const;
export const WORKSPACES = 2;
/** Groups: [everyone of ws0, custom of ws0, everyone of ws1, custom of ws1]. */
export const GROUPS = [
  { ws: 0, system: true },
  { ws: 0, system: false },
  { ws: 1, system: true },
  { ws: 1, system: false },
] as const;
export const PROJECT_SLUGS = ['alpha', 'beta', 'gamma'] as const;

export interface ModelProject {
  ws: number;
  slug: string;
  /** User grants, the owner's PROJECT_OWNER included. */
  users: Map<number, ProjRole>;
  /** Group grants, by index into GROUPS. */
  groups: Map<number, ProjRole>;
}

/** The reference model: plain maps of who holds what. */
export interface Model {
  org: Map<number, OrgRole>;
  /** Direct workspace roles: workspace members. */
  ws: Map<number, WsRole>[];
  groupRole: (WsRole | null)[];
  /** Members of the custom groups (the everyone groups' members are the workspace's members). */
  groupMembers: Set<number>[];
  projects: ModelProject[];
}

export const ownerOf = (p: ModelProject) => [...p.users].find(([, r]) => r === 'PROJECT_OWNER')![0];
export const membersOfGroup = (m: Model, g: number): Set<number> => (GROUPS[g]!.system ? new Set(m.ws[GROUPS[g]!.ws]!.keys()) : m.groupMembers[g]!);

/** A user's workspace roles: their own and their groups' (the union). */
export function wsRolesOf(m: Model, u: number, ws: number): WsRole[] {
  const roles = new Set<WsRole>();
  const direct = m.ws[ws]!.get(u);
  if (direct) roles.add(direct);
  GROUPS.forEach((group, g) => {
    const role = m.groupRole[g];
    if (group.ws === ws && role && membersOfGroup(m, g).has(u)) roles.add(role);
  });
  return [...roles];
}

/** A user's project roles: direct grants and grants to their groups. */
function projRolesOf(m: Model, u: number, p: ModelProject): ProjRole[] {
  const roles = new Set<ProjRole>();
  const direct = p.users.get(u);
  if (direct) roles.add(direct);
  for (const [g, role] of p.groups) if (membersOfGroup(m, g).has(u)) roles.add(role);
  return [...roles];
}

type Scope = { level: 'organization' } | { level: 'workspace'; ws: number } | { level: 'project'; p: ModelProject };

/**
 * The access decision of the rules as documented: a scope the actor cannot
 * see is NOT_FOUND, a visible one without any of the roles is FORBIDDEN. An
 * organization owner (a user) holds every workspace and project role.
 */
function access(m: Model, u: number, scope: Scope, anyOf: AnyRole[]): 'NOT_FOUND' | 'FORBIDDEN' | null {
  const orgRole = m.org.get(u);
  if (!orgRole) return 'NOT_FOUND';
  const admin = orgRole === 'OWNER';
  const wsRoles = scope.level === 'workspace' ? wsRolesOf(m, u, scope.ws) : scope.level === 'project' ? wsRolesOf(m, u, scope.p.ws) : [];
  const projRoles = scope.level === 'project' ? projRolesOf(m, u, scope.p) : [];
  if (!admin) {
    if (scope.level === 'workspace' && wsRoles.length === 0) return 'NOT_FOUND';
    if (scope.level === 'project' && projRoles.length === 0 && !wsRoles.some((r) => WORKSPACE_WIDE.includes(r))) return 'NOT_FOUND';
  }
  const ok = anyOf.some((required) => {
    if (isOrgRole(required)) return ORG_RANK[orgRole] >= ORG_RANK[required];
    if (admin) return true;
    if (isProjRole(required)) return projRoles.some((r) => PROJ_RANK[r] >= PROJ_RANK[required]);
    return wsRoles.some((r) => WS_INCLUDES[r].includes(required));
  });
  return ok ? null : 'FORBIDDEN';
}

/**
 * A person an operation names: `fromState` picks among those the operation
 * makes sense for in the current state (members to remove, non-members to
 * add, ...), so that walks get somewhere; otherwise anyone.
 */
type Pick = { fromState: boolean; i: number };
type Grantee = { user: Pick } | { group: number };
type Who = { privileged: boolean; i: number };
/** An existing project (by index, modulo how many exist), or one that does not exist. */
type ProjectPick = { missing: boolean; i: number };
export type Op =
  | { op: 'addOrganizationMember'; who: Who; target: Pick; role: OrgRole }
  | { op: 'changeOrganizationMemberRole'; who: Who; target: Pick; role: OrgRole }
  | { op: 'removeOrganizationMember'; who: Who; target: Pick }
  | { op: 'setWorkspaceRole'; who: Who; ws: number; grantee: Grantee; role: WsRole }
  | { op: 'removeWorkspaceMember'; who: Who; ws: number; target: Pick }
  | { op: 'addGroupMember'; who: Who; group: number; target: Pick }
  | { op: 'removeGroupMember'; who: Who; group: number; target: Pick }
  | { op: 'createProject'; who: Who; ws: number; slug: string; everyoneRole: ProjRole | null | 'default' }
  | { op: 'grantProjectAccess'; who: Who; project: ProjectPick; grantee: Grantee; role: ProjRole }
  | { op: 'revokeProjectAccess'; who: Who; project: ProjectPick; grantee: Grantee }
  | { op: 'transferProjectOwnership'; who: Who; project: ProjectPick; target: Pick };

const whoArb: fc.Arbitrary<Who> = fc.record({ privileged: weighted([2, true], [1, false]), i: fc.nat(ACTORS.length - 1) });
const userArb: fc.Arbitrary<Pick> = fc.record({ fromState: weighted([2, true], [1, false]), i: fc.nat(ACTORS.length - 1) });
const wsArb = fc.nat(WORKSPACES - 1);
const groupArb = fc.nat(GROUPS.length - 1);
const projectArb: fc.Arbitrary<ProjectPick> = fc.record({ missing: weighted([8, false], [1, true]), i: fc.nat(5) });
const granteeArb: fc.Arbitrary<Grantee> = fc.oneof(
  { weight: 3, arbitrary: userArb.map((user) => ({ user })) },
  { weight: 2, arbitrary: groupArb.map((group) => ({ group })) },
);
const orgRoleArb = fc.constantFrom<OrgRole>('OWNER', 'WRITER', 'READER');
const wsRoleArb = fc.constantFrom<WsRole>('WORKSPACE_ADMIN', 'WORKSPACE_USER', 'THEME_EDITOR', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR');
const grantRoleArb = weighted<ProjRole>([3, 'PROJECT_EDITOR'], [3, 'PROJECT_VIEWER'], [1, 'PROJECT_OWNER']);

export const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addOrganizationMember' as const), who: whoArb, target: userArb, role: orgRoleArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('changeOrganizationMemberRole' as const), who: whoArb, target: userArb, role: orgRoleArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeOrganizationMember' as const), who: whoArb, target: userArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('setWorkspaceRole' as const), who: whoArb, ws: wsArb, grantee: granteeArb, role: wsRoleArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeWorkspaceMember' as const), who: whoArb, ws: wsArb, target: userArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('addGroupMember' as const), who: whoArb, group: groupArb, target: userArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('removeGroupMember' as const), who: whoArb, group: groupArb, target: userArb }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('createProject' as const),
      who: whoArb,
      ws: wsArb,
      slug: fc.constantFrom(...PROJECT_SLUGS),
      everyoneRole: weighted<ProjRole | null | 'default'>([3, 'default'], [2, 'PROJECT_VIEWER'], [2, 'PROJECT_EDITOR'], [2, null], [1, 'PROJECT_OWNER']),
    }),
  },
  { weight: 4, arbitrary: fc.record({ op: fc.constant('grantProjectAccess' as const), who: whoArb, project: projectArb, grantee: granteeArb, role: grantRoleArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('revokeProjectAccess' as const), who: whoArb, project: projectArb, grantee: granteeArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('transferProjectOwnership' as const), who: whoArb, project: projectArb, target: userArb }) },
);

/** Payloads no state can refuse (the actor may lose sight of the object it changed), but for the new project's id, which its creator sees. */
const PAYLOAD = '{ __typename }';
export const MUTATIONS: Record<Op['op'], string> = {
  addOrganizationMember: mutation('addOrganizationMember', PAYLOAD),
  changeOrganizationMemberRole: mutation('changeOrganizationMemberRole', PAYLOAD),
  removeOrganizationMember: mutation('removeOrganizationMember', PAYLOAD),
  setWorkspaceRole: mutation('setWorkspaceRole', PAYLOAD),
  removeWorkspaceMember: mutation('removeWorkspaceMember', PAYLOAD),
  addGroupMember: mutation('addGroupMember', PAYLOAD),
  removeGroupMember: mutation('removeGroupMember', PAYLOAD),
  createProject: CREATE_PROJECT,
  grantProjectAccess: mutation('grantProjectAccess', PAYLOAD),
  revokeProjectAccess: mutation('revokeProjectAccess', PAYLOAD),
  transferProjectOwnership: mutation('transferProjectOwnership', PAYLOAD),
};

/** The server's IDs of one run's organization. */
export interface World {
  orgId: string;
  orgSlug: string;
  wsIds: string[];
  groupIds: string[];
  /** Parallel to model.projects. */
  projectIds: string[];
}

/** Who acts: a random person, or (privileged) one who holds the rights the operation needs, so that walks get somewhere. */
function actorOf(m: Model, op: Op, project: ModelProject | null): number {
  if (!op.who.privileged) return op.who.i;
  const owners = [...m.org].filter(([, r]) => r === 'OWNER').map(([u]) => u);
  const wsAdmins = (ws: number) => ACTORS.map((_, u) => u).filter((u) => m.org.has(u) && wsRolesOf(m, u, ws).includes('WORKSPACE_ADMIN'));
  let candidates: number[];
  switch (op.op) {
    case 'addOrganizationMember':
    case 'changeOrganizationMemberRole':
    case 'removeOrganizationMember':
      candidates = owners;
      break;
    case 'setWorkspaceRole':
    case 'removeWorkspaceMember':
      candidates = [...owners, ...wsAdmins(op.ws)];
      break;
    case 'addGroupMember':
    case 'removeGroupMember':
      candidates = [...owners, ...wsAdmins(GROUPS[op.group]!.ws)];
      break;
    case 'createProject':
      candidates = [...owners, ...ACTORS.map((_, u) => u).filter((u) => m.org.has(u) && wsRolesOf(m, u, op.ws).length > 0)];
      break;
    case 'grantProjectAccess':
    case 'revokeProjectAccess':
      candidates = project ? [ownerOf(project), ...owners, ...wsAdmins(project.ws)] : owners;
      break;
    case 'transferProjectOwnership':
      candidates = project ? [ownerOf(project), ...owners] : owners;
      break;
  }
  return candidates.length > 0 ? candidates[op.who.i % candidates.length]! : op.who.i;
}

export interface Step {
  actor: number;
  input: Record<string, unknown>;
  /** null: allowed. */
  expected: string | null;
  /** Applies the operation to the model (called only when it was allowed). */
  apply: (response: GraphQLResponse) => void;
  describe: string;
}

/** Predicts an operation's outcome from the model, and how it changes the model. */
export function plan(m: Model, w: World, people: Person[], op: Op): Step {
  const projectIndex = 'project' in op && !op.project.missing && m.projects.length > 0 ? op.project.i % m.projects.length : -1;
  const project = projectIndex >= 0 ? m.projects[projectIndex]! : null;
  const projectId = !('project' in op) ? null : project ? w.projectIds[projectIndex]! : missingId('Project');
  const actor = actorOf(m, op, project);
  const everyone = ACTORS.map((_, u) => u);
  const wsMembers = (ws: number) => everyone.filter((u) => m.ws[ws]!.has(u));
  /** Who `pick` names: among `candidates` when it picks from the state (and there are any), else anyone. */
  const pick = (p: Pick, candidates: number[]) => (p.fromState && candidates.length > 0 ? candidates[p.i % candidates.length]! : p.i);
  const userGrantee = (g: { user: Pick }, candidates: number[]) => pick(g.user, candidates);
  const name = (u: number) => ACTORS[u]!;
  const groupName = (g: number) => `group${g}${GROUPS[g]!.system ? '(everyone)' : ''}`;
  const noop = () => {};
  let expected: string | null = null;
  let apply: (res: GraphQLResponse) => void = noop;
  let input: Record<string, unknown>;
  let describe: string;
  const isWsMember = (ws: number, u: number) => m.ws[ws]!.has(u);
  const ownerCount = [...m.org.values()].filter((r) => r === 'OWNER').length;
  const orgMembers = everyone.filter((u) => m.org.has(u));

  switch (op.op) {
    case 'addOrganizationMember': {
      const target = pick(op.target, everyone.filter((u) => !m.org.has(u)));
      input = { organizationId: w.orgId, userSubject: people[target]!.subject, role: op.role };
      describe = `${name(actor)} addOrganizationMember ${name(target)} ${op.role}`;
      expected = access(m, actor, { level: 'organization' }, ['OWNER']) ?? (m.org.has(target) ? 'CONFLICT' : null);
      apply = () => m.org.set(target, op.role);
      break;
    }
    case 'changeOrganizationMemberRole': {
      const target = pick(op.target, orgMembers);
      input = { organizationId: w.orgId, userId: people[target]!.id, role: op.role };
      describe = `${name(actor)} changeOrganizationMemberRole ${name(target)} ${op.role}`;
      const targetRole = m.org.get(target);
      expected =
        access(m, actor, { level: 'organization' }, ['OWNER']) ??
        (actor === target ? 'FORBIDDEN' : !targetRole ? 'NOT_FOUND' : targetRole === 'OWNER' && op.role !== 'OWNER' && ownerCount <= 1 ? 'CONFLICT' : null);
      apply = () => m.org.set(target, op.role);
      break;
    }
    case 'removeOrganizationMember': {
      const target = pick(op.target, orgMembers);
      input = { organizationId: w.orgId, userId: people[target]!.id };
      describe = `${name(actor)} removeOrganizationMember ${name(target)}`;
      const targetRole = m.org.get(target);
      const ownsProjects = m.projects.some((p) => ownerOf(p) === target);
      expected =
        access(m, actor, { level: 'organization' }, ['OWNER']) ??
        (actor === target ? 'FORBIDDEN' : !targetRole ? 'NOT_FOUND' : targetRole === 'OWNER' && ownerCount <= 1 ? 'CONFLICT' : ownsProjects ? 'CONFLICT' : null);
      apply = () => {
        // Leaving the organization means leaving its workspaces, their groups and the projects' grants.
        m.org.delete(target);
        for (const roles of m.ws) roles.delete(target);
        for (const members of m.groupMembers) members.delete(target);
        for (const p of m.projects) p.users.delete(target);
      };
      break;
    }
    case 'setWorkspaceRole': {
      const user = 'user' in op.grantee ? userGrantee(op.grantee, orgMembers) : null;
      const group = 'group' in op.grantee ? op.grantee.group : null;
      input = { workspaceId: w.wsIds[op.ws]!, ...(user !== null ? { userId: people[user]!.id } : { groupId: w.groupIds[group!] }), role: op.role };
      describe = `${name(actor)} setWorkspaceRole ws${op.ws} ${user !== null ? name(user) : groupName(group!)} ${op.role}`;
      expected =
        access(m, actor, { level: 'workspace', ws: op.ws }, ['WORKSPACE_ADMIN']) ??
        (user !== null ? (m.org.has(user) ? null : 'BAD_USER_INPUT') : GROUPS[group!]!.ws === op.ws ? null : 'NOT_FOUND');
      apply = () => {
        if (user !== null) m.ws[op.ws]!.set(user, op.role);
        else m.groupRole[group!] = op.role;
      };
      break;
    }
    case 'removeWorkspaceMember': {
      const target = pick(op.target, wsMembers(op.ws));
      input = { workspaceId: w.wsIds[op.ws]!, userId: people[target]!.id };
      describe = `${name(actor)} removeWorkspaceMember ws${op.ws} ${name(target)}`;
      const ownsHere = m.projects.some((p) => p.ws === op.ws && ownerOf(p) === target);
      expected =
        access(m, actor, { level: 'workspace', ws: op.ws }, ['WORKSPACE_ADMIN']) ??
        (!isWsMember(op.ws, target) ? 'NOT_FOUND' : ownsHere ? 'CONFLICT' : null);
      apply = () => {
        // Leaving a workspace means leaving its groups and losing its projects' grants.
        m.ws[op.ws]!.delete(target);
        GROUPS.forEach((g, i) => g.ws === op.ws && m.groupMembers[i]!.delete(target));
        for (const p of m.projects) if (p.ws === op.ws) p.users.delete(target);
      };
      break;
    }
    case 'addGroupMember': {
      const group = GROUPS[op.group]!;
      const target = pick(op.target, wsMembers(group.ws).filter((u) => !membersOfGroup(m, op.group).has(u)));
      input = { groupId: w.groupIds[op.group]!, userId: people[target]!.id };
      describe = `${name(actor)} addGroupMember ${groupName(op.group)} ${name(target)}`;
      expected =
        access(m, actor, { level: 'workspace', ws: group.ws }, ['WORKSPACE_ADMIN']) ??
        (group.system ? 'CONFLICT' : !isWsMember(group.ws, target) ? 'BAD_USER_INPUT' : m.groupMembers[op.group]!.has(target) ? 'CONFLICT' : null);
      apply = () => m.groupMembers[op.group]!.add(target);
      break;
    }
    case 'removeGroupMember': {
      const group = GROUPS[op.group]!;
      const target = pick(op.target, [...membersOfGroup(m, op.group)]);
      input = { groupId: w.groupIds[op.group]!, userId: people[target]!.id };
      describe = `${name(actor)} removeGroupMember ${groupName(op.group)} ${name(target)}`;
      expected =
        access(m, actor, { level: 'workspace', ws: group.ws }, ['WORKSPACE_ADMIN']) ??
        (group.system ? 'CONFLICT' : !m.groupMembers[op.group]!.has(target) ? 'NOT_FOUND' : null);
      apply = () => m.groupMembers[op.group]!.delete(target);
      break;
    }
    case 'createProject': {
      input = { workspaceId: w.wsIds[op.ws]!, slug: op.slug, name: `Project ${op.slug}`, ...(op.everyoneRole === 'default' ? {} : { everyoneRole: op.everyoneRole }) };
      describe = `${name(actor)} createProject ws${op.ws} ${op.slug} everyoneRole=${op.everyoneRole}`;
      expected =
        access(m, actor, { level: 'workspace', ws: op.ws }, ['WORKSPACE_USER']) ??
        (op.everyoneRole === 'PROJECT_OWNER' ? 'BAD_USER_INPUT' : m.projects.some((p) => p.ws === op.ws && p.slug === op.slug) ? 'CONFLICT' : null);
      apply = (res) => {
        const everyone = op.everyoneRole === 'default' ? 'PROJECT_VIEWER' : op.everyoneRole;
        const groups = new Map<number, ProjRole>();
        if (everyone) groups.set(GROUPS.findIndex((g) => g.ws === op.ws && g.system), everyone);
        m.projects.push({ ws: op.ws, slug: op.slug, users: new Map([[actor, 'PROJECT_OWNER']]), groups });
        w.projectIds.push(res.data.createProject.project.id);
      };
      break;
    }
    case 'grantProjectAccess':
    case 'revokeProjectAccess': {
      const grant = op.op === 'grantProjectAccess';
      // Grants go to workspace members; revokes name someone holding a grant other than the owner's.
      const candidates = !project ? [] : grant ? wsMembers(project.ws) : [...project.users].filter(([, r]) => r !== 'PROJECT_OWNER').map(([u]) => u);
      const user = 'user' in op.grantee ? userGrantee(op.grantee, candidates) : null;
      const group = 'group' in op.grantee ? op.grantee.group : null;
      input = { projectId, ...(user !== null ? { userId: people[user]!.id } : { groupId: w.groupIds[group!] }), ...(grant ? { role: op.role } : {}) };
      describe = `${name(actor)} ${op.op} ${project ? `${project.slug}@ws${project.ws}` : 'missing-project'} ${user !== null ? name(user) : groupName(group!)}${grant ? ` ${op.role}` : ''}`;
      if (!project) {
        expected = 'NOT_FOUND';
        break;
      }
      const current = user !== null ? project.users.get(user) : project.groups.get(group!);
      const granteeError =
        user !== null ? (isWsMember(project.ws, user) ? null : 'BAD_USER_INPUT') : GROUPS[group!]!.ws === project.ws ? null : 'NOT_FOUND';
      expected =
        access(m, actor, { level: 'project', p: project }, ['WORKSPACE_ADMIN', 'PROJECT_OWNER']) ??
        (grant && op.role === 'PROJECT_OWNER' ? 'BAD_USER_INPUT' : null) ??
        granteeError ??
        (grant ? (current === 'PROJECT_OWNER' ? 'CONFLICT' : null) : !current ? 'NOT_FOUND' : current === 'PROJECT_OWNER' ? 'CONFLICT' : null);
      apply = () => {
        const map: Map<number, ProjRole> = user !== null ? project.users : project.groups;
        const key = user ?? group!;
        if (op.op === 'grantProjectAccess') map.set(key, op.role);
        else map.delete(key);
      };
      break;
    }
    case 'transferProjectOwnership': {
      const target = pick(op.target, project ? wsMembers(project.ws) : []);
      input = { projectId, newOwnerUserId: people[target]!.id };
      describe = `${name(actor)} transferProjectOwnership ${project ? `${project.slug}@ws${project.ws}` : 'missing-project'} to ${name(target)}`;
      if (!project) {
        expected = 'NOT_FOUND';
        break;
      }
      expected =
        access(m, actor, { level: 'project', p: project }, ['PROJECT_OWNER']) ??
        (!isWsMember(project.ws, target) ? 'BAD_USER_INPUT' : ownerOf(project) === target ? 'CONFLICT' : null);
      apply = () => {
        // The old owner stays on as PROJECT_EDITOR.
        project.users.set(ownerOf(project), 'PROJECT_EDITOR');
        project.users.set(target, 'PROJECT_OWNER');
      };
      break;
    }
  }
  return { actor, input, expected, apply, describe };
}
