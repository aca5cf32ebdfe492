/**
 * Every value a request brings in is checked where it enters, whatever field
 * it is headed for: a NUL character, a lone UTF-16 surrogate, a number that
 * is not finite, a value nested past the limit, a forged cursor or a second
 * spelling of a global ID is BAD_USER_INPUT naming the field, never an
 * INTERNAL_SERVER_ERROR. After each, the database reads back unchanged, the
 * response holds no stack, SQL or token, and /healthz answers 200.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codes, expectError, expectOk, expectOnlyError } from '../helpers/expect.js';
import { expectNoLeak } from '../helpers/leaks.js';
import { CREATE_ENVIRONMENT, CREATE_ORGANIZATION, NODE_ID, PUSH_GENERATION, UPDATE_ORGANIZATION } from '../helpers/operations.js';
import { send } from '../helpers/requests.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let alice: Person;
let acme: SeededOrganization;
let environmentId: string;
let before: Record<string, unknown[]>;

const PUSH = PUSH_GENERATION;

beforeAll(async () => {
  acme = await t.seed.organization('acme-hygiene', { owner: 'alice' });
  alice = acme.owner;
  environmentId = (await t.seed.mutate(alice.token, CREATE_ENVIRONMENT, { organizationId: acme.id, name: 'web', manifest: { a: 1 } })).environment.id;
  await t.seed.mutate(alice.token, PUSH, { environmentId, manifest: { b: 2 } });
});

/** Posts a body exactly as given: JSON.stringify cannot write `1e400`, and some checks need raw text. */
async function postRaw(body: string, token: string | null = alice.token) {
  const reply = await send(t.server.url, '/graphql', { headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body });
  return { status: reply.status, raw: reply.raw, ...reply.body };
}

/** A bad-input answer: BAD_USER_INPUT, the field named in `extensions.field` and the message, nothing written, no leak. */
async function expectRefused(res: Awaited<ReturnType<typeof postRaw>>, field: string, mentions: RegExp) {
  expectNoLeak(res.raw, [alice.token]);
  expectOnlyError(res, 'BAD_USER_INPUT', { field, mentions: [mentions] });
  expect(await t.server.snapshot()).toEqual(before);
  expect((await fetch(`${t.server.url}/healthz`)).status).toBe(200);
}

describe('values that no column can hold', () => {
  beforeAll(async () => {
    before = await t.server.snapshot();
  });
  afterEach(async () => {
    expect(await t.server.snapshot()).toEqual(before);
  });

  it('a NUL character in a string variable, an input field, a literal or a root argument', async () => {
    const body = (query: string, variables: unknown) => JSON.stringify({ query, variables });
    await expectRefused(await postRaw(body(CREATE_ORGANIZATION, { i: { slug: 'nul-org', name: 'a\u0000b' } })), 'name', /NUL/);
    await expectRefused(await postRaw(body('mutation { createOrganization(input: { slug: "nul-lit", name: "a\\u0000b" }) { organization { id } } }', {})), 'name', /NUL/);
    await expectRefused(await postRaw(body('query($s: String!) { organization(slug: $s) { id } }', { s: 'acme\u0000' })), 's', /NUL/);
    await expectRefused(await postRaw(body('{ organization(slug: "acme\\u0000") { id } }', {})), 'slug', /NUL/);
  });

  it('a NUL character in a JSON value or key, at any depth, and in a global ID', async () => {
    const push = (manifest: unknown) => JSON.stringify({ query: PUSH, variables: { i: { environmentId, manifest } } });
    await expectRefused(await postRaw(push({ install: { x: ['ok', 'no\u0000'] } })), 'manifest', /NUL/);
    await expectRefused(await postRaw(push({ ['key\u0000']: 1 })), 'manifest', /key containing the NUL/);
    const id = JSON.stringify({ query: PUSH, variables: { i: { environmentId: `${environmentId}\u0000`, manifest: {} } } });
    await expectRefused(await postRaw(id), 'environmentId', /NUL/);
  });

  it('a lone UTF-16 surrogate in a string or a JSON key', async () => {
    await expectRefused(await postRaw(`{"query":${JSON.stringify(CREATE_ORGANIZATION)},"variables":{"i":{"slug":"half","name":"a\\ud800b"}}}`), 'name', /surrogate/);
    await expectRefused(
      await postRaw(`{"query":${JSON.stringify(PUSH)},"variables":{"i":{"environmentId":"${environmentId}","manifest":{"\\udc00":1}}}}`),
      'manifest',
      /surrogate/,
    );
  });

  it('a number that is not finite, in a variable or a literal: never stored as null', async () => {
    await expectRefused(await postRaw(`{"query":${JSON.stringify(PUSH)},"variables":{"i":{"environmentId":"${environmentId}","manifest":{"size":1e400}}}}`), 'manifest', /finite/);
    await expectRefused(await postRaw(`{"query":${JSON.stringify(PUSH)},"variables":{"i":{"environmentId":"${environmentId}","manifest":{"size":[-1e999]}}}}`), 'manifest', /finite/);
    const literal = `mutation { pushEnvironmentGeneration(input: { environmentId: "${environmentId}", manifest: { size: 1e400 } }) { generation { number } } }`;
    await expectRefused(await postRaw(JSON.stringify({ query: literal })), 'size', /finite/);
  });

  it('JSON nested 10,000 levels deep, or one level past the documented 64', async () => {
    const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    for (const depth of [10_000, 64]) {
      const body = `{"query":${JSON.stringify(PUSH)},"variables":{"i":{"environmentId":"${environmentId}","manifest":${nested(depth)}}}}`;
      await expectRefused(await postRaw(body), 'manifest', /nested deeper than 64 levels/);
    }
    const deepest = `{"query":${JSON.stringify(PUSH)},"variables":{"i":{"environmentId":"${environmentId}","manifest":${nested(62)}}}}`;
    const accepted = await postRaw(deepest);
    expect(accepted.errors, accepted.raw).toBeUndefined();
    before = await t.server.snapshot(); // that push was meant to land
  });
});

describe('cursors and global IDs have exactly one spelling', () => {
  beforeAll(async () => {
    before = await t.server.snapshot();
  });
  const cursor = (key: unknown) => Buffer.from(JSON.stringify(key)).toString('base64url');
  const someId = '6f1c2b4e-8a3d-4c5e-9f7a-1b2c3d4e5f60';

  it('a forged cursor with an impossible date, a year Postgres has not, or a number outside its column', async () => {
    const organizations = 'query($a: String) { organizations(after: $a) { edges { cursor } } }';
    for (const date of ['2024-02-31T00:00:00.000Z', '2023-02-29T12:00:00.000Z', '0000-01-01T00:00:00.000Z', '2024-13-01T00:00:00.000Z']) {
      await expectRefused(await postRaw(JSON.stringify({ query: organizations, variables: { a: cursor([date, someId]) } })), 'after', /cursor/);
    }
    const generations = 'query($s: String!, $a: String) { organization(slug: $s) { environment(name: "web") { generations(after: $a) { edges { cursor } } } } }';
    for (const number of [2 ** 31, -(2 ** 31) - 1, 2 ** 53]) {
      const res = await postRaw(JSON.stringify({ query: generations, variables: { s: acme.slug, a: cursor([number, someId]) } }));
      await expectRefused(res, 'after', /cursor/);
    }
  });

  it('a cursor handed out still pages', async () => {
    const res = expectOk<any>(await t.server.graphql(alice.token, '{ organizations(first: 1) { edges { cursor } } }'));
    const next = await t.server.graphql(alice.token, 'query($a: String) { organizations(after: $a) { edges { cursor } } }', { a: res.organizations.edges[0].cursor });
    expectOk(next);
  });

  it('an ID with stray characters, padding, or other trailing bits is refused, never written into the audit log', async () => {
    const canonical = acme.id;
    const spellings = [
      `${canonical.slice(0, 8)}<!"> ${canonical.slice(8)}`,
      `${canonical}==`,
      `${canonical.slice(0, -1)}${String.fromCharCode(canonical.charCodeAt(canonical.length - 1) ^ 1)}`,
      canonical.replace(/-/g, '+').replace(/_/g, '/'),
    ].filter((s) => s !== canonical);
    for (const organizationId of spellings) {
      const res = await postRaw(JSON.stringify({ query: UPDATE_ORGANIZATION, variables: { i: { organizationId, name: 'Renamed' } } }));
      await expectRefused(res, 'organizationId', /not a valid/);
      const node = await t.server.graphql(alice.token, NODE_ID, { id: organizationId });
      expect(codes(node), node.raw).toEqual(['BAD_USER_INPUT']);
    }
    const renamed = expectOk<any>(await t.server.graphql(alice.token, UPDATE_ORGANIZATION, { i: { organizationId: canonical, name: 'Renamed' } }));
    expect(renamed.updateOrganization.organization.id).toBe(canonical);
    const log = expectOk<any>(await t.server.graphql(alice.token, 'query($s: String!) { organization(slug: $s) { auditLog(first: 1) { edges { node { operation targetId } } } } }', { s: acme.slug }));
    expect(log.organization.auditLog.edges[0].node).toEqual({ operation: 'updateOrganization', targetId: canonical });
  });
});

describe('requests the server does not serve are client errors', () => {
  it('a persisted-query hash that does not match its query is a 400 BAD_REQUEST', async () => {
    const res = await postRaw(JSON.stringify({ query: '{ viewer { kind } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'ab'.repeat(32) } } }));
    expectNoLeak(res.raw, [alice.token]);
    expect(res.status, res.raw).toBe(400);
    expect(codes(res)).toEqual(['BAD_REQUEST']);
    expect(res.errors[0].message).toMatch(/does not match/);
  });

  it('a subscription is a 400 that says subscriptions are not served', async () => {
    const res = await postRaw(JSON.stringify({ query: 'subscription { viewer { kind } }' }));
    expect(expectError(res, 'GRAPHQL_VALIDATION_FAILED', { status: 400 }).message).toMatch(/Subscriptions are not served/);
    const anonymous = await postRaw(JSON.stringify({ query: 'subscription S { anything }' }), null);
    expect(anonymous.status, anonymous.raw).toBe(400);
    expect(codes(anonymous)).not.toContain('INTERNAL_SERVER_ERROR');
  });
});
