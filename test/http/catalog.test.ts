/**
 * The organization catalog of FloxHub (seeds/000_9ae949426edc673f.txt, PRODUCT.md's
 * access model): environments with numbered generations and a history, packages
 * with versions and systems. Sentence by sentence, over HTTP, with real signed
 * tokens from an issuer on loopback (machine tokens through a real
 * client-credentials grant).
 *
 * `server.snapshot()` only covers the foundation tables; `everything()` below
 * adds the catalog tables, so "changes nothing" means every row of every table.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type GraphQLResponse, type TestOrgraph } from '../helpers/orgraph.js';
import { ADD_MEMBER, seedFor, type Person, type SeededOrganization } from '../helpers/seed.js';

let issuer: TestIssuer;
let server: TestOrgraph;
let seed: ReturnType<typeof seedFor>;

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  seed = seedFor(server, issuer);
});

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

// ---------------------------------------------------------------------------
// Operations, exactly as clients send them.

const ACTOR = `__typename ... on User { id subject } ... on MachineClient { id clientId }`;

const CREATE_CLIENT = `mutation($i: CreateMachineClientInput!) {
  createMachineClient(input: $i) { machineClient { id clientId role } }
}`;
const UPDATE_ORG = `mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { id externalId } } }`;
const CREATE_ENV = `mutation($i: CreateEnvironmentInput!) {
  createEnvironment(input: $i) {
    environment {
      id name owner { id }
      currentGeneration { number description manifest createdBy { ${ACTOR} } }
    }
  }
}`;
const PUSH = `mutation($i: PushEnvironmentGenerationInput!) {
  pushEnvironmentGeneration(input: $i) {
    generation { number description manifest createdBy { ${ACTOR} } }
    environment { id name currentGeneration { number manifest } }
  }
}`;
const SWITCH = `mutation($i: SwitchEnvironmentGenerationInput!) {
  switchEnvironmentGeneration(input: $i) { environment { id name currentGeneration { number description manifest } } }
}`;
const UPDATE_SETTINGS = `mutation($i: UpdateEnvironmentSettingsInput!) {
  updateEnvironmentSettings(input: $i) { environment { id name owner { id subject } } }
}`;
const DELETE_ENV = `mutation($i: DeleteEnvironmentInput!) {
  deleteEnvironment(input: $i) { deletedEnvironmentId organization { slug } }
}`;
const PUBLISH = `mutation($i: PublishPackageInput!) {
  publishPackage(input: $i) {
    package { id name description versions { version systems description } }
    version { version systems description publishedBy { ${ACTOR} } }
  }
}`;

const ENV_LIST = `query($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    environments(first: $first, after: $after) {
      edges { cursor node { id name } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    }
  }
}`;
/** "pull": the current generation's manifest, with the generations and the history. */
const ENV = `query($slug: String!, $name: String!) {
  organization(slug: $slug) {
    environment(name: $name) {
      id name owner { id subject }
      currentGeneration { number description manifest createdBy { ${ACTOR} } }
      generations(first: 100) { edges { node { number description manifest createdBy { ${ACTOR} } } } }
      history(first: 100) { edges { node { kind generation details actor { ${ACTOR} } } } }
    }
  }
}`;
const GENERATIONS_PAGE = `query($slug: String!, $name: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    environment(name: $name) {
      generations(first: $first, after: $after) {
        edges { cursor node { number } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      }
    }
  }
}`;
const HISTORY_PAGE = `query($slug: String!, $name: String!, $first: Int, $after: String) {
  organization(slug: $slug) {
    environment(name: $name) {
      history(first: $first, after: $after) {
        edges { cursor node { kind generation } }
        pageInfo { hasNextPage endCursor }
      }
    }
  }
}`;
const PACKAGES = `query($slug: String!, $first: Int, $after: String) {
  organization(slug: $slug) { packages(first: $first, after: $after) { edges { node { id name } } pageInfo { hasNextPage endCursor } } }
}`;
/** "install": a package's versions and the systems each is built for. */
const PACKAGE = `query($slug: String!, $name: String!) {
  organization(slug: $slug) {
    package(name: $name) { id name description versions { version systems description publishedBy { ${ACTOR} } } }
  }
}`;
const NODE = `query($id: ID!) {
  node(id: $id) { __typename id ... on Environment { name } ... on Package { name } }
}`;
const AUDIT = `query($slug: String!) {
  organization(slug: $slug) {
    auditLog(first: 100) {
      edges { node { operation actorKind targetId details actorUser { id subject } actorMachineClient { id clientId } } }
    }
  }
}`;

// ---------------------------------------------------------------------------
// Small local helpers.

const CATALOG_TABLES = ['environments', 'environment_generations', 'environment_events', 'packages', 'package_versions', 'audit_events'] as const;

/** Every row of the catalog tables (and the audit log of changes: refused attempts are recorded on purpose). */
async function catalogTables(): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const table of CATALOG_TABLES) {
    const where = table === 'audit_events' ? ` where outcome = 'SUCCEEDED'` : '';
    const result = (await server.orgraph.database.db.execute(sql.raw(`select * from ${table}${where} order by 1`))) as unknown as { rows: unknown[] };
    out[table] = result.rows;
  }
  return out;
}

/** Every row of every table: the foundation ones and the catalog ones. */
async function everything(): Promise<Record<string, unknown[]>> {
  return { ...(await server.snapshot()), ...(await catalogTables()) };
}

/** Runs `call`, asserting that no table, the catalog and the audit log included, changed. */
async function unchanged<T>(call: () => Promise<T>, label = ''): Promise<T> {
  const before = await everything();
  const result = await call();
  const after = await everything();
  expect(after.audit_events!.length, `${label}: an audit row was written`).toBe(before.audit_events!.length);
  expect(after, `${label}: the database changed`).toEqual(before);
  return result;
}

const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
const fieldOf = (res: GraphQLResponse) => (res.errors?.[0]?.extensions as Record<string, unknown> | undefined)?.field;

function expectOk(res: GraphQLResponse, label = '') {
  expect(res.status, `${label}: ${res.raw}`).toBe(200);
  expect(res.errors, `${label}: ${res.raw}`).toBeUndefined();
}

interface Expected {
  code: 'FORBIDDEN' | 'NOT_FOUND' | 'BAD_USER_INPUT' | 'CONFLICT';
  /** For BAD_USER_INPUT from a resolver: the exact `extensions.field`. */
  field?: string;
  /** HTTP status; 200 unless the request fails before execution (Apollo's 400). */
  status?: number;
}

/** A mutation that must fail: the expected status, exactly one error with the code (and field), no data, nothing changed. */
async function expectRefused(token: string, query: string, input: Record<string, unknown>, expected: Expected, label = '') {
  const res = await unchanged(() => server.graphql(token, query, { i: input }), label);
  const what = `${label}: ${res.raw}`;
  expect(res.status, what).toBe(expected.status ?? 200);
  expect(codes(res), what).toEqual([expected.code]);
  expect(res.data ?? null, what).toBeNull();
  if (expected.code === 'BAD_USER_INPUT' && (expected.status ?? 200) === 200) {
    expect(typeof fieldOf(res), `BAD_USER_INPUT without extensions.field: ${what}`).toBe('string');
  }
  if (expected.field !== undefined) expect(fieldOf(res), what).toBe(expected.field);
  return res;
}

/** A mutation that must succeed; returns its payload. */
async function mutate(token: string, query: string, input: Record<string, unknown>, label = ''): Promise<any> {
  const res = await server.graphql(token, query, { i: input });
  expectOk(res, label);
  return Object.values(res.data as Record<string, unknown>)[0];
}

async function readEnvironment(token: string, slug: string, name: string): Promise<any> {
  const res = await server.graphql(token, ENV, { slug, name });
  expectOk(res, `environment(name: ${name})`);
  expect(res.data.organization, `${slug} is not visible`).not.toBeNull();
  return res.data.organization.environment;
}

async function environmentNames(token: string, slug: string): Promise<string[]> {
  const res = await server.graphql(token, ENV_LIST, { slug, first: 100 });
  expectOk(res, 'environments');
  return res.data.organization.environments.edges.map((e: any) => e.node.name);
}

const nodes = (connection: any) => connection.edges.map((e: any) => e.node);

const globalId = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString('base64url');
const missingEnvironmentId = () => globalId('Environment', randomUUID());
const missingOrganizationId = () => globalId('Organization', randomUUID());

const userActor = (p: Person) => ({ __typename: 'User', id: p.id, subject: p.subject });
const machineActor = (id: string, clientId: string) => ({ __typename: 'MachineClient', id, clientId });

/** Registers a machine client as the owner; returns its global ID. */
async function createClient(org: SeededOrganization, clientId: string, role: string): Promise<string> {
  const payload = await mutate(org.owner.token, CREATE_CLIENT, { organizationId: org.id, clientId, name: clientId, role }, `createMachineClient ${clientId}`);
  return payload.machineClient.id;
}

/** The audit rows written since `before` (a catalogTables() snapshot), oldest first. */
async function auditRowsSince(before: Record<string, unknown[]>): Promise<any[]> {
  const seen = new Set(before.audit_events!.map((r: any) => String(r.id)));
  return (await catalogTables()).audit_events!.filter((r: any) => !seen.has(String(r.id)));
}

// ---------------------------------------------------------------------------
// 1. The rules, across principals.

type RoleName = 'OWNER' | 'WRITER' | 'READER';
interface Principal {
  label: string;
  key: string;
  role: RoleName;
  machine: boolean;
}

const PRINCIPALS: Principal[] = [
  { label: 'an OWNER user', key: 'owner-user', role: 'OWNER', machine: false },
  { label: 'a WRITER user', key: 'writer-user', role: 'WRITER', machine: false },
  { label: 'a READER user', key: 'reader-user', role: 'READER', machine: false },
  { label: 'a WRITER machine client', key: 'writer-ci', role: 'WRITER', machine: true },
  { label: 'a READER machine client', key: 'reader-ci', role: 'READER', machine: true },
];
const WRITERS = PRINCIPALS.filter((p) => p.role !== 'READER');
const READERS = PRINCIPALS.filter((p) => p.role === 'READER');

describe('the catalog rules: writers and owners create and update; readers view, pull and install', () => {
  const slug = 'catalog-rules';
  let org: SeededOrganization;
  const tokens: Record<string, string> = {};
  const actors: Record<string, Record<string, string>> = {};
  let rhea: Person;
  let shared: { id: string };
  let sharedPackageId: string;

  beforeAll(async () => {
    org = await seed.organization(slug, { owner: 'olive', writers: ['walt'], readers: ['rhea'] });
    rhea = org.members.rhea!;
    const people: Record<string, Person> = { 'owner-user': org.owner, 'writer-user': org.members.walt!, 'reader-user': rhea };
    for (const [key, person] of Object.entries(people)) {
      tokens[key] = person.token;
      actors[key] = userActor(person);
    }
    for (const [key, role] of [['writer-ci', 'WRITER'], ['reader-ci', 'READER']] as const) {
      const clientId = `rules-${key}`;
      const id = await createClient(org, clientId, role);
      tokens[key] = await issuer.machineToken(clientId);
      actors[key] = machineActor(id, clientId);
    }
    // The catalog everyone reads, and readers try to change.
    shared = (await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: 'shared', manifest: { install: { hello: '1' } } })).environment;
    await mutate(org.owner.token, PUSH, { environmentId: shared.id, manifest: { install: { hello: '2' } }, description: 'hello 2' });
    sharedPackageId = (await mutate(org.owner.token, PUBLISH, { organizationId: org.id, name: 'shared-pkg', version: '1.0.0', systems: ['x86_64-linux'] })).package.id;
    await mutate(org.owner.token, PUBLISH, {
      organizationId: org.id,
      name: 'shared-pkg',
      version: '2.0.0',
      systems: ['x86_64-linux', 'aarch64-darwin'],
      description: 'Shared',
    });
  });

  it.each(PRINCIPALS.map((p) => [p.label, p] as const))(
    '%s sees all environments and packages of the organization: lists them, pulls the current generation, reads generations and history, installs packages',
    async (_label, p) => {
      const token = tokens[p.key]!;
      const role = await server.graphql(token, `query($slug: String!) { organization(slug: $slug) { viewerRole } }`, { slug });
      expectOk(role, p.label);
      expect(role.data.organization.viewerRole).toBe(p.role);

      expect(await environmentNames(token, slug), p.label).toContain('shared');

      const env = await readEnvironment(token, slug, 'shared');
      expect(env, p.label).toMatchObject({
        id: shared.id,
        name: 'shared',
        owner: { id: org.owner.id },
        currentGeneration: { number: 2, description: 'hello 2', manifest: { install: { hello: '2' } }, createdBy: userActor(org.owner) },
      });
      expect(nodes(env.generations).map((g: any) => [g.number, g.manifest]), p.label).toEqual([
        [1, { install: { hello: '1' } }],
        [2, { install: { hello: '2' } }],
      ]);
      expect(nodes(env.history).map((h: any) => [h.kind, h.generation]), p.label).toEqual([
        ['CREATED', 1],
        ['GENERATION_PUSHED', 2],
      ]);

      const packages = await server.graphql(token, PACKAGES, { slug, first: 100 });
      expectOk(packages, p.label);
      expect(nodes(packages.data.organization.packages).map((n: any) => n.name), p.label).toContain('shared-pkg');

      const pkg = await server.graphql(token, PACKAGE, { slug, name: 'shared-pkg' });
      expectOk(pkg, p.label);
      expect(pkg.data.organization.package).toMatchObject({ id: sharedPackageId, name: 'shared-pkg', description: 'Shared' });
      expect(pkg.data.organization.package.versions.map((v: any) => [v.version, [...v.systems].sort()]), p.label).toEqual([
        ['1.0.0', ['x86_64-linux']],
        ['2.0.0', ['aarch64-darwin', 'x86_64-linux']],
      ]);

      for (const [id, typename, name] of [[shared.id, 'Environment', 'shared'], [sharedPackageId, 'Package', 'shared-pkg']] as const) {
        const node = await server.graphql(token, NODE, { id });
        expectOk(node, p.label);
        expect(node.data.node, p.label).toEqual({ __typename: typename, id, name });
      }
    },
  );

  it.each(WRITERS.map((p) => [p.label, p] as const))(
    '%s can create and update environments and packages: create, push, switch, rename, change owner, delete, publish',
    async (_label, p) => {
      const token = tokens[p.key]!;
      const actor = actors[p.key]!;
      const name = `${p.key}-env`;
      const before = await catalogTables();

      const created = await mutate(token, CREATE_ENV, { organizationId: org.id, name, manifest: { by: p.key } }, `${p.label} createEnvironment`);
      const env = created.environment;
      expect(env).toMatchObject({
        name,
        owner: p.machine ? null : { id: actor.id },
        currentGeneration: { number: 1, manifest: { by: p.key }, createdBy: actor },
      });

      const pushed = await mutate(token, PUSH, { environmentId: env.id, manifest: { by: p.key, n: 2 }, description: `push by ${p.key}` }, `${p.label} push`);
      expect(pushed.generation).toEqual({ number: 2, description: `push by ${p.key}`, manifest: { by: p.key, n: 2 }, createdBy: actor });
      expect(pushed.environment).toMatchObject({ id: env.id, currentGeneration: { number: 2 } });

      const switched = await mutate(token, SWITCH, { environmentId: env.id, generation: 1 }, `${p.label} switch`);
      expect(switched.environment).toMatchObject({ id: env.id, currentGeneration: { number: 1, manifest: { by: p.key } } });

      const renamed = await mutate(token, UPDATE_SETTINGS, { environmentId: env.id, name: `${name}-renamed` }, `${p.label} rename`);
      expect(renamed.environment).toMatchObject({ id: env.id, name: `${name}-renamed` });

      const reowned = await mutate(token, UPDATE_SETTINGS, { environmentId: env.id, ownerUserId: rhea.id }, `${p.label} owner change`);
      expect(reowned.environment).toMatchObject({ id: env.id, owner: { id: rhea.id, subject: rhea.subject } });

      const published = await mutate(
        token,
        PUBLISH,
        { organizationId: org.id, name: `${p.key}-pkg`, version: '0.1.0', systems: ['x86_64-linux'], description: `by ${p.key}` },
        `${p.label} publish`,
      );
      expect(published.package).toMatchObject({ name: `${p.key}-pkg`, description: `by ${p.key}`, versions: [{ version: '0.1.0', systems: ['x86_64-linux'] }] });
      expect(published.version).toMatchObject({ version: '0.1.0', systems: ['x86_64-linux'], publishedBy: actor });

      const read = await readEnvironment(token, slug, `${name}-renamed`);
      expect(read.currentGeneration.number).toBe(1);
      expect(nodes(read.generations).map((g: any) => g.number)).toEqual([1, 2]);
      expect(nodes(read.history).map((h: any) => h.kind)).toEqual(['CREATED', 'GENERATION_PUSHED', 'GENERATION_SWITCHED', 'RENAMED', 'OWNER_CHANGED']);
      for (const h of nodes(read.history)) expect(h.actor).toEqual(actor);

      const deleted = await mutate(token, DELETE_ENV, { environmentId: env.id }, `${p.label} delete`);
      expect(deleted).toEqual({ deletedEnvironmentId: env.id, organization: { slug } });
      expect(await environmentNames(token, slug)).not.toContain(`${name}-renamed`);

      const audit = await auditRowsSince(before);
      expect(audit.map((r) => r.operation)).toEqual([
        'createEnvironment',
        'pushEnvironmentGeneration',
        'switchEnvironmentGeneration',
        'updateEnvironmentSettings',
        'updateEnvironmentSettings',
        'publishPackage',
        'deleteEnvironment',
      ]);
      for (const row of audit) {
        expect(row.actor_kind).toBe(p.machine ? 'MACHINE' : 'USER');
        expect(row.actor_machine_client_id === null).toBe(!p.machine);
        expect(row.actor_user_id === null).toBe(p.machine);
      }
    },
  );

  it.each(READERS.map((p) => [p.label, p] as const))(
    '%s cannot create or modify environments or packages: every write is FORBIDDEN and changes nothing, not even the audit log',
    async (_label, p) => {
      const token = tokens[p.key]!;
      const writes: [string, string, Record<string, unknown>][] = [
        ['createEnvironment', CREATE_ENV, { organizationId: org.id, name: `${p.key}-env`, manifest: { x: 1 } }],
        ['createEnvironment with no manifest', CREATE_ENV, { organizationId: org.id, name: `${p.key}-bare` }],
        ['pushEnvironmentGeneration', PUSH, { environmentId: shared.id, manifest: { x: 1 }, description: 'sneaky' }],
        ['switchEnvironmentGeneration', SWITCH, { environmentId: shared.id, generation: 1 }],
        ['updateEnvironmentSettings (rename)', UPDATE_SETTINGS, { environmentId: shared.id, name: 'taken-over' }],
        ['updateEnvironmentSettings (owner change)', UPDATE_SETTINGS, { environmentId: shared.id, ownerUserId: rhea.id }],
        ['deleteEnvironment', DELETE_ENV, { environmentId: shared.id }],
        ['publishPackage (new package)', PUBLISH, { organizationId: org.id, name: `${p.key}-pkg`, version: '1.0.0', systems: ['x86_64-linux'] }],
        ['publishPackage (new version)', PUBLISH, { organizationId: org.id, name: 'shared-pkg', version: '3.0.0', systems: ['x86_64-linux'], description: 'x' }],
      ];
      for (const [operation, query, input] of writes) {
        await expectRefused(token, query, input, { code: 'FORBIDDEN' }, `${p.label}, ${operation}`);
      }
      // And the environment still reads as before.
      const env = await readEnvironment(token, slug, 'shared');
      expect(env).toMatchObject({ name: 'shared', owner: { id: org.owner.id }, currentGeneration: { number: 2 } });
    },
  );
});

// ---------------------------------------------------------------------------
// 2. Nobody outside the organization learns that any of it exists.

describe('environments and packages are visible to the organization only', () => {
  const slug = 'hidden-catalog';
  let hidden: SeededOrganization;
  let secretEnvId: string;
  let secretPackageId: string;
  let outsiders: [string, string][];

  beforeAll(async () => {
    hidden = await seed.organization(slug, { owner: 'hal', writers: ['hedy'] });
    secretEnvId = (await mutate(hidden.owner.token, CREATE_ENV, { organizationId: hidden.id, name: 'secret', manifest: { s: 1 } })).environment.id;
    await mutate(hidden.owner.token, PUSH, { environmentId: secretEnvId, manifest: { s: 2 } });
    secretPackageId = (await mutate(hidden.owner.token, PUBLISH, { organizationId: hidden.id, name: 'secret-pkg', version: '1.0.0', systems: ['x86_64-linux'] })).package
      .id;
    const elsewhere = await seed.organization('elsewhere', { owner: 'ezra', writers: ['nina'] });
    await createClient(elsewhere, 'elsewhere-ci', 'OWNER');
    // nina is a WRITER of both organizations, but her token is narrowed (org_id) to the other one.
    const nina = await seed.person('nina');
    await mutate(hidden.owner.token, ADD_MEMBER, { organizationId: hidden.id, userSubject: nina.subject, role: 'WRITER' });
    await mutate(elsewhere.owner.token, UPDATE_ORG, { organizationId: elsewhere.id, externalId: 'org_elsewhere' });
    outsiders = [
      ['a user of another organization', elsewhere.owner.token],
      ['a machine client of another organization', await issuer.machineToken('elsewhere-ci')],
      ['a member whose token is narrowed to another organization', await issuer.userToken(nina.subject, { org_id: 'org_elsewhere' })],
    ];
  });

  it('a user or machine client of another organization gets null from organization(slug:) and node(id:) for its environments and packages', async () => {
    for (const [label, token] of outsiders) {
      const res = await server.graphql(token, `query($slug: String!, $env: ID!, $pkg: ID!) {
        organization(slug: $slug) { id environment(name: "secret") { id } package(name: "secret-pkg") { id } }
        env: node(id: $env) { id }
        pkg: node(id: $pkg) { id }
      }`, { slug, env: secretEnvId, pkg: secretPackageId });
      expect(res.errors, `${label}: ${res.raw}`).toBeUndefined();
      expect(res.data, label).toEqual({ organization: null, env: null, pkg: null });
      // Not even in its own organization under the same names.
      const own = await server.graphql(token, `{ organization(slug: "elsewhere") { environment(name: "secret") { id } package(name: "secret-pkg") { id } } }`);
      expectOk(own, label);
      expect(own.data.organization, label).toEqual({ environment: null, package: null });
    }
    // The members do see them, on every path.
    const member = await server.graphql(hidden.members.hedy!.token, `query($env: ID!, $pkg: ID!) { env: node(id: $env) { id } pkg: node(id: $pkg) { id } }`, {
      env: secretEnvId,
      pkg: secretPackageId,
    });
    expect(member.data).toEqual({ env: { id: secretEnvId }, pkg: { id: secretPackageId } });
  });

  it('every catalog mutation naming its environmentId or organizationId is NOT_FOUND, never FORBIDDEN, with the same message as for an ID that does not exist', async () => {
    const mutations = (organizationId: string, environmentId: string): [string, string, Record<string, unknown>][] => [
      ['createEnvironment', CREATE_ENV, { organizationId, name: 'planted', manifest: {} }],
      ['pushEnvironmentGeneration', PUSH, { environmentId, manifest: { pwned: true } }],
      ['switchEnvironmentGeneration', SWITCH, { environmentId, generation: 1 }],
      ['updateEnvironmentSettings (rename)', UPDATE_SETTINGS, { environmentId, name: 'pwned' }],
      ['updateEnvironmentSettings (owner change)', UPDATE_SETTINGS, { environmentId, ownerUserId: hidden.owner.id }],
      ['deleteEnvironment', DELETE_ENV, { environmentId }],
      ['publishPackage (new package)', PUBLISH, { organizationId, name: 'planted-pkg', version: '1.0.0', systems: ['x86_64-linux'] }],
      ['publishPackage (new version)', PUBLISH, { organizationId, name: 'secret-pkg', version: '9.9.9', systems: ['x86_64-linux'] }],
    ];
    const real = mutations(hidden.id, secretEnvId);
    const missing = mutations(missingOrganizationId(), missingEnvironmentId());
    for (const [label, token] of outsiders) {
      for (let i = 0; i < real.length; i++) {
        const [name, query, input] = real[i]!;
        const res = await expectRefused(token, query, input, { code: 'NOT_FOUND' }, `${label}, ${name}`);
        const [, missingQuery, missingInput] = missing[i]!;
        const absent = await expectRefused(token, missingQuery, missingInput, { code: 'NOT_FOUND' }, `${label}, ${name} on a missing ID`);
        expect(res.errors!.map((e) => e.message), `${label}, ${name}`).toEqual(absent.errors!.map((e) => e.message));
      }
    }
    const env = await readEnvironment(hidden.owner.token, slug, 'secret');
    expect(env.currentGeneration).toMatchObject({ number: 2, manifest: { s: 2 } });
  });
});

// ---------------------------------------------------------------------------
// 3. Generations and history.

describe('each environment has a current generation and a history of changes', () => {
  const slug = 'history';
  let org: SeededOrganization;
  let hope: Person, will: Person;
  let ciId: string;
  let ci: string;
  let envId: string;

  beforeAll(async () => {
    org = await seed.organization(slug, { owner: 'hope', writers: ['will'] });
    [hope, will] = [org.owner, org.members.will!];
    ciId = await createClient(org, 'history-ci', 'WRITER');
    ci = await issuer.machineToken('history-ci');
  });

  it('createEnvironment makes generation 1, current, with the given manifest ({} when omitted)', async () => {
    const created = await mutate(hope.token, CREATE_ENV, { organizationId: org.id, name: 'app', manifest: { install: { a: 1 } } });
    envId = created.environment.id;
    expect(created.environment).toMatchObject({
      name: 'app',
      owner: { id: hope.id },
      currentGeneration: { number: 1, manifest: { install: { a: 1 } }, createdBy: userActor(hope) },
    });
    const bare = await mutate(will.token, CREATE_ENV, { organizationId: org.id, name: 'bare' });
    expect(bare.environment.currentGeneration).toMatchObject({ number: 1, manifest: {}, createdBy: userActor(will) });
    const byNull = await mutate(will.token, CREATE_ENV, { organizationId: org.id, name: 'bare-null', manifest: null });
    expect(byNull.environment.currentGeneration).toMatchObject({ number: 1, manifest: {} });
    const byMachine = await mutate(ci, CREATE_ENV, { organizationId: org.id, name: 'robot-made', manifest: { r: 1 } });
    expect(byMachine.environment).toMatchObject({ owner: null, currentGeneration: { number: 1, createdBy: machineActor(ciId, 'history-ci') } });
  });

  it('each push makes generation N+1 and current, with its description and author (a User, or the MachineClient for a machine token)', async () => {
    const second = await mutate(will.token, PUSH, { environmentId: envId, manifest: { install: { a: 2 } }, description: 'second' });
    expect(second.generation).toEqual({ number: 2, description: 'second', manifest: { install: { a: 2 } }, createdBy: userActor(will) });
    expect(second.environment.currentGeneration).toEqual({ number: 2, manifest: { install: { a: 2 } } });

    const third = await mutate(ci, PUSH, { environmentId: envId, manifest: { install: { a: 3 } }, description: 'third, from CI' });
    expect(third.generation).toEqual({ number: 3, description: 'third, from CI', manifest: { install: { a: 3 } }, createdBy: machineActor(ciId, 'history-ci') });

    const env = await readEnvironment(hope.token, slug, 'app');
    expect(env.currentGeneration).toMatchObject({ number: 3, description: 'third, from CI', manifest: { install: { a: 3 } }, createdBy: machineActor(ciId, 'history-ci') });
    expect(nodes(env.generations).map((g: any) => [g.number, g.description, g.createdBy.__typename])).toEqual([
      [1, expect.anything(), 'User'],
      [2, 'second', 'User'],
      [3, 'third, from CI', 'MachineClient'],
    ]);
  });

  it('switching back to an earlier generation makes it current, is recorded in history, and makes no new generation', async () => {
    const before = await catalogTables();
    const switched = await mutate(hope.token, SWITCH, { environmentId: envId, generation: 1 });
    expect(switched.environment.currentGeneration).toMatchObject({ number: 1, manifest: { install: { a: 1 } } });
    const after = await catalogTables();
    expect(after.environment_generations).toEqual(before.environment_generations);

    const env = await readEnvironment(will.token, slug, 'app');
    expect(env.currentGeneration).toMatchObject({ number: 1, manifest: { install: { a: 1 } } });
    expect(nodes(env.generations).map((g: any) => g.number)).toEqual([1, 2, 3]);
    const last = nodes(env.history).at(-1);
    expect(last).toEqual({ kind: 'GENERATION_SWITCHED', generation: 1, details: { from: 3, to: 1 }, actor: userActor(hope) });

    // The next push is N+1 after the newest generation, not after the current one.
    const pushed = await mutate(will.token, PUSH, { environmentId: envId, manifest: { install: { a: 4 } } });
    expect(pushed.generation).toMatchObject({ number: 4, description: null, manifest: { install: { a: 4 } } });
    expect(pushed.environment.currentGeneration.number).toBe(4);
  });

  it('renames and owner changes appear in the history, in order, with their details', async () => {
    const renamed = await mutate(will.token, UPDATE_SETTINGS, { environmentId: envId, name: 'app-2' });
    expect(renamed.environment).toMatchObject({ id: envId, name: 'app-2', owner: { id: hope.id } });
    const reowned = await mutate(ci, UPDATE_SETTINGS, { environmentId: envId, ownerUserId: will.id });
    expect(reowned.environment).toMatchObject({ id: envId, name: 'app-2', owner: { id: will.id } });

    const old = await server.graphql(hope.token, ENV, { slug, name: 'app' });
    expectOk(old);
    expect(old.data.organization.environment).toBeNull();

    const env = await readEnvironment(hope.token, slug, 'app-2');
    expect(env).toMatchObject({ id: envId, name: 'app-2', owner: { id: will.id, subject: will.subject } });
    const robot = machineActor(ciId, 'history-ci');
    expect(nodes(env.history)).toEqual([
      { kind: 'CREATED', generation: 1, details: expect.anything(), actor: userActor(hope) },
      { kind: 'GENERATION_PUSHED', generation: 2, details: expect.anything(), actor: userActor(will) },
      { kind: 'GENERATION_PUSHED', generation: 3, details: expect.anything(), actor: robot },
      { kind: 'GENERATION_SWITCHED', generation: 1, details: { from: 3, to: 1 }, actor: userActor(hope) },
      { kind: 'GENERATION_PUSHED', generation: 4, details: expect.anything(), actor: userActor(will) },
      { kind: 'RENAMED', generation: 4, details: { from: 'app', to: 'app-2' }, actor: userActor(will) },
      { kind: 'OWNER_CHANGED', generation: 4, details: { from: hope.id, to: will.id }, actor: robot },
    ]);
  });

  it('one call can rename and change the owner: both appear in history', async () => {
    const both = await mutate(hope.token, UPDATE_SETTINGS, { environmentId: envId, name: 'app-3', ownerUserId: hope.id });
    expect(both.environment).toMatchObject({ name: 'app-3', owner: { id: hope.id } });
    const env = await readEnvironment(hope.token, slug, 'app-3');
    expect(nodes(env.history).slice(-2).map((h: any) => [h.kind, h.details])).toEqual([
      ['RENAMED', { from: 'app-2', to: 'app-3' }],
      ['OWNER_CHANGED', { from: will.id, to: hope.id }],
    ]);
  });

  it('concurrent pushes each get their own generation number: N+1, N+2, ... with none lost or repeated', async () => {
    const created = await mutate(hope.token, CREATE_ENV, { organizationId: org.id, name: 'busy' });
    const tokens = [hope.token, will.token, ci];
    const results = await Promise.all(
      Array.from({ length: 9 }, (_, i) => server.graphql(tokens[i % 3]!, PUSH, { i: { environmentId: created.environment.id, manifest: { push: i } } })),
    );
    for (const res of results) expectOk(res, 'concurrent push');
    const numbers = results.map((r) => r.data.pushEnvironmentGeneration.generation.number).sort((a: number, b: number) => a - b);
    expect(numbers).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const env = await readEnvironment(hope.token, slug, 'busy');
    expect(env.currentGeneration.number).toBe(10);
    expect(nodes(env.generations).map((g: any) => g.number)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The current generation is the last push to commit: its manifest is that push's.
    const last = results.find((r) => r.data.pushEnvironmentGeneration.generation.number === 10)!;
    expect(env.currentGeneration.manifest).toEqual(last.data.pushEnvironmentGeneration.generation.manifest);
  });

  it('concurrent creates of one name: exactly one succeeds, the others are CONFLICT', async () => {
    const results = await Promise.all(
      [hope.token, will.token, ci, hope.token].map((token) => server.graphql(token, CREATE_ENV, { i: { organizationId: org.id, name: 'raced' } })),
    );
    const ok = results.filter((r) => r.errors === undefined);
    const refused = results.filter((r) => r.errors !== undefined);
    expect(ok, results.map((r) => r.raw).join('\n')).toHaveLength(1);
    for (const r of refused) expect(codes(r), r.raw).toEqual(['CONFLICT']);
    expect((await environmentNames(hope.token, slug)).filter((n) => n === 'raced')).toHaveLength(1);
  });

  it('switching to the current generation is CONFLICT; to a generation that does not exist, NOT_FOUND; both change nothing', async () => {
    const env = await readEnvironment(hope.token, slug, 'app-3');
    expect(env.currentGeneration.number).toBe(4);
    await expectRefused(hope.token, SWITCH, { environmentId: envId, generation: 4 }, { code: 'CONFLICT' }, 'switch to current');
    await expectRefused(ci, SWITCH, { environmentId: envId, generation: 4 }, { code: 'CONFLICT' }, 'machine switch to current');
    for (const generation of [5, 99, 0, -1]) {
      await expectRefused(hope.token, SWITCH, { environmentId: envId, generation }, { code: 'NOT_FOUND' }, `switch to ${generation}`);
    }
  });
});

// ---------------------------------------------------------------------------
// 4. deleteEnvironment.

describe('deleting an environment', () => {
  const slug = 'deletions';
  let org: SeededOrganization;
  let envId: string;

  beforeAll(async () => {
    org = await seed.organization(slug, { owner: 'dora', writers: ['dan'] });
    envId = (await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: 'doomed', manifest: { v: 1 } })).environment.id;
    await mutate(org.owner.token, PUSH, { environmentId: envId, manifest: { v: 2 }, description: 'v2' });
    await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: 'survivor' });
  });

  it('removes it from every path: environment(name:) and node(id:) read null, environments no longer lists it', async () => {
    const deleted = await mutate(org.members.dan!.token, DELETE_ENV, { environmentId: envId });
    expect(deleted).toEqual({ deletedEnvironmentId: envId, organization: { slug } });
    for (const token of [org.owner.token, org.members.dan!.token]) {
      const res = await server.graphql(token, `query($id: ID!) {
        organization(slug: "deletions") { environment(name: "doomed") { id } environments(first: 100) { edges { node { name } } } }
        node(id: $id) { id }
      }`, { id: envId });
      expectOk(res);
      expect(res.data).toEqual({ organization: { environment: null, environments: { edges: [{ node: { name: 'survivor' } }] } }, node: null });
    }
  });

  it('mutations on its id answer NOT_FOUND and change nothing', async () => {
    const token = org.owner.token;
    await expectRefused(token, PUSH, { environmentId: envId, manifest: { v: 3 } }, { code: 'NOT_FOUND' }, 'push');
    await expectRefused(token, SWITCH, { environmentId: envId, generation: 1 }, { code: 'NOT_FOUND' }, 'switch');
    await expectRefused(token, UPDATE_SETTINGS, { environmentId: envId, name: 'revived' }, { code: 'NOT_FOUND' }, 'rename');
    await expectRefused(token, UPDATE_SETTINGS, { environmentId: envId, ownerUserId: org.owner.id }, { code: 'NOT_FOUND' }, 'owner change');
    await expectRefused(token, DELETE_ENV, { environmentId: envId }, { code: 'NOT_FOUND' }, 'delete again');
  });

  it('its audit events remain in the organization’s audit log', async () => {
    const res = await server.graphql(org.owner.token, AUDIT, { slug });
    expectOk(res);
    const ofIt = nodes(res.data.organization.auditLog)
      .filter((e: any) => e.targetId === envId)
      .map((e: any) => e.operation);
    expect(ofIt).toEqual(['deleteEnvironment', 'pushEnvironmentGeneration', 'createEnvironment']);
  });

  it('its name can be reused by a new environment, which starts afresh at generation 1', async () => {
    const created = await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: 'doomed', manifest: { fresh: true } });
    expect(created.environment.id).not.toBe(envId);
    const env = await readEnvironment(org.owner.token, slug, 'doomed');
    expect(env.id).toBe(created.environment.id);
    expect(env.currentGeneration).toMatchObject({ number: 1, manifest: { fresh: true } });
    expect(nodes(env.generations).map((g: any) => g.number)).toEqual([1]);
    expect(nodes(env.history).map((h: any) => h.kind)).toEqual(['CREATED']);
    // The deleted one stays deleted.
    const node = await server.graphql(org.owner.token, NODE, { id: envId });
    expect(node.data.node).toBeNull();
    // And a rename onto a deleted environment's old name is fine too.
    expectOk(await server.graphql(org.owner.token, DELETE_ENV, { i: { environmentId: created.environment.id } }));
    const survivor = await readEnvironment(org.owner.token, slug, 'survivor');
    const renamed = await mutate(org.owner.token, UPDATE_SETTINGS, { environmentId: survivor.id, name: 'doomed' });
    expect(renamed.environment.name).toBe('doomed');
  });
});

// ---------------------------------------------------------------------------
// 5. Packages.

describe('packages: details, supported systems and available versions', () => {
  const slug = 'packages';
  let org: SeededOrganization;
  let ci: string;
  let ciId: string;
  let packageId: string;

  beforeAll(async () => {
    org = await seed.organization(slug, { owner: 'paula', readers: ['pete'] });
    ciId = await createClient(org, 'packages-ci', 'WRITER');
    ci = await issuer.machineToken('packages-ci');
  });

  it('publishPackage creates the package with its first version', async () => {
    const published = await mutate(org.owner.token, PUBLISH, {
      organizationId: org.id,
      name: 'hello',
      version: '1.0.0',
      systems: ['x86_64-linux', 'aarch64-darwin'],
      description: 'Says hello',
    });
    packageId = published.package.id;
    expect(published.package).toMatchObject({ name: 'hello', description: 'Says hello' });
    expect(published.package.versions.map((v: any) => v.version)).toEqual(['1.0.0']);
    expect([...published.version.systems].sort()).toEqual(['aarch64-darwin', 'x86_64-linux']);
    expect(published.version.publishedBy).toEqual(userActor(org.owner));
  });

  it('a second version is added; versions list their systems, oldest first, readable by a reader', async () => {
    const published = await mutate(ci, PUBLISH, {
      organizationId: org.id,
      name: 'hello',
      version: '1.1.0',
      systems: ['x86_64-linux', 'aarch64-linux', 'x86_64-darwin', 'aarch64-darwin'],
      description: 'Says hello, louder',
    });
    expect(published.package.id).toBe(packageId);
    expect(published.version.publishedBy).toEqual(machineActor(ciId, 'packages-ci'));

    const res = await server.graphql(org.members.pete!.token, PACKAGE, { slug, name: 'hello' });
    expectOk(res);
    const pkg = res.data.organization.package;
    expect(pkg).toMatchObject({ id: packageId, name: 'hello', description: 'Says hello, louder' });
    expect(pkg.versions.map((v: any) => [v.version, [...v.systems].sort(), v.publishedBy.__typename])).toEqual([
      ['1.0.0', ['aarch64-darwin', 'x86_64-linux'], 'User'],
      ['1.1.0', ['aarch64-darwin', 'aarch64-linux', 'x86_64-darwin', 'x86_64-linux'], 'MachineClient'],
    ]);
    const list = await server.graphql(org.members.pete!.token, PACKAGES, { slug, first: 100 });
    expect(nodes(list.data.organization.packages)).toEqual([{ id: packageId, name: 'hello' }]);
  });

  it('republishing an existing version is CONFLICT and changes nothing, not even the package description', async () => {
    for (const token of [org.owner.token, ci]) {
      await expectRefused(
        token,
        PUBLISH,
        { organizationId: org.id, name: 'hello', version: '1.0.0', systems: ['x86_64-linux'], description: 'Rewritten history' },
        { code: 'CONFLICT' },
        'republish 1.0.0',
      );
    }
    const res = await server.graphql(org.owner.token, PACKAGE, { slug, name: 'hello' });
    expect(res.data.organization.package.description).toBe('Says hello, louder');
    expect(res.data.organization.package.versions.map((v: any) => [v.version, v.description])).toEqual([
      ['1.0.0', 'Says hello'],
      ['1.1.0', 'Says hello, louder'],
    ]);
  });

  it('the package description is the description of the latest published version', async () => {
    await mutate(org.owner.token, PUBLISH, { organizationId: org.id, name: 'described', version: '1', systems: ['x86_64-linux'], description: 'First words' });
    await mutate(org.owner.token, PUBLISH, { organizationId: org.id, name: 'described', version: '2', systems: ['x86_64-linux'], description: 'Second words' });
    let res = await server.graphql(org.owner.token, PACKAGE, { slug, name: 'described' });
    expect(res.data.organization.package.description).toBe('Second words');
    // The latest version carries no description: neither does the package.
    await mutate(org.owner.token, PUBLISH, { organizationId: org.id, name: 'described', version: '3', systems: ['x86_64-linux'] });
    res = await server.graphql(org.owner.token, PACKAGE, { slug, name: 'described' });
    const pkg = res.data.organization.package;
    expect(pkg.versions.at(-1)).toMatchObject({ version: '3', description: null });
    expect(pkg.description).toBe(pkg.versions.at(-1).description);
  });

  const publish = (fields: Record<string, unknown>) => ({ name: 'fresh', version: '1.0.0', systems: ['x86_64-linux'], ...fields });

  it.each([
    ['upper case', 'Hello'],
    ['empty', ''],
    ['a leading hyphen', '-hello'],
    ['a space', 'hel lo'],
    ['a slash', 'hel/lo'],
    ['101 characters', 'h'.repeat(101)],
  ])('refuses a package name with %s (%j): BAD_USER_INPUT on name, nothing changes', async (_label, name) => {
    await expectRefused(org.owner.token, PUBLISH, { organizationId: org.id, ...publish({ name }) }, { code: 'BAD_USER_INPUT', field: 'name' }, `name ${name}`);
  });

  it.each([
    ['empty', ''],
    ['a leading dot', '.1'],
    ['a space', '1 0'],
    ['a slash', '1/0'],
    ['65 characters', '1'.repeat(65)],
  ])('refuses a version with %s (%j): BAD_USER_INPUT on version, nothing changes', async (_label, version) => {
    await expectRefused(org.owner.token, PUBLISH, { organizationId: org.id, ...publish({ version }) }, { code: 'BAD_USER_INPUT', field: 'version' }, `version ${version}`);
    // Not even a new version of an existing package.
    await expectRefused(org.owner.token, PUBLISH, { organizationId: org.id, ...publish({ name: 'hello', version }) }, { code: 'BAD_USER_INPUT', field: 'version' }, `hello ${version}`);
  });

  it.each([
    ['empty', []],
    ['an unknown system', ['x86_64-windows']],
    ['an unknown system beside known ones', ['x86_64-linux', 'riscv64-linux']],
    ['a duplicate system', ['x86_64-linux', 'x86_64-linux']],
    ['an empty string', ['']],
  ])('refuses systems that are %s: BAD_USER_INPUT on systems, nothing changes', async (_label, systems) => {
    await expectRefused(org.owner.token, PUBLISH, { organizationId: org.id, ...publish({ systems }) }, { code: 'BAD_USER_INPUT', field: 'systems' }, `systems ${systems}`);
    await expectRefused(ci, PUBLISH, { organizationId: org.id, ...publish({ name: 'hello', version: '2.0.0', systems }) }, { code: 'BAD_USER_INPUT', field: 'systems' }, `hello systems ${systems}`);
  });

  it('refuses a malformed organizationId: BAD_USER_INPUT on organizationId', async () => {
    for (const organizationId of ['nope', globalId('Organization', 'not-a-uuid')]) {
      await expectRefused(org.owner.token, PUBLISH, { organizationId, ...publish({}) }, { code: 'BAD_USER_INPUT', field: 'organizationId' }, organizationId);
    }
  });
});

// ---------------------------------------------------------------------------
// 6. Bad input for environments.

describe('bad input for environments is refused and changes nothing', () => {
  const slug = 'env-bad-input';
  let org: SeededOrganization;
  let bea: Person;
  let stranger: Person;
  let oneId: string;
  let twoId: string;
  let packageId: string;

  beforeAll(async () => {
    org = await seed.organization(slug, { owner: 'bea', writers: ['ben-w'] });
    bea = org.owner;
    stranger = await seed.person('stranger');
    await seed.organization('stranger-org', { owner: 'stranger' });
    oneId = (await mutate(bea.token, CREATE_ENV, { organizationId: org.id, name: 'one' })).environment.id;
    twoId = (await mutate(bea.token, CREATE_ENV, { organizationId: org.id, name: 'two' })).environment.id;
    packageId = (await mutate(bea.token, PUBLISH, { organizationId: org.id, name: 'pkg', version: '1', systems: ['x86_64-linux'] })).package.id;
  });

  const envMutations = (environmentId: string): [string, string, Record<string, unknown>][] => [
    ['pushEnvironmentGeneration', PUSH, { environmentId, manifest: { a: 1 } }],
    ['switchEnvironmentGeneration', SWITCH, { environmentId, generation: 1 }],
    ['updateEnvironmentSettings', UPDATE_SETTINGS, { environmentId, name: 'renamed' }],
    ['deleteEnvironment', DELETE_ENV, { environmentId }],
  ];

  it('an unknown (well-formed) environmentId is NOT_FOUND', async () => {
    for (const [name, query, input] of envMutations(missingEnvironmentId())) {
      await expectRefused(bea.token, query, input, { code: 'NOT_FOUND' }, name);
    }
  });

  it.each([
    ['a word', () => 'nope'],
    ['base64 garbage', () => Buffer.from('\x00\xff garbage').toString('base64')],
    ['an Environment ID whose uuid is not one', () => globalId('Environment', '1234')],
    ['a User ID', () => bea.id],
    ['an Organization ID', () => org.id],
    ['a Package ID', () => packageId],
  ])('a malformed environmentId (%s) is BAD_USER_INPUT on environmentId', async (_label, id) => {
    for (const [name, query, input] of envMutations(id())) {
      await expectRefused(bea.token, query, input, { code: 'BAD_USER_INPUT', field: 'environmentId' }, name);
    }
  });

  it('a duplicate name is CONFLICT, on create and on rename', async () => {
    await expectRefused(bea.token, CREATE_ENV, { organizationId: org.id, name: 'one' }, { code: 'CONFLICT' }, 'create duplicate');
    await expectRefused(org.members['ben-w']!.token, CREATE_ENV, { organizationId: org.id, name: 'two', manifest: { x: 1 } }, { code: 'CONFLICT' }, 'create duplicate');
    await expectRefused(bea.token, UPDATE_SETTINGS, { environmentId: twoId, name: 'one' }, { code: 'CONFLICT' }, 'rename onto another');
  });

  it.each([
    ['empty', ''],
    ['a leading hyphen', '-env'],
    ['a space', 'my env'],
    ['a slash', 'my/env'],
    ['65 characters', 'e'.repeat(65)],
  ])('a name with %s (%j) is BAD_USER_INPUT on name, on create and on rename', async (_label, name) => {
    await expectRefused(bea.token, CREATE_ENV, { organizationId: org.id, name }, { code: 'BAD_USER_INPUT', field: 'name' }, 'create');
    await expectRefused(bea.token, UPDATE_SETTINGS, { environmentId: oneId, name }, { code: 'BAD_USER_INPUT', field: 'name' }, 'rename');
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'not a manifest'],
    ['a number', 42],
    ['a boolean', true],
  ])('a manifest that is %s is BAD_USER_INPUT on manifest, on push and on create', async (_label, manifest) => {
    await expectRefused(bea.token, PUSH, { environmentId: oneId, manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'push');
    await expectRefused(bea.token, CREATE_ENV, { organizationId: org.id, name: 'three', manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'create');
  });

  it('a manifest over 256 KiB is BAD_USER_INPUT on manifest', async () => {
    const manifest = { blob: 'x'.repeat(260 * 1024) };
    await expectRefused(bea.token, PUSH, { environmentId: oneId, manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'push big');
    await expectRefused(bea.token, CREATE_ENV, { organizationId: org.id, name: 'big', manifest }, { code: 'BAD_USER_INPUT', field: 'manifest' }, 'create big');
  });

  it('a null manifest on push is refused by the schema: HTTP 400 BAD_USER_INPUT', async () => {
    await expectRefused(bea.token, PUSH, { environmentId: oneId, manifest: null }, { code: 'BAD_USER_INPUT', status: 400 }, 'push null');
  });

  it('an ownerUserId that is not a member is BAD_USER_INPUT on ownerUserId', async () => {
    for (const ownerUserId of [stranger.id, globalId('User', randomUUID())]) {
      await expectRefused(bea.token, UPDATE_SETTINGS, { environmentId: oneId, ownerUserId }, { code: 'BAD_USER_INPUT', field: 'ownerUserId' }, ownerUserId);
    }
    // Not even together with a valid rename.
    await expectRefused(bea.token, UPDATE_SETTINGS, { environmentId: oneId, name: 'one-renamed', ownerUserId: stranger.id }, { code: 'BAD_USER_INPUT', field: 'ownerUserId' }, 'rename + stranger');
    await expectRefused(bea.token, UPDATE_SETTINGS, { environmentId: oneId, ownerUserId: 'nope' }, { code: 'BAD_USER_INPUT', field: 'ownerUserId' }, 'malformed');
  });

  it('updateEnvironmentSettings with nothing to change is BAD_USER_INPUT', async () => {
    await expectRefused(bea.token, UPDATE_SETTINGS, { environmentId: oneId }, { code: 'BAD_USER_INPUT' }, 'nothing');
  });

  it.each([
    ['environments', ENV_LIST, { slug }],
    ['generations', GENERATIONS_PAGE, { slug, name: 'one' }],
    ['history', HISTORY_PAGE, { slug, name: 'one' }],
    ['packages', PACKAGES, { slug }],
  ])('%s(first: 101) is BAD_USER_INPUT on first', async (label, query, variables) => {
    for (const first of [101, -1]) {
      const res = await unchanged(() => server.graphql(bea.token, query, { ...variables, first }), `${label}(first: ${first})`);
      expect(res.status, res.raw).toBe(200);
      expect(codes(res), res.raw).toEqual(['BAD_USER_INPUT']);
      expect(fieldOf(res), res.raw).toBe('first');
      expect(res.errors![0]!.message).toContain('100');
    }
  });
});

// ---------------------------------------------------------------------------
// 7. Pagination.

describe('pagination of environments and generations', () => {
  const slug = 'paging-catalog';
  let org: SeededOrganization;

  beforeAll(async () => {
    org = await seed.organization(slug, { owner: 'pia' });
    for (let i = 1; i <= 5; i++) await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: `env-${i}` });
    const many = (await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: 'many', manifest: { g: 1 } })).environment.id;
    for (let g = 2; g <= 7; g++) await mutate(org.owner.token, PUSH, { environmentId: many, manifest: { g }, description: `g${g}` });
  });

  /** Pages through a connection with first: 2; `between` runs after the first page. */
  async function pageThrough(query: string, variables: Record<string, unknown>, pick: (data: any) => any, between?: () => Promise<void>) {
    const seen: unknown[] = [];
    const sizes: number[] = [];
    let after: string | null = null;
    for (let page = 0; ; page++) {
      expect(page, 'paging did not end').toBeLessThan(10);
      const res: GraphQLResponse = await server.graphql(org.owner.token, query, { ...variables, first: 2, after });
      expectOk(res, `page ${page}`);
      const { edges, pageInfo } = pick(res.data);
      sizes.push(edges.length);
      seen.push(...edges.map((e: any) => e.node.name ?? e.node.number));
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      if (page === 0 && between) await between();
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    return { seen, sizes };
  }

  it('pages through 6 environments with first: 2 following endCursor, each seen once, in order', async () => {
    const all = await environmentNames(org.owner.token, slug);
    expect(all).toEqual(['env-1', 'env-2', 'env-3', 'env-4', 'env-5', 'many']);
    const { seen, sizes } = await pageThrough(ENV_LIST, { slug }, (d) => d.organization.environments);
    expect(seen).toEqual(all);
    expect(sizes).toEqual([2, 2, 2]);
  });

  it('pages through 7 generations with first: 2, each seen once, oldest first', async () => {
    const { seen, sizes } = await pageThrough(GENERATIONS_PAGE, { slug, name: 'many' }, (d) => d.organization.environment.generations);
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sizes).toEqual([2, 2, 2, 1]);
  });

  it('pages through the history with first: 2 too', async () => {
    const res = await server.graphql(org.owner.token, HISTORY_PAGE, { slug, name: 'many', first: 100 });
    const all = res.data.organization.environment.history.edges.map((e: any) => [e.node.kind, e.node.generation]);
    expect(all).toEqual([['CREATED', 1], ...[2, 3, 4, 5, 6, 7].map((g) => ['GENERATION_PUSHED', g])]);
    const seen: unknown[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const r: GraphQLResponse = await server.graphql(org.owner.token, HISTORY_PAGE, { slug, name: 'many', first: 2, after });
      expectOk(r);
      const { edges, pageInfo } = r.data.organization.environment.history;
      seen.push(...edges.map((e: any) => [e.node.kind, e.node.generation]));
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(seen).toEqual(all);
  });

  it('cursors are stable: an environment created between pages shows up at the end, nothing repeats', async () => {
    const before = await environmentNames(org.owner.token, slug);
    const { seen } = await pageThrough(ENV_LIST, { slug }, (d) => d.organization.environments, async () => {
      await mutate(org.owner.token, CREATE_ENV, { organizationId: org.id, name: 'late-comer' });
    });
    expect(seen).toEqual([...before, 'late-comer']);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('cursors are stable: a generation pushed between pages shows up at the end, nothing repeats', async () => {
    const env = await readEnvironment(org.owner.token, slug, 'many');
    const { seen } = await pageThrough(GENERATIONS_PAGE, { slug, name: 'many' }, (d) => d.organization.environment.generations, async () => {
      await mutate(org.owner.token, PUSH, { environmentId: env.id, manifest: { g: 8 } });
    });
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

// ---------------------------------------------------------------------------
// 8. Audit.

describe('audit of the catalog', () => {
  it('each catalog mutation writes one audit event naming the operation, with actorMachineClient when a machine client acted', async () => {
    const slug = 'catalog-audit';
    const org = await seed.organization(slug, { owner: 'ada', writers: ['abe'] });
    const ada = org.owner;
    const abe = org.members.abe!;
    const ciId = await createClient(org, 'catalog-audit-ci', 'WRITER');
    const ci = await issuer.machineToken('catalog-audit-ci');

    const steps: [operation: string, who: string, target: string][] = [];
    let envId = '';
    const before = await catalogTables();
    const created = await mutate(ada.token, CREATE_ENV, { organizationId: org.id, name: 'audited' });
    envId = created.environment.id;
    steps.push(['createEnvironment', 'ada', envId]);
    await mutate(ci, PUSH, { environmentId: envId, manifest: { a: 2 } });
    steps.push(['pushEnvironmentGeneration', 'ci', envId]);
    await mutate(abe.token, SWITCH, { environmentId: envId, generation: 1 });
    steps.push(['switchEnvironmentGeneration', 'abe', envId]);
    await mutate(ci, UPDATE_SETTINGS, { environmentId: envId, name: 'audited-2', ownerUserId: abe.id });
    steps.push(['updateEnvironmentSettings', 'ci', envId]);
    const published = await mutate(ci, PUBLISH, { organizationId: org.id, name: 'audited-pkg', version: '1.0', systems: ['aarch64-linux'] });
    steps.push(['publishPackage', 'ci', published.package.id]);
    await mutate(abe.token, DELETE_ENV, { environmentId: envId });
    steps.push(['deleteEnvironment', 'abe', envId]);

    const rows = await auditRowsSince(before);
    expect(rows.map((r) => r.operation)).toEqual(steps.map((s) => s[0]));

    const res = await server.graphql(ada.token, AUDIT, { slug });
    expectOk(res);
    const events = nodes(res.data.organization.auditLog).slice(0, steps.length).reverse();
    const actorOf = (who: string) =>
      who === 'ci'
        ? { actorKind: 'MACHINE', actorUser: null, actorMachineClient: { id: ciId, clientId: 'catalog-audit-ci' } }
        : { actorKind: 'USER', actorUser: userActor(who === 'ada' ? ada : abe), actorMachineClient: null };
    expect(events.map((e: any) => [e.operation, e.targetId, e.actorKind, e.actorUser && { id: e.actorUser.id, subject: e.actorUser.subject }, e.actorMachineClient])).toEqual(
      steps.map(([operation, who, target]) => {
        const a = actorOf(who);
        return [operation, target, a.actorKind, a.actorUser && { id: a.actorUser.id, subject: a.actorUser.subject }, a.actorMachineClient];
      }),
    );
    // The log's older entries are the organization's own set-up.
    expect(nodes(res.data.organization.auditLog).slice(steps.length).map((e: any) => e.operation)).toEqual([
      'createMachineClient',
      'addOrganizationMember',
      'createOrganization',
    ]);
  });
});

describe('the database snapshot this file compares', () => {
  it('reads every catalog table (so "changes nothing" is not vacuous)', async () => {
    const tables = await catalogTables();
    for (const table of CATALOG_TABLES) expect(tables[table]!.length, table).toBeGreaterThan(0);
    const first = tables.environments![0] as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(expect.arrayContaining(['id', 'organization_id', 'name', 'current_generation', 'deleted_at']));
  });
});
