/**
 * Property-based tests (fast-check) over HTTP, against a real Orgraph and a
 * real OAuth2 issuer on loopback.
 *
 * (a) Random sequences of membership and grant operations, each sent by a
 *     random actor, agree step by step with a small reference model of the
 *     rules (PRODUCT.md, docs/access-model.md, docs/permissions.md), and after
 *     every step the server keeps every invariant: at least one organization
 *     owner, exactly one owner per project, the everyone group equal to the
 *     workspace's members, group members inside the workspace, workspace
 *     members inside the organization. Checked through GraphQL (as an
 *     organization owner) and through SQL.
 * (b) Random queries, built from a grammar over the schema (introspected over
 *     HTTP: every path, arguments from both tenants, aliases, directives,
 *     named and inline fragments, `node { ... on X }`), sent by principals of
 *     tenant A, never return anything of tenant B, and never fail with
 *     INTERNAL_SERVER_ERROR.
 *
 * Reproducing: both properties run with a fixed seed (SEED below, or the
 * environment variable FC_SEED). A failure report prints `seed` and `path`;
 * run that one property again with `FC_SEED=<seed> FC_PATH=<path>` to replay
 * exactly the shrunk counterexample, e.g.
 *   FC_SEED=424242 FC_PATH="12:3:1:0" npx vitest run --project pglite test/http/properties.test.ts -t "random sequences"
 * (`-t "schema-driven"` for (b)). FC_RUNS overrides the number of runs of both properties (for a longer soak);
 * FC_DEBUG=<file> writes (a)'s outcome counts and (b)'s queries and responses there.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  getOperationAST,
  isCompositeType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  validate,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCostOf } from '../../src/graphql/cost.js';
import { DEFAULT_LIMITS, limitRules } from '../../src/graphql/limits.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type GraphQLResponse, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor, type Person } from '../helpers/seed.js';

/** The fixed seed of both properties; FC_SEED overrides it, FC_PATH replays one shrunk case. */
const SEED = Number(process.env.FC_SEED ?? 424242);
const PATH = process.env.FC_PATH;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : undefined;
/** FC_DEBUG=<file>: (a) appends how often each operation had each outcome, (b) every query it sent and the response. */
const DEBUG_FILE = process.env.FC_DEBUG;
const fcOptions = (numRuns: number) => ({ seed: SEED, numRuns: RUNS ?? numRuns, ...(PATH ? { path: PATH } : {}) });

let issuer: TestIssuer;
let server: TestOrgraph;
let seed: ReturnType<typeof seedFor>;

beforeAll(async () => {
  issuer = await startIssuer();
  // These properties send thousands of requests a minute from a few tokens, as a load test would: past
  // any rate limit meant for a web app, so it is off here (rate-limits.test.ts covers it).
  server = await startOrgraph(issuer, { RATE_LIMIT: 'off' });
  seed = seedFor(server, issuer);
});

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
const nodes = (connection: { edges: { node: any }[] }) => connection.edges.map((e) => e.node);
const missingId = (type: string) => Buffer.from(`${type}:${randomUUID()}`).toString('base64url');

async function must(token: string, query: string, input: Record<string, unknown>, what: string): Promise<any> {
  const res = await server.graphql(token, query, { i: input });
  if (res.status !== 200 || res.errors) throw new Error(`${what}: ${res.raw}`);
  return res.data;
}

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return ((await server.orgraph.database.db.execute(query)) as unknown as { rows: T[] }).rows;
}

// ===========================================================================
// (a) Membership and grant operations against a reference model.
// ===========================================================================

type OrgRole = 'OWNER' | 'WRITER' | 'READER';
type WsRole = 'WORKSPACE_ADMIN' | 'WORKSPACE_USER' | 'THEME_EDITOR' | 'RUNTIME_EDITOR' | 'OPERATIONS_EDITOR';
type ProjRole = 'PROJECT_OWNER' | 'PROJECT_EDITOR' | 'PROJECT_VIEWER';
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
const ACTORS = ['pp.o1', 'pp.o2', 'pp.u1', 'pp.u2', 'pp.u3', 'pp.u4'] as const;
const WORKSPACES = 2;
/** Groups: [everyone of ws0, custom of ws0, everyone of ws1, custom of ws1]. */
const GROUPS = [
  { ws: 0, system: true },
  { ws: 0, system: false },
  { ws: 1, system: true },
  { ws: 1, system: false },
] as const;
const PROJECT_SLUGS = ['alpha', 'beta', 'gamma'] as const;

interface ModelProject {
  ws: number;
  slug: string;
  /** User grants, the owner's PROJECT_OWNER included. */
  users: Map<number, ProjRole>;
  /** Group grants, by index into GROUPS. */
  groups: Map<number, ProjRole>;
}

/** The reference model: plain maps of who holds what. */
interface Model {
  org: Map<number, OrgRole>;
  /** Direct workspace roles: workspace members. */
  ws: Map<number, WsRole>[];
  groupRole: (WsRole | null)[];
  /** Members of the custom groups (the everyone groups' members are the workspace's members). */
  groupMembers: Set<number>[];
  projects: ModelProject[];
}

const ownerOf = (p: ModelProject) => [...p.users].find(([, r]) => r === 'PROJECT_OWNER')![0];
const membersOfGroup = (m: Model, g: number): Set<number> => (GROUPS[g]!.system ? new Set(m.ws[GROUPS[g]!.ws]!.keys()) : m.groupMembers[g]!);

/** A user's workspace roles: their own and their groups' (the union). */
function wsRolesOf(m: Model, u: number, ws: number): WsRole[] {
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
type Op =
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

const weighted = <T>(...choices: [number, T][]) => fc.oneof(...choices.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));
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

const opArb: fc.Arbitrary<Op> = fc.oneof(
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

const PAYLOAD = '{ __typename }';
const MUTATIONS: Record<Op['op'], string> = {
  addOrganizationMember: `mutation($i: AddOrganizationMemberInput!) { addOrganizationMember(input: $i) ${PAYLOAD} }`,
  changeOrganizationMemberRole: `mutation($i: ChangeOrganizationMemberRoleInput!) { changeOrganizationMemberRole(input: $i) ${PAYLOAD} }`,
  removeOrganizationMember: `mutation($i: RemoveOrganizationMemberInput!) { removeOrganizationMember(input: $i) ${PAYLOAD} }`,
  setWorkspaceRole: `mutation($i: SetWorkspaceRoleInput!) { setWorkspaceRole(input: $i) ${PAYLOAD} }`,
  removeWorkspaceMember: `mutation($i: RemoveWorkspaceMemberInput!) { removeWorkspaceMember(input: $i) ${PAYLOAD} }`,
  addGroupMember: `mutation($i: AddGroupMemberInput!) { addGroupMember(input: $i) ${PAYLOAD} }`,
  removeGroupMember: `mutation($i: RemoveGroupMemberInput!) { removeGroupMember(input: $i) ${PAYLOAD} }`,
  // The creator reads the new project's id from the payload: as its owner it sees it.
  createProject: `mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }`,
  grantProjectAccess: `mutation($i: GrantProjectAccessInput!) { grantProjectAccess(input: $i) ${PAYLOAD} }`,
  revokeProjectAccess: `mutation($i: RevokeProjectAccessInput!) { revokeProjectAccess(input: $i) ${PAYLOAD} }`,
  transferProjectOwnership: `mutation($i: TransferProjectOwnershipInput!) { transferProjectOwnership(input: $i) ${PAYLOAD} }`,
};

/** The server's IDs of one run's organization. */
interface World {
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

interface Step {
  actor: number;
  input: Record<string, unknown>;
  /** null: allowed. */
  expected: string | null;
  /** Applies the operation to the model (called only when it was allowed). */
  apply: (response: GraphQLResponse) => void;
  describe: string;
}

/** Predicts an operation's outcome from the model, and how it changes the model. */
function plan(m: Model, w: World, people: Person[], op: Op): Step {
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

const GROUP_SELECTION = 'edges { node { id system role members(first: 20) { edges { node { id } } } } }';
const STATE = `query($slug: String!) {
  organization(slug: $slug) {
    members(first: 20) { edges { node { role user { id } } } }
    workspaces(first: 5) { edges { node {
      id
      members(first: 20) { edges { node { role user { id } } } }
      groups(first: 5) { ${GROUP_SELECTION} }
      projects(first: 20) { edges { node { id slug owner { id } grants { role user { id } group { id } } } } }
    } } }
  }
}`;

const sortedEntries = (entries: Iterable<[string, string]>) => [...entries].map(([k, v]) => `${k}=${v}`).sort();

/** The server's state, read as an organization owner, equals the model's. */
async function expectServerMatches(m: Model, w: World, people: Person[], what: string) {
  const reader = [...m.org].find(([, r]) => r === 'OWNER')![0];
  const res = await server.graphql(people[reader]!.token, STATE, { slug: w.orgSlug });
  expect(res.errors, `${what}\nstate read: ${res.raw}`).toBeUndefined();
  const org = res.data.organization;
  expect(org, what).not.toBeNull();
  const id = (u: number) => people[u]!.id;

  expect(sortedEntries(nodes(org.members).map((n: any) => [n.user.id, n.role])), `${what}\norganization members`).toEqual(
    sortedEntries([...m.org].map(([u, r]) => [id(u), r])),
  );
  const workspaces = new Map<string, any>(nodes(org.workspaces).map((n: any) => [n.id, n]));
  expect([...workspaces.keys()].sort(), what).toEqual([...w.wsIds].sort());
  for (let ws = 0; ws < WORKSPACES; ws++) {
    const read = workspaces.get(w.wsIds[ws]!)!;
    const members = sortedEntries(nodes(read.members).map((n: any) => [n.user.id, n.role]));
    expect(members, `${what}\nws${ws} members`).toEqual(sortedEntries([...m.ws[ws]!].map(([u, r]) => [id(u), r])));
    const memberIds = nodes(read.members).map((n: any) => n.user.id as string).sort();
    const groups = new Map<string, any>(nodes(read.groups).map((g: any) => [g.id, g]));
    GROUPS.forEach((group, g) => {
      if (group.ws !== ws) return;
      const got = groups.get(w.groupIds[g]!);
      expect(got, `${what}\ngroup${g} missing: ${JSON.stringify(read.groups)}`).toBeDefined();
      const groupMemberIds = nodes(got.members).map((u: any) => u.id as string).sort();
      expect({ system: got.system, role: got.role }, `${what}\ngroup${g}`).toEqual({ system: group.system, role: m.groupRole[g] });
      expect(groupMemberIds, `${what}\ngroup${g} members`).toEqual([...membersOfGroup(m, g)].map(id).sort());
      // Invariants, on what the server says alone.
      if (group.system) expect(groupMemberIds, `${what}\nthe everyone group of ws${ws} equals its members`).toEqual(memberIds);
      else for (const u of groupMemberIds) expect(memberIds, `${what}\ngroup${g} member ${u} is a ws${ws} member`).toContain(u);
    });
    const modelProjects = m.projects.map((p, i) => ({ p, id: w.projectIds[i]! })).filter(({ p }) => p.ws === ws);
    const projects = nodes(read.projects);
    expect(projects.map((p: any) => p.id).sort(), `${what}\nws${ws} projects`).toEqual(modelProjects.map((p) => p.id).sort());
    for (const { p, id: projectId } of modelProjects) {
      const got = projects.find((x: any) => x.id === projectId);
      const owners = got.grants.filter((g: any) => g.role === 'PROJECT_OWNER');
      expect(owners.length, `${what}\n${p.slug}@ws${ws}: exactly one owner: ${JSON.stringify(got.grants)}`).toBe(1);
      expect(got.owner.id, `${what}\n${p.slug}@ws${ws} owner`).toBe(id(ownerOf(p)));
      const grants = got.grants.map((g: any) => (g.user ? `user ${g.user.id} ${g.role}` : `group ${g.group.id} ${g.role}`)).sort();
      const expectedGrants = [
        ...[...p.users].map(([u, r]) => `user ${id(u)} ${r}`),
        ...[...p.groups].map(([g, r]) => `group ${w.groupIds[g]} ${r}`),
      ].sort();
      expect(grants, `${what}\n${p.slug}@ws${ws} grants`).toEqual(expectedGrants);
    }
  }
}

/** The invariants, counted by the database itself over every organization. */
async function expectDatabaseInvariants(what: string) {
  const [counts] = await rows<Record<string, number>>(sql`
    select
      (select count(*) from organizations o
        where not exists (select 1 from organization_members om where om.organization_id = o.id and om.role = 'OWNER'))::int as "orgsWithoutOwner",
      (select count(*) from projects p
        where (select count(*) from project_grants g where g.project_id = p.id and g.role = 'PROJECT_OWNER') <> 1)::int as "projectsWithoutOneOwner",
      (select count(*) from (
        (select g.id, wr.user_id from groups g join workspace_roles wr on wr.workspace_id = g.workspace_id and wr.user_id is not null where g.system
         except select gm.group_id, gm.user_id from group_members gm join groups g on g.id = gm.group_id where g.system)
        union all
        (select gm.group_id, gm.user_id from group_members gm join groups g on g.id = gm.group_id where g.system
         except select g.id, wr.user_id from groups g join workspace_roles wr on wr.workspace_id = g.workspace_id and wr.user_id is not null where g.system)
      ) d)::int as "everyoneMismatches",
      (select count(*) from group_members gm join groups g on g.id = gm.group_id
        where not exists (select 1 from workspace_roles wr where wr.workspace_id = g.workspace_id and wr.user_id = gm.user_id))::int as "groupMembersOutsideWorkspace",
      (select count(*) from workspace_roles wr join workspaces w on w.id = wr.workspace_id
        where wr.user_id is not null
          and not exists (select 1 from organization_members om where om.organization_id = w.organization_id and om.user_id = wr.user_id))::int as "workspaceMembersOutsideOrganization"
  `);
  expect(counts, what).toEqual({
    orgsWithoutOwner: 0,
    projectsWithoutOneOwner: 0,
    everyoneMismatches: 0,
    groupMembersOutsideWorkspace: 0,
    workspaceMembersOutsideOrganization: 0,
  });
}

const CREATE_WORKSPACE = `mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { workspace { id groups(first: 5) { edges { node { id system } } } } } }`;
const CREATE_GROUP = `mutation($i: CreateGroupInput!) { createGroup(input: $i) { group { id } } }`;

/**
 * A fresh organization for one run: two owners (o1, o2), u1 WRITER, u2 and u3
 * READERs, u4 outside; two workspaces, each with its everyone group and one
 * custom group; u1 WORKSPACE_ADMIN and u2 WORKSPACE_USER of ws0 (u2 also in
 * its custom group), u3 THEME_EDITOR of ws1 and WORKSPACE_ADMIN through ws1's
 * custom group; project `alpha` in ws0, owned by
 * u2, its everyone group PROJECT_VIEWER, u1 and the custom group
 * PROJECT_EDITOR; project `beta` in ws1, owned by u3 alone.
 */
async function newWorld(people: Person[], run: number): Promise<{ m: Model; w: World }> {
  const orgSlug = `prop-walk-${run}`;
  const org = await seed.organization(orgSlug, { owner: ACTORS[0], owners: [ACTORS[1]], writers: [ACTORS[2]], readers: [ACTORS[3], ACTORS[4]] });
  const owner = people[0]!.token;
  const w: World = { orgId: org.id, orgSlug, wsIds: [], groupIds: [], projectIds: [] };
  for (let ws = 0; ws < WORKSPACES; ws++) {
    const created = await must(owner, CREATE_WORKSPACE, { organizationId: org.id, slug: `ws${ws}`, name: `Workspace ${ws}` }, 'createWorkspace');
    const workspace = created.createWorkspace.workspace;
    w.wsIds.push(workspace.id);
    w.groupIds.push(nodes(workspace.groups).find((g: any) => g.system).id);
    const custom = await must(owner, CREATE_GROUP, { workspaceId: workspace.id, name: `team${ws}` }, 'createGroup');
    w.groupIds.push(custom.createGroup.group.id);
  }
  const m: Model = {
    org: new Map<number, OrgRole>([
      [0, 'OWNER'],
      [1, 'OWNER'],
      [2, 'WRITER'],
      [3, 'READER'],
      [4, 'READER'],
    ]),
    ws: [new Map(), new Map()],
    groupRole: GROUPS.map(() => null),
    groupMembers: GROUPS.map(() => new Set<number>()),
    projects: [],
  };
  const initial: [number, number, WsRole][] = [
    [0, 2, 'WORKSPACE_ADMIN'],
    [0, 3, 'WORKSPACE_USER'],
    [1, 4, 'THEME_EDITOR'],
  ];
  for (const [ws, u, role] of initial) {
    await must(owner, MUTATIONS.setWorkspaceRole, { workspaceId: w.wsIds[ws], userId: people[u]!.id, role }, 'setWorkspaceRole');
    m.ws[ws]!.set(u, role);
  }
  await must(owner, MUTATIONS.addGroupMember, { groupId: w.groupIds[1], userId: people[3]!.id }, 'addGroupMember');
  m.groupMembers[1]!.add(3);
  // ws1's custom group is WORKSPACE_ADMIN, and u3 is in it: an admin through a group only.
  await must(owner, MUTATIONS.setWorkspaceRole, { workspaceId: w.wsIds[1], groupId: w.groupIds[3], role: 'WORKSPACE_ADMIN' }, 'setWorkspaceRole');
  m.groupRole[3] = 'WORKSPACE_ADMIN';
  await must(owner, MUTATIONS.addGroupMember, { groupId: w.groupIds[3], userId: people[4]!.id }, 'addGroupMember');
  m.groupMembers[3]!.add(4);
  // u2 creates project `alpha` in ws0 (the everyone group gets PROJECT_VIEWER by default), and grants
  // u1 PROJECT_EDITOR and the custom group PROJECT_EDITOR; u3 creates `beta` in ws1, granted to nobody else.
  const alpha = await must(people[3]!.token, MUTATIONS.createProject, { workspaceId: w.wsIds[0], slug: 'alpha', name: 'Project alpha' }, 'createProject');
  w.projectIds.push(alpha.createProject.project.id);
  await must(people[3]!.token, MUTATIONS.grantProjectAccess, { projectId: w.projectIds[0], userId: people[2]!.id, role: 'PROJECT_EDITOR' }, 'grant');
  await must(people[3]!.token, MUTATIONS.grantProjectAccess, { projectId: w.projectIds[0], groupId: w.groupIds[1], role: 'PROJECT_EDITOR' }, 'grant');
  m.projects.push({
    ws: 0,
    slug: 'alpha',
    users: new Map<number, ProjRole>([
      [3, 'PROJECT_OWNER'],
      [2, 'PROJECT_EDITOR'],
    ]),
    groups: new Map<number, ProjRole>([
      [0, 'PROJECT_VIEWER'],
      [1, 'PROJECT_EDITOR'],
    ]),
  });
  const beta = await must(people[4]!.token, MUTATIONS.createProject, { workspaceId: w.wsIds[1], slug: 'beta', name: 'Project beta', everyoneRole: null }, 'createProject');
  w.projectIds.push(beta.createProject.project.id);
  m.projects.push({ ws: 1, slug: 'beta', users: new Map([[4, 'PROJECT_OWNER']]), groups: new Map() });
  return { m, w };
}

describe('(a) membership and grant operations agree with a reference model and keep every invariant', () => {
  it('random sequences of operations by random actors, 20 runs of up to 25 steps', { timeout: 600_000 }, async () => {
    const people = await Promise.all(ACTORS.map((n) => seed.person(n)));
    let run = 0;
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 25, size: 'max' }), async (ops) => {
        const { m, w } = await newWorld(people, run++);
        await expectServerMatches(m, w, people, 'initial state');
        const trace: string[] = [];
        for (const [stepIndex, op] of ops.entries()) {
          const step = plan(m, w, people, op);
          const res = await server.graphql(people[step.actor]!.token, MUTATIONS[op.op], { i: step.input });
          trace.push(`${stepIndex}: ${step.describe} -> expected ${step.expected ?? 'ok'}, got ${codes(res).join(',') || 'ok'}`);
          const what = `${trace.join('\n')}\nresponse: ${res.raw}`;
          expect(res.status, what).toBe(200);
          if (step.expected === null) {
            expect(res.errors, what).toBeUndefined();
            step.apply(res);
          } else {
            expect(codes(res), what).toEqual([step.expected]);
            expect(res.data ?? null, what).toBeNull();
          }
          const outcome = `${op.op} ${step.expected ?? 'ok'}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
          await expectServerMatches(m, w, people, what);
          await expectDatabaseInvariants(what);
        }
      }),
      fcOptions(20),
    );
    if (DEBUG_FILE) appendFileSync(DEBUG_FILE, `${[...outcomes].sort().map(([k, n]) => `${k}: ${n}`).join('\n')}\n`);
    // The walks reached allowed outcomes of every operation, not only refusals (unless replaying one case).
    if (!PATH) for (const op of Object.keys(MUTATIONS)) expect(outcomes.get(`${op} ok`) ?? 0, `${op} never succeeded: ${JSON.stringify([...outcomes])}`).toBeGreaterThan(0);
  });
});

// ===========================================================================
// (b) Random queries by tenant A's principals never return tenant B's data.
// ===========================================================================

const MUTATE = {
  updateOrganization: `mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { id } } }`,
  createMachineClient: `mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id } } }`,
  createEnvironment: `mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { environment { id } } }`,
  pushEnvironmentGeneration: `mutation($i: PushEnvironmentGenerationInput!) { pushEnvironmentGeneration(input: $i) { generation { number } } }`,
  updateEnvironmentSettings: `mutation($i: UpdateEnvironmentSettingsInput!) { updateEnvironmentSettings(input: $i) { environment { id } } }`,
  publishPackage: `mutation($i: PublishPackageInput!) { publishPackage(input: $i) { package { id } } }`,
  createWorkspace: `mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { workspace { id } } }`,
  setWorkspaceRole: MUTATIONS.setWorkspaceRole,
  createGroup: CREATE_GROUP,
  addGroupMember: MUTATIONS.addGroupMember,
  saveTheme: `mutation($i: SaveThemeInput!) { saveTheme(input: $i) { theme { name } } }`,
  saveFont: `mutation($i: SaveFontInput!) { saveFont(input: $i) { font { family } } }`,
  createProject: `mutation($i: CreateProjectInput!) { createProject(input: $i) { project { id } } }`,
  grantProjectAccess: MUTATIONS.grantProjectAccess,
  saveProcess: `mutation($i: SaveProcessInput!) { saveProcess(input: $i) { process { name } } }`,
  saveTemplate: `mutation($i: SaveTemplateInput!) { saveTemplate(input: $i) { template { name } } }`,
  saveIntegration: `mutation($i: SaveIntegrationInput!) { saveIntegration(input: $i) { integration { name } } }`,
  createBuild: `mutation($i: CreateBuildInput!) { createBuild(input: $i) { build { id } } }`,
  setActivePolicy: `mutation($i: SetActivePolicyInput!) { setActivePolicy(input: $i) { project { id } } }`,
  setConfigParameter: `mutation($i: SetConfigParameterInput!) { setConfigParameter(input: $i) { configParameter { key } } }`,
  startProcessInstance: `mutation($i: StartProcessInstanceInput!) { startProcessInstance(input: $i) { processInstance { id } } }`,
  createOperation: `mutation($i: CreateOperationInput!) { createOperation(input: $i) { operation { kind } } }`,
  setProcessVariable: `mutation($i: SetProcessVariableInput!) { setProcessVariable(input: $i) { processInstance { id } } }`,
};

interface Tenant {
  slug: string;
  owner: Person;
  reader: Person;
  writer: Person;
  wsUser: Person;
  machine: string;
}

/**
 * One tenant with a bit of everything, every name carrying `tag`: a catalog
 * (environments with generations pushed by a user and by the machine client,
 * packages with versions), two workspaces (one slugged `common`, as in the
 * other tenant), groups, projects (one slugged `common`), grants, resources,
 * builds, process instances and operations. `shared` is a member of both tenants.
 */
async function buildTenant(tag: string, shared: string): Promise<Tenant> {
  const orgSlug = `tenant-${tag}`;
  const org = await seed.organization(orgSlug, {
    owner: `${tag}.owner`,
    writers: [`${tag}.writer`],
    readers: [`${tag}.reader`, `${tag}.wsuser`, shared],
  });
  const owner = org.owner;
  const [writer, reader, wsUser, both] = [`${tag}.writer`, `${tag}.reader`, `${tag}.wsuser`, shared].map((n) => org.members[n]!) as [Person, Person, Person, Person];
  const o = owner.token;
  await must(o, MUTATE.updateOrganization, { organizationId: org.id, externalId: `org_${tag}_external` }, 'updateOrganization');
  await must(o, MUTATE.createMachineClient, { organizationId: org.id, clientId: `${tag}-ci`, name: `${tag} CI robot`, role: 'WRITER' }, 'createMachineClient');
  const machine = await issuer.machineToken(`${tag}-ci`);

  // The catalog.
  for (const envName of [`${tag}-env`, 'common']) {
    const env = await must(writer.token, MUTATE.createEnvironment, { organizationId: org.id, name: envName, manifest: { marker: `${tag}-${envName}-manifest-1` } }, 'createEnvironment');
    const environmentId = env.createEnvironment.environment.id;
    await must(machine, MUTATE.pushEnvironmentGeneration, { environmentId, manifest: { marker: `${tag}-${envName}-manifest-2`, [`${tag}-key`]: true }, description: `${tag} pushed by CI` }, 'push');
    await must(o, MUTATE.pushEnvironmentGeneration, { environmentId, manifest: { marker: `${tag}-${envName}-manifest-3` }, description: `${tag} pushed by owner` }, 'push');
    await must(o, MUTATE.updateEnvironmentSettings, { environmentId, ownerUserId: writer.id }, 'updateEnvironmentSettings');
  }
  await must(machine, MUTATE.publishPackage, { organizationId: org.id, name: `${tag}-pkg`, version: `1.0.0-${tag}`, systems: ['x86_64-linux'], description: `${tag} package by CI` }, 'publish');
  await must(o, MUTATE.publishPackage, { organizationId: org.id, name: 'common', version: `2.0.0-${tag}`, systems: ['aarch64-darwin', 'x86_64-linux'], description: `${tag} common package` }, 'publish');

  // Workspaces and projects.
  for (const wsSlug of [`${tag}-ws`, 'common']) {
    const ws = await must(o, MUTATE.createWorkspace, { organizationId: org.id, slug: wsSlug, name: `${tag} workspace ${wsSlug}` }, 'createWorkspace');
    const workspaceId = ws.createWorkspace.workspace.id;
    await must(o, MUTATE.setWorkspaceRole, { workspaceId, userId: wsUser.id, role: 'WORKSPACE_USER' }, 'setWorkspaceRole');
    await must(o, MUTATE.setWorkspaceRole, { workspaceId, userId: both.id, role: 'RUNTIME_EDITOR' }, 'setWorkspaceRole');
    await must(o, MUTATE.setWorkspaceRole, { workspaceId, userId: writer.id, role: 'WORKSPACE_ADMIN' }, 'setWorkspaceRole');
    const group = await must(writer.token, MUTATE.createGroup, { workspaceId, name: `${tag}-group-${wsSlug}`, description: `${tag} group` }, 'createGroup');
    const groupId = group.createGroup.group.id;
    await must(writer.token, MUTATE.addGroupMember, { groupId, userId: wsUser.id }, 'addGroupMember');
    await must(writer.token, MUTATE.setWorkspaceRole, { workspaceId, groupId, role: 'THEME_EDITOR' }, 'setWorkspaceRole');
    await must(wsUser.token, MUTATE.saveTheme, { workspaceId, name: `${tag} theme`, tokens: { primary: `${tag}-primary` } }, 'saveTheme');
    await must(wsUser.token, MUTATE.saveFont, { workspaceId, family: `${tag} Sans`, source: `https://fonts.example/${tag}.woff2` }, 'saveFont');
    for (const projectSlug of [`${tag}-proj`, 'common']) {
      const project = await must(wsUser.token, MUTATE.createProject, { workspaceId, slug: projectSlug, name: `${tag} project ${projectSlug}` }, 'createProject');
      const projectId = project.createProject.project.id;
      await must(wsUser.token, MUTATE.grantProjectAccess, { projectId, groupId, role: 'PROJECT_EDITOR' }, 'grant');
      await must(wsUser.token, MUTATE.grantProjectAccess, { projectId, userId: both.id, role: 'PROJECT_VIEWER' }, 'grant');
      await must(wsUser.token, MUTATE.saveProcess, { projectId, name: `${tag}-process`, definition: { nodes: [`${tag}-start`, `${tag}-end`] } }, 'saveProcess');
      await must(wsUser.token, MUTATE.saveTemplate, { projectId, name: `${tag}-template`, body: { text: `${tag} template body` } }, 'saveTemplate');
      await must(wsUser.token, MUTATE.saveIntegration, { projectId, name: `${tag}-integration`, config: { url: `https://${tag}.example/hook` } }, 'saveIntegration');
      const build = await must(both.token, MUTATE.createBuild, { projectId, version: `3.0.0-${tag}` }, 'createBuild');
      await must(both.token, MUTATE.setActivePolicy, { projectId, buildId: build.createBuild.build.id }, 'setActivePolicy');
      await must(both.token, MUTATE.setConfigParameter, { projectId, key: `${tag}_key`, value: `${tag}-value` }, 'setConfigParameter');
      const instance = await must(wsUser.token, MUTATE.startProcessInstance, { projectId, processName: `${tag}-process`, variables: { who: `${tag}-variable` } }, 'start');
      const processInstanceId = instance.startProcessInstance.processInstance.id;
      await must(both.token, MUTATE.createOperation, { processInstanceId, kind: 'MIGRATION' }, 'createOperation');
      await must(both.token, MUTATE.setProcessVariable, { processInstanceId, name: `${tag}_var`, value: `${tag}-set-value` }, 'setProcessVariable');
    }
  }
  return { slug: orgSlug, owner, reader, writer, wsUser, machine };
}

/**
 * Everything an organization's owner reads of it, in a few queries under the
 * request limits: where the identifiers of the tenant are harvested from.
 */
const HARVEST = [
  `query($slug: String!) { organization(slug: $slug) { id slug name externalId
    members(first: 50) { edges { node { user { id subject email name } } } }
    machineClients(first: 20) { edges { node { id clientId name } } }
    auditLog(first: 100) { edges { node { id targetId details } } } } }`,
  `query($slug: String!) { organization(slug: $slug) {
    environments(first: 20) { edges { node { id name owner { id subject }
      generations(first: 20) { edges { node { number description manifest createdBy { ... on User { id subject } ... on MachineClient { id clientId name } } } } }
      history(first: 20) { edges { node { details actor { ... on User { id } ... on MachineClient { id clientId } } } } } } } }
    packages(first: 20) { edges { node { id name description versions { version description systems publishedBy { ... on User { id } ... on MachineClient { id clientId } } } } } } } }`,
  `query($slug: String!) { organization(slug: $slug) { workspaces(first: 10) { edges { node { id slug name
    themes { name tokens } fonts { family source }
    groups(first: 10) { edges { node { id name displayName description } } }
    projects(first: 10) { edges { node { id slug name grants { role } processes { name definition } templates { name body } integrations { name config }
      builds { id version } activePolicy { id } configParameters { key value }
      processInstances(first: 10) { edges { node { id processName variables } } } } } } } } } } }`,
];

/** Keys whose string values identify something of a tenant (JSON fields' contents are taken whole). */
const IDENTIFYING = new Set([
  'id', 'slug', 'name', 'externalId', 'subject', 'email', 'clientId', 'targetId', 'description', 'displayName', 'version', 'key', 'value',
  'processName', 'family', 'source',
]);
const JSON_FIELDS = new Set(['manifest', 'details', 'definition', 'body', 'config', 'variables', 'tokens']);

/** Every string leaf (and JSON key) of a value. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      strings(v, out);
    }
  }
  return out;
}

/** The identifying strings of a response: values under IDENTIFYING keys, and everything inside JSON fields. */
function identifiers(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) identifiers(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (JSON_FIELDS.has(k)) strings(v, out);
      else if (IDENTIFYING.has(k) && typeof v === 'string') out.add(v);
      else identifiers(v, out);
    }
  }
  return out;
}

async function harvest(t: Tenant): Promise<{ identifiers: Set<string>; ids: Set<string>; slugs: Record<string, Set<string>> }> {
  const found = new Set<string>();
  const ids = new Set<string>();
  const slugs: Record<string, Set<string>> = { organization: new Set(), workspace: new Set(), project: new Set(), environment: new Set(), package: new Set() };
  const collectIds = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v) => collectIds(v));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'id' && typeof v === 'string') ids.add(v);
        else if (!JSON_FIELDS.has(k)) collectIds(v);
      }
    }
  };
  for (const query of HARVEST) {
    const res = await server.graphql(t.owner.token, query, { slug: t.slug });
    if (res.errors) throw new Error(`harvest: ${res.raw}`);
    identifiers(res.data, found);
    collectIds(res.data);
  }
  // Slugs and names by kind: the values of the grammar's slug: and name: arguments.
  const named = await server.graphql(
    t.owner.token,
    `query($slug: String!) { organization(slug: $slug) { slug
      environments(first: 20) { edges { node { name } } } packages(first: 20) { edges { node { name } } }
      workspaces(first: 10) { edges { node { slug projects(first: 10) { edges { node { slug } } } } } } } }`,
    { slug: t.slug },
  );
  if (named.errors) throw new Error(`harvest: ${named.raw}`);
  const org = named.data.organization;
  slugs.organization!.add(org.slug);
  for (const e of nodes(org.environments)) slugs.environment!.add(e.name);
  for (const p of nodes(org.packages)) slugs.package!.add(p.name);
  for (const ws of nodes(org.workspaces)) {
    slugs.workspace!.add(ws.slug);
    for (const p of nodes(ws.projects)) slugs.project!.add(p.slug);
  }
  return { identifiers: found, ids, slugs };
}

// ---------------------------------------------------------------------------
// The query grammar: selections over the introspected schema.

type Directive = null | 'include' | 'skipFalse' | 'skipTrue';
type Arg = { variable: boolean; type: string; value: string | number };
type Selection =
  | { k: 'field'; name: string; alias: boolean; args: [string, Arg][]; directive: Directive; sub: Selection[] | null }
  | { k: 'inline'; on: string | null; directive: Directive; sub: Selection[] }
  | { k: 'named'; on: string; sub: Selection[] };

/** Values for the arguments a path takes, from both tenants (and some that name nothing). */
type ArgumentPools = Record<string, (string | number)[]>;

/** Composite levels below a root field: a leaf sits at depth MAX_LEVELS + 1 at most, the server's depth limit. */
const MAX_LEVELS = DEFAULT_LIMITS.maxDepth - 1;

/**
 * Deep paths that a random walk over the schema seldom reaches, taken from
 * the root now and then; below its end, the selection is random again.
 */
const DEEP_PATHS = [
  'organization workspaces edges node projects edges node grants',
  'organization workspaces edges node projects edges node',
  'organization workspaces edges node groups edges node',
  'organization workspaces edges node members edges node',
  'organization workspace project',
  'organization workspace project processInstances edges node',
  'organization environments edges node generations edges node createdBy',
  'organization environments edges node history edges node',
  'organization environment',
  'organization packages edges node versions',
  'organization package versions publishedBy',
  'organization members edges node user',
  'organization auditLog edges node',
  'organizations edges node',
  'viewer machineClient organization',
].map((path) => path.split(' '));

function queryArbitrary(schema: GraphQLSchema, pools: ArgumentPools): fc.Arbitrary<Selection[]> {
  const types = Object.values(schema.getTypeMap()).filter(
    (t): t is GraphQLCompositeType => isCompositeType(t) && !t.name.startsWith('__') && t !== schema.getMutationType(),
  );
  const directiveArb = weighted<Directive>([12, null], [1, 'include'], [1, 'skipFalse'], [1, 'skipTrue']);
  const aliasArb = weighted([5, false], [1, true]);

  /** The arguments of a field: the pooled ones, `first` now and then; null when a required one has no pool. */
  const argsOf = (type: GraphQLCompositeType, field: GraphQLField<unknown, unknown>): fc.Arbitrary<[string, Arg][]> | null => {
    const parts: fc.Arbitrary<[string, Arg] | null>[] = [];
    for (const arg of field.args) {
      const pool = pools[`${type.name}.${field.name}.${arg.name}`];
      if (arg.name === 'first') {
        parts.push(weighted<[string, Arg] | null>([2, null], [1, ['first', { variable: false, type: 'Int', value: 1 }]], [2, ['first', { variable: false, type: 'Int', value: 2 }]], [1, ['first', { variable: false, type: 'Int', value: 3 }]]));
      } else if (pool) {
        parts.push(fc.tuple(fc.constantFrom(...pool), weighted([2, false], [1, true])).map(([value, variable]) => [arg.name, { variable, type: String(arg.type), value }] as [string, Arg]));
      } else if (isNonNullType(arg.type) && arg.defaultValue === undefined) {
        return null;
      }
    }
    return fc.tuple(...parts).map((all) => all.filter((a): a is [string, Arg] => a !== null));
  };

  /** One field per step of `path` from the root, then a random selection of the type it ends at. */
  const pathArbitrary = (path: string[], tie: (key: string) => fc.Arbitrary<unknown>): fc.Arbitrary<Selection> => {
    let type: GraphQLCompositeType = schema.getQueryType()!;
    const steps = path.map((name) => {
      const parent = type;
      const field = (parent as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[name];
      if (!field) throw new Error(`${parent.name} has no field ${name}`);
      type = getNamedType(field.type) as GraphQLCompositeType;
      return { parent, field };
    });
    let sub = tie(`${type.name}@${MAX_LEVELS - path.length}`) as fc.Arbitrary<Selection[]>;
    let item: fc.Arbitrary<Selection> | null = null;
    for (const { parent, field } of steps.reverse()) {
      const args = argsOf(parent, field);
      if (args === null) throw new Error(`no arguments for ${parent.name}.${field.name}`);
      item = fc.record({ k: fc.constant('field' as const), name: fc.constant(field.name), alias: aliasArb, args, directive: fc.constant(null), sub });
      sub = item.map((selection) => [selection]);
    }
    return item!;
  };

  return fc.letrec((tie) => {
    const table: Record<string, fc.Arbitrary<Selection[]>> = {};
    for (const type of types) {
      for (let level = 0; level <= MAX_LEVELS; level++) {
        const key = `${type.name}@${level}`;
        const items: fc.WeightedArbitrary<Selection>[] = [];
        const leafNames = ['__typename'];
        if (isObjectType(type) || isInterfaceType(type)) {
          const composites: fc.Arbitrary<Selection>[] = [];
          for (const field of Object.values(type.getFields())) {
            const args = argsOf(type, field);
            if (args === null) continue;
            const named = getNamedType(field.type);
            if (isLeafType(named)) {
              if (field.args.length === 0) leafNames.push(field.name);
            } else if (level > 0) {
              composites.push(
                fc.record({
                  k: fc.constant('field' as const),
                  name: fc.constant(field.name),
                  alias: aliasArb,
                  args,
                  directive: directiveArb,
                  sub: tie(`${named.name}@${level - 1}`) as fc.Arbitrary<Selection[]>,
                }),
              );
            }
          }
          if (composites.length > 0) items.push({ weight: 6, arbitrary: fc.oneof(...composites) });
        }
        items.unshift({
          // Types with few leaves (Query, connections) lean towards their composite fields.
          weight: Math.min(6, 2 * leafNames.length),
          arbitrary: fc.record({ k: fc.constant('field' as const), name: fc.constantFrom(...leafNames), alias: aliasArb, args: fc.constant([]), directive: directiveArb, sub: fc.constant(null) }),
        });
        if (level > 0) {
          // Fragments: on the type itself, on its interfaces, or on the possible types of an abstract type.
          const conditions = isObjectType(type) ? [type.name, ...type.getInterfaces().map((i) => i.name)] : [type.name, ...schema.getPossibleTypes(type).map((t) => t.name)];
          const sub = (on: string) => tie(`${on}@${level - 1}`) as fc.Arbitrary<Selection[]>;
          items.push({
            weight: 2,
            arbitrary: fc.oneof(
              ...[null, ...conditions].map((on) => fc.record({ k: fc.constant('inline' as const), on: fc.constant(on), directive: directiveArb, sub: sub(on ?? type.name) })),
            ),
          });
          items.push({
            weight: 1,
            arbitrary: fc.oneof(...conditions.map((on) => fc.record({ k: fc.constant('named' as const), on: fc.constant(on), sub: sub(on) }))),
          });
        }
        if (type === schema.getQueryType() && level === MAX_LEVELS) {
          items.push({ weight: 6, arbitrary: fc.oneof(...DEEP_PATHS.map((path) => pathArbitrary(path, tie))) });
        }
        table[key] = fc.array(fc.oneof(...items), { minLength: 1, maxLength: 3 });
      }
    }
    return table;
  })[`${schema.getQueryType()!.name}@${MAX_LEVELS}`]!;
}

/** Prints a selection tree as one operation, with named fragments and variables; repeated response keys get aliases. */
function printQuery(schema: GraphQLSchema, root: Selection[]): { query: string; variables: Record<string, unknown> } {
  let aliases = 0;
  const fragments: string[] = [];
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  const directive = (d: Directive) => (d === 'include' ? ' @include(if: true)' : d === 'skipFalse' ? ' @skip(if: false)' : d === 'skipTrue' ? ' @skip(if: true)' : '');

  /** `keys`: response key -> merge signature (null: never merged) within one selection set, fragments included. */
  const printSet = (type: GraphQLCompositeType, selections: Selection[], keys: Map<string, string | null>): string =>
    selections.map((s) => printSelection(type, s, keys)).join(' ');

  const printSelection = (type: GraphQLCompositeType, s: Selection, keys: Map<string, string | null>): string => {
    if (s.k === 'inline') {
      const on = s.on ?? type.name;
      return `...${s.on ? ` on ${s.on}` : ''}${directive(s.directive)} { ${printSet(schema.getType(on) as GraphQLCompositeType, s.sub, keys)} }`;
    }
    if (s.k === 'named') {
      const name = `F${fragments.length + 1}`;
      fragments.push('');
      const index = fragments.length - 1;
      fragments[index] = `fragment ${name} on ${s.on} { ${printSet(schema.getType(s.on) as GraphQLCompositeType, s.sub, keys)} }`;
      return `...${name}`;
    }
    const field = s.name === '__typename' ? null : (type as { getFields(): Record<string, GraphQLField<unknown, unknown>> }).getFields()[s.name]!;
    const signature = s.sub === null && s.args.length === 0 ? `${s.name}: ${field ? String(field.type) : 'String!'}` : null;
    let key = s.alias ? `a${++aliases}` : s.name;
    if (!s.alias && keys.has(key)) {
      const previous = keys.get(key);
      if (previous === null || signature === null || previous !== signature) key = `a${++aliases}`;
    }
    keys.set(key, signature);
    const args = s.args.map(([name, arg]) => {
      if (!arg.variable) return `${name}: ${JSON.stringify(arg.value)}`;
      const variable = `v${Object.keys(variables).length + 1}`;
      variables[variable] = arg.value;
      definitions.push(`$${variable}: ${arg.type}`);
      return `${name}: $${variable}`;
    });
    const head = `${key === s.name ? '' : `${key}: `}${s.name}${args.length ? `(${args.join(', ')})` : ''}${directive(s.directive)}`;
    if (s.sub === null) return head;
    return `${head} { ${printSet(getNamedType(field!.type) as GraphQLCompositeType, s.sub, new Map())} }`;
  };

  const body = printSet(schema.getQueryType()!, root, new Map());
  const query = `query Probe${definitions.length ? `(${definitions.join(', ')})` : ''} { ${body} }${fragments.length ? `\n${fragments.join('\n')}` : ''}`;
  return { query, variables };
}

/**
 * graphql-js's introspection query with a TypeRef fragment three `ofType`s
 * deep (enough for `[X!]!`): the standard one nests nine and is refused by
 * the depth limit (depth 15 > 12).
 */
function introspectionQuery(): string {
  const standard = getIntrospectionQuery();
  const typeRef = 'fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
  return `${standard.slice(0, standard.indexOf('fragment TypeRef'))}${typeRef}`;
}

/** Whether the server's request limits accept the document (the server refuses the others before executing anything). */
const costOf = createCostOf();

/** Within the document limits (validation) and the cost limit (with the query's variables), as the server counts them. */
function withinLimits(schema: GraphQLSchema, query: string, variables: Record<string, unknown>): boolean {
  try {
    const document = parse(query, { maxTokens: DEFAULT_LIMITS.maxTokens });
    if (validate(schema, document, limitRules(DEFAULT_LIMITS)).length > 0) return false;
    const operation = getOperationAST(document);
    const cost = operation && costOf(schema, document, operation, variables);
    return !cost || (cost.cost <= DEFAULT_LIMITS.maxCost && cost.introspectionCost <= DEFAULT_LIMITS.maxIntrospectionCost);
  } catch {
    return false;
  }
}

const NODE_TYPES = ['Organization', 'User', 'MachineClient', 'Environment', 'Package', 'Workspace', 'Group', 'Project', 'Build', 'ProcessInstance'];
const isNodeId = (id: string) => NODE_TYPES.includes(Buffer.from(id, 'base64url').toString('utf8').split(':')[0]!);

/** Where in a response a forbidden string appears (keys and values, at any depth). */
function findLeaks(value: unknown, forbidden: Set<string>, path = '$'): string[] {
  if (typeof value === 'string') return forbidden.has(value) ? [`${path} = ${JSON.stringify(value)}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findLeaks(v, forbidden, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(forbidden.has(k) ? [`${path} has key ${JSON.stringify(k)}`] : []), ...findLeaks(v, forbidden, `${path}.${k}`)]);
  }
  return [];
}

describe('(b) random queries by principals of one tenant never return data of another', () => {
  it('schema-driven queries (paths, node(id:), aliases, fragments, directives) by four principals of tenant A', { timeout: 600_000 }, async () => {
    const a = await buildTenant('alpha', 'both.shared');
    const b = await buildTenant('zeta', 'both.shared');
    const [ha, hb] = [await harvest(a), await harvest(b)];
    // B's identifiers: what B's owner reads of B, less what also belongs to A (the shared member, `common` slugs, ...).
    const forbidden = new Set([...hb.identifiers].filter((s) => !ha.identifiers.has(s)));
    const shared = await seed.person('both.shared');
    for (const s of [shared.id, shared.subject, 'common']) expect(forbidden.has(s), s).toBe(false);
    for (const s of [b.slug, 'tenant-zeta org', 'zeta-ci', 'zeta-env', 'zeta-pkg', '1.0.0-zeta', 'zeta-ws', 'zeta-proj', 'zeta-process', 'zeta-value', 'org_zeta_external', b.owner.id, b.owner.subject]) {
      expect(forbidden.has(s), `${s} is one of B's identifiers`).toBe(true);
    }
    expect(hb.ids.size).toBeGreaterThan(20);
    expect([...hb.ids].every((id) => forbidden.has(id) || ha.ids.has(id))).toBe(true);

    // The schema, as tooling sees it (introspection over HTTP).
    const introspection = await server.graphql(a.owner.token, introspectionQuery());
    expect(introspection.errors).toBeUndefined();
    const schema = buildClientSchema(introspection.data as IntrospectionQuery);

    // Tenant A's values twice as often as B's, so that most queries walk through A's objects (where a nested leak would show).
    const both = (kind: string, extra: string[] = []) => [...ha.slugs[kind]!, ...ha.slugs[kind]!, ...hb.slugs[kind]!, ...extra];
    const pools: ArgumentPools = {
      // Global IDs of every node type of both tenants (audit events are no nodes), and some that name nothing.
      'Query.node.id': [...ha.ids, ...ha.ids, ...hb.ids].filter(isNodeId).concat(missingId('Organization'), missingId('Project'), missingId('User')),
      'Query.organization.slug': both('organization', ['no-such-org']),
      'Organization.workspace.slug': both('workspace', ['no-such-ws']),
      'Workspace.project.slug': both('project', ['no-such-project']),
      'Organization.environment.name': both('environment', ['no-such-env']),
      'Organization.package.name': both('package', ['no-such-pkg']),
    };
    const principals: Record<string, string> = {
      'A owner': a.owner.token,
      'A reader': a.reader.token,
      'A workspace user': a.wsUser.token,
      'A machine client (WRITER)': a.machine,
    };

    const queries = queryArbitrary(schema, pools)
      .map((root) => printQuery(schema, root))
      .filter(({ query, variables }) => withinLimits(schema, query, variables));
    const aIdentifiers = new Set([...ha.identifiers].filter((s) => !hb.identifiers.has(s)));
    let answered = 0;
    let withAData = 0;
    let namingB = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(principals)), queries, async (who, { query, variables }) => {
        const res = await server.graphql(principals[who]!, query, variables);
        const what = `${who}\n${query}\nvariables: ${JSON.stringify(variables)}\nresponse: ${res.raw.slice(0, 4000)}`;
        expect(res.status, what).toBe(200);
        expect(res.data, what).toBeTruthy();
        for (const error of res.errors ?? []) {
          expect(error.extensions?.code, what).not.toBe('INTERNAL_SERVER_ERROR');
          expect(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'], what).toContain(error.extensions?.code);
        }
        expect(findLeaks(res.data, forbidden), what).toEqual([]);
        // Error messages name nothing of B that the query did not name itself.
        const echoed = strings({ query, variables });
        const inMessages = [...forbidden].filter((s) => s.length >= 6 && !echoed.has(s) && !query.includes(s) && (res.errors ?? []).some((e) => e.message.includes(s)));
        expect(inMessages, what).toEqual([]);
        answered++;
        if (DEBUG_FILE) appendFileSync(DEBUG_FILE, `${JSON.stringify({ who, query, variables, response: res.raw })}\n`);
        if (findLeaks(res.data, aIdentifiers).length > 0) withAData++;
        if ([...hb.ids, b.slug].some((s) => query.includes(s) || Object.values(variables).includes(s))) namingB++;
      }),
      fcOptions(400),
    );
    // Not vacuous: many queries read tenant A's data, and many named tenant B's objects.
    if (PATH) return;
    expect(withAData, `${withAData} of ${answered} responses carried tenant A's data`).toBeGreaterThan(answered / 6);
    expect(namingB, `${namingB} of ${answered} queries named tenant B's objects`).toBeGreaterThan(answered / 10);
  });
});
