/**
 * Bad input, over HTTP, from a caller who would otherwise be allowed (an
 * owner): each is refused with the error code PRODUCT.md's error contract
 * names, a message that says what is wrong (BAD_USER_INPUT names its field
 * in `extensions.field`), and no change at all to the database: every table,
 * the audit log included, reads the same before and after.
 *
 * Every response this file receives, the seed's included, is checked for
 * leaks (helpers/leaks.ts): no stack frames, no SQL text, no bearer token.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOnlyError, expectPayload, expectRefusal, expectUnchanged } from '../helpers/expect.js';
import { cursorOf, globalId } from '../helpers/ids.js';
import { leakChecks } from '../helpers/leaks.js';
import {
  ADD_MEMBER,
  CHANGE_MEMBER_ROLE,
  CREATE_MACHINE_CLIENT,
  CREATE_ORGANIZATION,
  REMOVE_MEMBER,
  REVOKE_MACHINE_CLIENT,
  UPDATE_ORGANIZATION,
} from '../helpers/operations.js';
import type { GraphQLResponse } from '../helpers/orgraph.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { leakChecked: true });
let acme: SeededOrganization;
let globex: SeededOrganization;
let alice: Person; // owner of acme
let bob: Person; // writer in acme
let gus: Person; // reader in globex only
let outsider: Person; // signed in, member of nothing
let acmeCiId: string; // global ID of acme's machine client `acme-ci`
let globexCiId: string; // global ID of globex's machine client `globex-ci`

const MUTATIONS = {
  createOrganization: CREATE_ORGANIZATION,
  updateOrganization: UPDATE_ORGANIZATION,
  addOrganizationMember: ADD_MEMBER,
  changeOrganizationMemberRole: CHANGE_MEMBER_ROLE,
  removeOrganizationMember: REMOVE_MEMBER,
  createMachineClient: CREATE_MACHINE_CLIENT,
  revokeMachineClient: REVOKE_MACHINE_CLIENT,
} as const;
type MutationName = keyof typeof MUTATIONS;

interface Expected {
  code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT';
  /** For BAD_USER_INPUT: the exact `extensions.field`, which the message must mention too. */
  field?: string;
  /** Words the message must contain (case-insensitive). */
  mentions?: string[];
}

/** Exactly one error, with the code, a clear message and (for BAD_USER_INPUT raised by a resolver) the field. */
const expectError = (res: GraphQLResponse, { code, ...expected }: Expected) => expectOnlyError(res, code, expected);

/** Calls a mutation that must fail: 200, no data, the expected error, the database untouched. */
const expectRefused = (name: MutationName, input: Record<string, unknown>, { code, ...expected }: Expected, token = alice.token) =>
  expectRefusal(t.server, token, MUTATIONS[name], input, code, expected);

const mutate = async (name: MutationName, input: Record<string, unknown>, token = alice.token) =>
  expectPayload(await t.server.graphql(token, MUTATIONS[name], { i: input }));

const unchanged = <T>(call: () => Promise<T>) => expectUnchanged(t.server, call);

beforeAll(async () => {
  acme = await t.seed.organization('acme', { owner: 'alice', writers: ['bob'] });
  globex = await t.seed.organization('globex', { owner: 'gina', readers: ['gus'] });
  alice = acme.owner;
  bob = acme.members.bob!;
  gus = globex.members.gus!;
  outsider = await t.seed.person('outsider');
  acmeCiId = (await mutate('createMachineClient', { organizationId: acme.id, clientId: 'acme-ci', name: 'Acme CI', role: 'WRITER' }))
    .machineClient.id;
  await mutate('createMachineClient', { organizationId: acme.id, clientId: 'acme-old', name: 'Old', role: 'READER' });
  await mutate('revokeMachineClient', { organizationId: acme.id, clientId: 'acme-old' });
  globexCiId = (
    await mutate('createMachineClient', { organizationId: globex.id, clientId: 'globex-ci', name: 'Globex CI', role: 'READER' }, globex.owner.token)
  ).machineClient.id;
  await mutate('updateOrganization', { organizationId: globex.id, externalId: 'org_globex' }, globex.owner.token);
});

describe('createOrganization', () => {
  const SLUG_ERROR: Expected = { code: 'BAD_USER_INPUT', field: 'slug' };
  it.each([
    ['one character', 'A'],
    ['one lower-case character', 'a'],
    ['upper case', 'UPPER'],
    ['a space', 'has space'],
    ['a leading hyphen', '-lead'],
    ['a trailing hyphen', 'trail-'],
    ['a double hyphen', 'dou--ble'],
    ['41 characters', 'a'.repeat(41)],
    ['empty', ''],
    ['an underscore', 'snake_case'],
    ['a non-ASCII letter', 'café'],
  ])('refuses a slug with %s (%j): BAD_USER_INPUT on slug', async (_label, slug) => {
    await expectRefused('createOrganization', { slug, name: 'Fine name' }, SLUG_ERROR);
  });

  it.each([
    ['empty', ''],
    ['whitespace only', '   \t '],
    ['101 characters', 'n'.repeat(101)],
    ['a control character', 'line\nbreak'],
  ])('refuses a name that is %s: BAD_USER_INPUT on name', async (_label, name) => {
    await expectRefused('createOrganization', { slug: 'fine-slug', name }, { code: 'BAD_USER_INPUT', field: 'name' });
  });

  it('refuses a duplicate slug with CONFLICT, also when another tenant holds it', async () => {
    await expectRefused('createOrganization', { slug: 'acme', name: 'Another Acme' }, { code: 'CONFLICT', mentions: ['slug'] });
    await expectRefused('createOrganization', { slug: 'globex', name: 'Not Globex' }, { code: 'CONFLICT', mentions: ['slug'] });
  });

  it('accepts the boundary values (2 and 40 characters, single hyphens, a 100-character name)', async () => {
    const { token } = await t.seed.person('boundary');
    const short = await mutate('createOrganization', { slug: 'b2', name: 'x' }, token);
    expect(short.organization).toMatchObject({ slug: 'b2', name: 'x' });
    const long = `a1-${'b'.repeat(35)}-c`;
    expect(long).toHaveLength(40);
    const created = await mutate('createOrganization', { slug: long, name: ` ${'n'.repeat(100)} ` }, token);
    expect(created.organization).toMatchObject({ slug: long, name: 'n'.repeat(100) });
  });
});

describe('addOrganizationMember', () => {
  const add = (fields: Record<string, unknown>) => ({ organizationId: acme.id, role: 'READER', ...fields });

  it('refuses neither userSubject nor userEmail', async () => {
    await expectRefused('addOrganizationMember', add({}), { code: 'BAD_USER_INPUT', mentions: ['userSubject', 'userEmail'] });
    await expectRefused('addOrganizationMember', add({ userSubject: null, userEmail: null }), {
      code: 'BAD_USER_INPUT',
      mentions: ['userSubject', 'userEmail'],
    });
  });

  it('refuses both userSubject and userEmail', async () => {
    await expectRefused('addOrganizationMember', add({ userSubject: 'auth0|newbie', userEmail: 'outsider@example.test' }), {
      code: 'BAD_USER_INPUT',
      mentions: ['userSubject', 'userEmail'],
    });
  });

  it('answers NOT_FOUND for an email no user signed in with', async () => {
    await expectRefused('addOrganizationMember', add({ userEmail: 'nobody@example.test' }), { code: 'NOT_FOUND' });
  });

  it.each(['not-an-email', 'two@@example.test', 'a b@example.test', '@example.test', 'someone@', '', `${'x'.repeat(250)}@example.test`])(
    'refuses the malformed email %j: BAD_USER_INPUT on userEmail',
    async (userEmail) => {
      await expectRefused('addOrganizationMember', add({ userEmail }), { code: 'BAD_USER_INPUT', field: 'userEmail' });
    },
  );

  it.each(['', 'has space', 'x'.repeat(256)])('refuses the malformed subject %j: BAD_USER_INPUT on userSubject', async (userSubject) => {
    await expectRefused('addOrganizationMember', add({ userSubject }), { code: 'BAD_USER_INPUT', field: 'userSubject' });
  });

  it('answers CONFLICT for someone who is already a member, by subject or by email', async () => {
    await expectRefused('addOrganizationMember', add({ userSubject: bob.subject }), { code: 'CONFLICT', mentions: ['member'] });
    await expectRefused('addOrganizationMember', add({ userEmail: 'bob@example.test', role: 'OWNER' }), { code: 'CONFLICT', mentions: ['member'] });
    await expectRefused('addOrganizationMember', add({ userSubject: alice.subject }), { code: 'CONFLICT', mentions: ['member'] });
  });

  const malformedIds: [string, () => string][] = [
    ['a word', () => 'nope'],
    ['base64 garbage', () => Buffer.from('\x00\xff garbage \x13').toString('base64')],
    ['the raw uuid of the organization', () => Buffer.from(acme.id, 'base64url').toString('utf8').split(':')[1]!],
    ['an Organization ID whose uuid is not one', () => globalId('Organization', 'not-a-uuid')],
    ['an Organization ID with a trailing part', () => `${acme.id}${Buffer.from(':x').toString('base64url')}`],
    ['an ID of an unknown type', () => globalId('Planet', randomUUID())],
    ['an empty string', () => ''],
  ];
  it.each(malformedIds)('refuses an organizationId that is %s: BAD_USER_INPUT on organizationId', async (_label, id) => {
    await expectRefused('addOrganizationMember', add({ organizationId: id(), userSubject: 'auth0|newbie' }), {
      code: 'BAD_USER_INPUT',
      field: 'organizationId',
    });
  });

  it.each([
    ["the caller's own User ID", () => alice.id],
    ["a fellow member's User ID", () => bob.id],
    ["the organization's own MachineClient ID", () => acmeCiId],
  ])('refuses an ID of the wrong type as organizationId (%s): BAD_USER_INPUT on organizationId', async (_label, wrong) => {
    await expectRefused('addOrganizationMember', add({ organizationId: wrong(), userSubject: 'auth0|newbie' }), {
      code: 'BAD_USER_INPUT',
      field: 'organizationId',
    });
  });

  it('answers NOT_FOUND, identically, for an organization that does not exist and for one of another tenant', async () => {
    const missing = await expectRefused('addOrganizationMember', add({ organizationId: globalId('Organization', randomUUID()), userSubject: 'auth0|newbie' }), {
      code: 'NOT_FOUND',
    });
    const foreign = await expectRefused('addOrganizationMember', add({ organizationId: globex.id, userSubject: 'auth0|newbie' }), {
      code: 'NOT_FOUND',
    });
    // No existence leak: the other tenant's organization reads exactly like a missing one.
    expect(foreign.errors![0]!.message).toBe(missing.errors![0]!.message);
  });
});

describe.each([
  ['changeOrganizationMemberRole', { role: 'WRITER' }],
  ['removeOrganizationMember', {}],
] as const)('%s', (name, extra) => {
  const input = (userId: string) => ({ organizationId: acme.id, userId, ...extra });

  it('answers NOT_FOUND for a user who is not a member (signed in, of another tenant, or unknown)', async () => {
    await expectRefused(name, input(outsider.id), { code: 'NOT_FOUND' });
    await expectRefused(name, input(gus.id), { code: 'NOT_FOUND' });
    await expectRefused(name, input(globalId('User', randomUUID())), { code: 'NOT_FOUND' });
  });

  it.each([
    ['a word', () => 'nope'],
    ['base64 garbage', () => Buffer.from('\x00\xff garbage').toString('base64')],
    ['a User ID whose uuid is not one', () => globalId('User', '1234')],
    ['an Organization ID', () => acme.id],
    ['a MachineClient ID', () => acmeCiId],
  ])('refuses a userId that is %s: BAD_USER_INPUT on userId', async (_label, id) => {
    await expectRefused(name, input(id()), { code: 'BAD_USER_INPUT', field: 'userId' });
  });

  it('still works for a real member (the refusals above are not blanket refusals)', async () => {
    // Runs on a scratch organization so the rest of the file keeps its fixture.
    const scratch = await t.seed.organization(`scratch-${name.length}`, { owner: 'alice', readers: ['outsider'] });
    const res = await t.server.graphql(alice.token, MUTATIONS[name], { i: { organizationId: scratch.id, userId: outsider.id, ...extra } });
    expect(res.errors, res.raw).toBeUndefined();
  });
});

describe('createMachineClient', () => {
  const client = (clientId: string, fields: Record<string, unknown> = {}) => ({
    organizationId: acme.id,
    clientId,
    name: 'A client',
    role: 'READER',
    ...fields,
  });

  it('answers CONFLICT for a clientId already registered here, by another organization, or revoked', async () => {
    await expectRefused('createMachineClient', client('acme-ci'), { code: 'CONFLICT', mentions: ['clientId'] });
    await expectRefused('createMachineClient', client('globex-ci'), { code: 'CONFLICT', mentions: ['clientId'] });
    await expectRefused('createMachineClient', client('acme-old'), { code: 'CONFLICT', mentions: ['clientId'] });
  });

  it.each(['', 'has space', ' acme-ci', 'tab\there', 'é-client', 'x'.repeat(256)])(
    'refuses the clientId %j: BAD_USER_INPUT on clientId',
    async (clientId) => {
      await expectRefused('createMachineClient', client(clientId), { code: 'BAD_USER_INPUT', field: 'clientId' });
    },
  );

  it.each(['', '   ', 'n'.repeat(101)])('refuses the name %j: BAD_USER_INPUT on name', async (name) => {
    await expectRefused('createMachineClient', client('fresh-ci', { name }), { code: 'BAD_USER_INPUT', field: 'name' });
  });
});

describe('revokeMachineClient', () => {
  it('answers NOT_FOUND for an unknown clientId', async () => {
    await expectRefused('revokeMachineClient', { organizationId: acme.id, clientId: 'nobody-ci' }, { code: 'NOT_FOUND' });
  });

  it("answers NOT_FOUND for another organization's client", async () => {
    await expectRefused('revokeMachineClient', { organizationId: acme.id, clientId: 'globex-ci' }, { code: 'NOT_FOUND' });
  });

  it('answers CONFLICT for a client already revoked', async () => {
    await expectRefused('revokeMachineClient', { organizationId: acme.id, clientId: 'acme-old' }, { code: 'CONFLICT', mentions: ['revoked'] });
  });
});

describe('updateOrganization', () => {
  it('refuses a change of nothing: BAD_USER_INPUT', async () => {
    await expectRefused('updateOrganization', { organizationId: acme.id }, { code: 'BAD_USER_INPUT', mentions: ['name', 'externalId'] });
    await expectRefused('updateOrganization', { organizationId: acme.id, name: null, externalId: null }, {
      code: 'BAD_USER_INPUT',
      mentions: ['name', 'externalId'],
    });
  });

  it('answers CONFLICT for an externalId another organization uses', async () => {
    await expectRefused('updateOrganization', { organizationId: acme.id, externalId: 'org_globex' }, { code: 'CONFLICT', mentions: ['externalId'] });
  });

  it('refuses a malformed externalId or name: BAD_USER_INPUT on that field', async () => {
    await expectRefused('updateOrganization', { organizationId: acme.id, externalId: 'org with space' }, { code: 'BAD_USER_INPUT', field: 'externalId' });
    await expectRefused('updateOrganization', { organizationId: acme.id, name: '  ' }, { code: 'BAD_USER_INPUT', field: 'name' });
    await expectRefused('updateOrganization', { organizationId: acme.id, name: 'n'.repeat(101) }, { code: 'BAD_USER_INPUT', field: 'name' });
  });
});

describe('pagination', () => {
  const ORGS = `query($first: Int, $after: String) { organizations(first: $first, after: $after) { edges { cursor node { slug } } } }`;
  const MEMBERS = `query($first: Int, $after: String) {
    organization(slug: "acme") { slug members(first: $first, after: $after) { edges { node { user { subject } } } } }
  }`;
  const AUDIT = `query($after: String) { organization(slug: "acme") { auditLog(first: 2, after: $after) { edges { node { operation } } } } }`;

  async function expectBadPage(query: string, variables: Record<string, unknown>, expected: Expected) {
    const res = await unchanged(() => t.server.graphql(alice.token, query, variables));
    expect(res.status, res.raw).toBe(200);
    expectError(res, expected);
    return res;
  }

  it.each([
    ['organizations', ORGS],
    ['members', MEMBERS],
  ])('%s(first: 101) is BAD_USER_INPUT mentioning the maximum of 100', async (_label, query) => {
    await expectBadPage(query, { first: 101 }, { code: 'BAD_USER_INPUT', field: 'first', mentions: ['100'] });
  });

  it.each([
    ['organizations', ORGS],
    ['members', MEMBERS],
  ])('%s(first: -1) is BAD_USER_INPUT', async (_label, query) => {
    await expectBadPage(query, { first: -1 }, { code: 'BAD_USER_INPUT', field: 'first' });
  });

  const garbageTimeCursors: [string, string][] = [
    ['a word', 'garbage'],
    ['base64 of non-JSON', Buffer.from('{{{').toString('base64url')],
    ['JSON of the wrong shape', cursorOf({ a: 1 })],
    ['a key with an invalid date', cursorOf(['not a date', randomUUID()])],
    ['a key whose id is not a uuid', cursorOf([new Date().toISOString(), 'not-a-uuid'])],
    ['a key whose date only JavaScript parses', cursorOf(['1', randomUUID()])],
  ];
  it.each(garbageTimeCursors)('organizations(after:) with %s is BAD_USER_INPUT', async (_label, after) => {
    await expectBadPage(ORGS, { first: 2, after }, { code: 'BAD_USER_INPUT', field: 'after' });
  });
  it.each(garbageTimeCursors)('members(after:) with %s is BAD_USER_INPUT', async (_label, after) => {
    await expectBadPage(MEMBERS, { first: 2, after }, { code: 'BAD_USER_INPUT', field: 'after' });
  });

  it.each([
    ['a word', 'garbage'],
    ['a sequence number that is not a number', cursorOf('12a')],
    ['a sequence number beyond bigint', cursorOf('9999999999999999999')],
  ])('auditLog(after:) with %s is BAD_USER_INPUT', async (_label, after) => {
    await expectBadPage(AUDIT, { after }, { code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('pages through 5 members with first: 2, seeing each exactly once, in order', async () => {
    const paged = await t.seed.organization('paged', { owner: 'pia', writers: ['pat', 'pam'], readers: ['pez', 'pol'] });
    const query = `query($first: Int, $after: String) {
      organization(slug: "paged") { members(first: $first, after: $after) {
        edges { cursor node { user { subject } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      } }
    }`;
    const all = await t.server.graphql(paged.owner.token, query, { first: 100 });
    expect(all.errors, all.raw).toBeUndefined();
    const expectedOrder: string[] = all.data.organization.members.edges.map((e: any) => e.node.user.subject);
    expect([...expectedOrder].sort()).toEqual(['auth0|pam', 'auth0|pat', 'auth0|pez', 'auth0|pia', 'auth0|pol']);
    expect(expectedOrder[0]).toBe('auth0|pia'); // the creator joined first

    const seen: string[] = [];
    const pageSizes: number[] = [];
    let after: string | null = null;
    for (let pageNumber = 0; ; pageNumber++) {
      expect(pageNumber, 'paging did not end').toBeLessThan(5);
      const res: GraphQLResponse = await t.server.graphql(paged.owner.token, query, { first: 2, after });
      expect(res.errors, res.raw).toBeUndefined();
      const { edges, pageInfo } = res.data.organization.members;
      pageSizes.push(edges.length);
      seen.push(...edges.map((e: any) => e.node.user.subject));
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.endCursor).toBe(edges.at(-1)?.cursor ?? null);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(expectedOrder);
    expect(new Set(seen).size).toBe(5);
  });
});

describe('node(id:)', () => {
  const NODE = `query($id: ID!) { node(id: $id) { __typename id } }`;

  it.each([
    ['a word', () => 'nope'],
    ['base64 garbage', () => Buffer.from('\x00\xff garbage').toString('base64')],
    ['an ID whose uuid is not one', () => globalId('Organization', 'abc')],
    ['an ID of an unknown type', () => globalId('Planet', randomUUID())],
    ['an empty string', () => ''],
  ])('with %s is BAD_USER_INPUT on id', async (_label, id) => {
    const res = await unchanged(() => t.server.graphql(alice.token, NODE, { id: id() }));
    expect(res.status).toBe(200);
    expectError(res, { code: 'BAD_USER_INPUT', field: 'id' });
  });

  it.each([
    ['an organization that does not exist', () => globalId('Organization', randomUUID()), () => alice],
    ["another tenant's organization", () => globex.id, () => alice],
    ['a user of another tenant only', () => gus.id, () => alice],
    ['a user that does not exist', () => globalId('User', randomUUID()), () => alice],
    ["another tenant's machine client", () => globexCiId, () => alice],
  ])('with the well-formed ID of %s is null, with no error', async (_label, id, who) => {
    const res = await t.server.graphql(who().token, NODE, { id: id() });
    expect(res.status).toBe(200);
    expect(res.errors, res.raw).toBeUndefined();
    expect(res.data).toEqual({ node: null });
  });

  it('resolves a machine client for any member of its organization: clients author catalog rows members read', async () => {
    const res = await t.server.graphql(bob.token, NODE, { id: acmeCiId });
    expect(res.errors, res.raw).toBeUndefined();
    expect(res.data).toEqual({ node: { __typename: 'MachineClient', id: acmeCiId } });
  });

  it('resolves the same kinds of ID when they are visible', async () => {
    for (const [id, typename] of [
      [acme.id, 'Organization'],
      [bob.id, 'User'],
      [acmeCiId, 'MachineClient'],
    ] as const) {
      const res = await t.server.graphql(alice.token, NODE, { id });
      expect(res.errors, res.raw).toBeUndefined();
      expect(res.data).toEqual({ node: { __typename: typename, id } });
    }
  });
});

describe('GraphQL-level errors are refused with HTTP 400', () => {
  it.each([
    ['an Int variable given a string', `query($first: Int) { organizations(first: $first) { edges { cursor } } }`, { first: 'ten' }],
    ['an Int variable given a float', `query($first: Int) { organizations(first: $first) { edges { cursor } } }`, { first: 2.5 }],
    ['a required variable missing', `query($id: ID!) { node(id: $id) { id } }`, {}],
    ['an enum variable given an unknown value', MUTATIONS.addOrganizationMember, { i: { organizationId: 'x', userSubject: 'auth0|x', role: 'SUPREME' } }],
    ['an input variable missing a required field', MUTATIONS.createOrganization, { i: { slug: 'no-name' } }],
    ['an input variable with an unknown field', MUTATIONS.createOrganization, { i: { slug: 'extra', name: 'Extra', owner: 'me' } }],
    ['a String field given a number', MUTATIONS.createOrganization, { i: { slug: 42, name: 'Numbers' } }],
  ])('%s: 400 BAD_USER_INPUT', async (_label, query, variables) => {
    const res = await unchanged(() => t.server.graphql(alice.token, query, variables));
    expect(res.status, res.raw).toBe(400);
    expectError(res, { code: 'BAD_USER_INPUT' });
    expect(res.data).toBeUndefined();
  });

  it.each([
    ['an unclosed selection', '{ organizations { edges { node { slug } }'],
    ['a stray token', 'query { viewer { kind } } }'],
    ['a mutation with a broken input', 'mutation { createOrganization(input: { slug: "x" name: }) { organization { id } } }'],
  ])('a syntax error (%s): 400 GRAPHQL_PARSE_FAILED', async (_label, query) => {
    const res = await unchanged(() => t.server.graphql(alice.token, query));
    expect(res.status, res.raw).toBe(400);
    expect(res.errors?.[0]?.extensions?.code, res.raw).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors![0]!.message).toMatch(/syntax error/i);
    expect(res.data).toBeUndefined();
  });

  it.each([
    ['an unknown field', '{ organizations { edges { node { slug nope } } } }', 'nope'],
    ['an unknown argument', '{ organizations(last: 2) { edges { cursor } } }', 'last'],
    ['an unknown mutation', 'mutation { dropOrganization(input: {}) { ok } }', 'dropOrganization'],
  ])('%s: 400 GRAPHQL_VALIDATION_FAILED', async (_label, query, name) => {
    const res = await unchanged(() => t.server.graphql(alice.token, query));
    expect(res.status, res.raw).toBe(400);
    expect(res.errors?.[0]?.extensions?.code, res.raw).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toContain(name);
    expect(res.data).toBeUndefined();
  });
});

describe('leak checks', () => {
  it('ran on every response of this file', () => {
    // Every request of this file, the seed's included, went through the leak check.
    expect(leakChecks()).toBeGreaterThan(100);
  });
});
