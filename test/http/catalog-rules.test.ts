/**
 * The rules of FloxHub's organization catalog (seeds/000_9ae949426edc673f.txt,
 * PRODUCT.md's access model) across principals: writers and owners, users or
 * machine clients, create and update environments and packages; readers
 * view, pull and install; nobody outside the organization learns that any of
 * it exists. Over HTTP with real signed tokens (machine tokens through a real
 * client-credentials grant).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { catalogChecks, machineActor, NODE, PACKAGE, PACKAGES, userActor } from '../helpers/catalog.js';
import { expectOk } from '../helpers/expect.js';
import { missingId, nodes } from '../helpers/ids.js';
import { ADD_MEMBER, CREATE_ENVIRONMENT, PUSH_GENERATION, SWITCH_GENERATION, UPDATE_ENVIRONMENT_SETTINGS, DELETE_ENVIRONMENT, PUBLISH_PACKAGE, UPDATE_ORGANIZATION } from '../helpers/operations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { mutate, expectRefused, readEnvironment, environmentNames, auditRowsSince } = catalogChecks(t);

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
    org = await t.seed.organization(slug, { owner: 'olive', writers: ['walt'], readers: ['rhea'] });
    rhea = org.members.rhea!;
    const people: Record<string, Person> = { 'owner-user': org.owner, 'writer-user': org.members.walt!, 'reader-user': rhea };
    for (const [key, person] of Object.entries(people)) {
      tokens[key] = person.token;
      actors[key] = userActor(person);
    }
    for (const [key, role] of [['writer-ci', 'WRITER'], ['reader-ci', 'READER']] as const) {
      const clientId = `rules-${key}`;
      const client = await org.machineClient(clientId, role);
      tokens[key] = client.token;
      actors[key] = machineActor(client.id, clientId);
    }
    // The catalog everyone reads, and readers try to change.
    shared = (await mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'shared', manifest: { install: { hello: '1' } } })).environment;
    await mutate(org.owner.token, PUSH_GENERATION, { environmentId: shared.id, manifest: { install: { hello: '2' } }, description: 'hello 2' });
    sharedPackageId = (await mutate(org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, name: 'shared-pkg', version: '1.0.0', systems: ['x86_64-linux'] })).package.id;
    await mutate(org.owner.token, PUBLISH_PACKAGE, {
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
      const role = await t.server.graphql(token, `query($slug: String!) { organization(slug: $slug) { viewerRole } }`, { slug });
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

      const packages = await t.server.graphql(token, PACKAGES, { slug, first: 100 });
      expectOk(packages, p.label);
      expect(nodes(packages.data.organization.packages).map((n: any) => n.name), p.label).toContain('shared-pkg');

      const pkg = await t.server.graphql(token, PACKAGE, { slug, name: 'shared-pkg' });
      expectOk(pkg, p.label);
      expect(pkg.data.organization.package).toMatchObject({ id: sharedPackageId, name: 'shared-pkg', description: 'Shared' });
      expect(pkg.data.organization.package.versions.map((v: any) => [v.version, [...v.systems].sort()]), p.label).toEqual([
        ['1.0.0', ['x86_64-linux']],
        ['2.0.0', ['aarch64-darwin', 'x86_64-linux']],
      ]);

      for (const [id, typename, name] of [[shared.id, 'Environment', 'shared'], [sharedPackageId, 'Package', 'shared-pkg']] as const) {
        const node = await t.server.graphql(token, NODE, { id });
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
      const before = await t.server.snapshot();

      const created = await mutate(token, CREATE_ENVIRONMENT, { organizationId: org.id, name, manifest: { by: p.key } }, `${p.label} createEnvironment`);
      const env = created.environment;
      expect(env).toMatchObject({
        name,
        owner: p.machine ? null : { id: actor.id },
        currentGeneration: { number: 1, manifest: { by: p.key }, createdBy: actor },
      });

      const pushed = await mutate(token, PUSH_GENERATION, { environmentId: env.id, manifest: { by: p.key, n: 2 }, description: `push by ${p.key}` }, `${p.label} push`);
      expect(pushed.generation).toEqual({ number: 2, description: `push by ${p.key}`, manifest: { by: p.key, n: 2 }, createdBy: actor });
      expect(pushed.environment).toMatchObject({ id: env.id, currentGeneration: { number: 2 } });

      const switched = await mutate(token, SWITCH_GENERATION, { environmentId: env.id, generation: 1 }, `${p.label} switch`);
      expect(switched.environment).toMatchObject({ id: env.id, currentGeneration: { number: 1, manifest: { by: p.key } } });

      const renamed = await mutate(token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: env.id, name: `${name}-renamed` }, `${p.label} rename`);
      expect(renamed.environment).toMatchObject({ id: env.id, name: `${name}-renamed` });

      const reowned = await mutate(token, UPDATE_ENVIRONMENT_SETTINGS, { environmentId: env.id, ownerUserId: rhea.id }, `${p.label} owner change`);
      expect(reowned.environment).toMatchObject({ id: env.id, owner: { id: rhea.id, subject: rhea.subject } });

      const published = await mutate(
        token,
        PUBLISH_PACKAGE,
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

      const deleted = await mutate(token, DELETE_ENVIRONMENT, { environmentId: env.id }, `${p.label} delete`);
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
        ['createEnvironment', CREATE_ENVIRONMENT, { organizationId: org.id, name: `${p.key}-env`, manifest: { x: 1 } }],
        ['createEnvironment with no manifest', CREATE_ENVIRONMENT, { organizationId: org.id, name: `${p.key}-bare` }],
        ['pushEnvironmentGeneration', PUSH_GENERATION, { environmentId: shared.id, manifest: { x: 1 }, description: 'sneaky' }],
        ['switchEnvironmentGeneration', SWITCH_GENERATION, { environmentId: shared.id, generation: 1 }],
        ['updateEnvironmentSettings (rename)', UPDATE_ENVIRONMENT_SETTINGS, { environmentId: shared.id, name: 'taken-over' }],
        ['updateEnvironmentSettings (owner change)', UPDATE_ENVIRONMENT_SETTINGS, { environmentId: shared.id, ownerUserId: rhea.id }],
        ['deleteEnvironment', DELETE_ENVIRONMENT, { environmentId: shared.id }],
        ['publishPackage (new package)', PUBLISH_PACKAGE, { organizationId: org.id, name: `${p.key}-pkg`, version: '1.0.0', systems: ['x86_64-linux'] }],
        ['publishPackage (new version)', PUBLISH_PACKAGE, { organizationId: org.id, name: 'shared-pkg', version: '3.0.0', systems: ['x86_64-linux'], description: 'x' }],
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

describe('environments and packages are visible to the organization only', () => {
  const slug = 'hidden-catalog';
  let hidden: SeededOrganization;
  let secretEnvId: string;
  let secretPackageId: string;
  let outsiders: [string, string][];

  beforeAll(async () => {
    hidden = await t.seed.organization(slug, { owner: 'hal', writers: ['hedy'] });
    secretEnvId = (await mutate(hidden.owner.token, CREATE_ENVIRONMENT, { organizationId: hidden.id, name: 'secret', manifest: { s: 1 } })).environment.id;
    await mutate(hidden.owner.token, PUSH_GENERATION, { environmentId: secretEnvId, manifest: { s: 2 } });
    secretPackageId = (await mutate(hidden.owner.token, PUBLISH_PACKAGE, { organizationId: hidden.id, name: 'secret-pkg', version: '1.0.0', systems: ['x86_64-linux'] })).package
      .id;
    const elsewhere = await t.seed.organization('elsewhere', { owner: 'ezra', writers: ['nina'] });
    await elsewhere.machineClient('elsewhere-ci', 'OWNER');
    // nina is a WRITER of both organizations, but her token is narrowed (org_id) to the other one.
    const nina = await t.seed.person('nina');
    await mutate(hidden.owner.token, ADD_MEMBER, { organizationId: hidden.id, userSubject: nina.subject, role: 'WRITER' });
    await mutate(elsewhere.owner.token, UPDATE_ORGANIZATION, { organizationId: elsewhere.id, externalId: 'org_elsewhere' });
    outsiders = [
      ['a user of another organization', elsewhere.owner.token],
      ['a machine client of another organization', await t.issuer.machineToken('elsewhere-ci')],
      ['a member whose token is narrowed to another organization', await t.issuer.userToken(nina.subject, { org_id: 'org_elsewhere' })],
    ];
  });

  it('a user or machine client of another organization gets null from organization(slug:) and node(id:) for its environments and packages', async () => {
    for (const [label, token] of outsiders) {
      const res = await t.server.graphql(token, `query($slug: String!, $env: ID!, $pkg: ID!) {
        organization(slug: $slug) { id environment(name: "secret") { id } package(name: "secret-pkg") { id } }
        env: node(id: $env) { id }
        pkg: node(id: $pkg) { id }
      }`, { slug, env: secretEnvId, pkg: secretPackageId });
      expect(res.errors, `${label}: ${res.raw}`).toBeUndefined();
      expect(res.data, label).toEqual({ organization: null, env: null, pkg: null });
      // Not even in its own organization under the same names.
      const own = await t.server.graphql(token, `{ organization(slug: "elsewhere") { environment(name: "secret") { id } package(name: "secret-pkg") { id } } }`);
      expectOk(own, label);
      expect(own.data.organization, label).toEqual({ environment: null, package: null });
    }
    // The members do see them, on every path.
    const member = await t.server.graphql(hidden.members.hedy!.token, `query($env: ID!, $pkg: ID!) { env: node(id: $env) { id } pkg: node(id: $pkg) { id } }`, {
      env: secretEnvId,
      pkg: secretPackageId,
    });
    expect(member.data).toEqual({ env: { id: secretEnvId }, pkg: { id: secretPackageId } });
  });

  it('every catalog mutation naming its environmentId or organizationId is NOT_FOUND, never FORBIDDEN, with the same message as for an ID that does not exist', async () => {
    const mutations = (organizationId: string, environmentId: string): [string, string, Record<string, unknown>][] => [
      ['createEnvironment', CREATE_ENVIRONMENT, { organizationId, name: 'planted', manifest: {} }],
      ['pushEnvironmentGeneration', PUSH_GENERATION, { environmentId, manifest: { pwned: true } }],
      ['switchEnvironmentGeneration', SWITCH_GENERATION, { environmentId, generation: 1 }],
      ['updateEnvironmentSettings (rename)', UPDATE_ENVIRONMENT_SETTINGS, { environmentId, name: 'pwned' }],
      ['updateEnvironmentSettings (owner change)', UPDATE_ENVIRONMENT_SETTINGS, { environmentId, ownerUserId: hidden.owner.id }],
      ['deleteEnvironment', DELETE_ENVIRONMENT, { environmentId }],
      ['publishPackage (new package)', PUBLISH_PACKAGE, { organizationId, name: 'planted-pkg', version: '1.0.0', systems: ['x86_64-linux'] }],
      ['publishPackage (new version)', PUBLISH_PACKAGE, { organizationId, name: 'secret-pkg', version: '9.9.9', systems: ['x86_64-linux'] }],
    ];
    const real = mutations(hidden.id, secretEnvId);
    const missing = mutations(missingId('Organization'), missingId('Environment'));
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
