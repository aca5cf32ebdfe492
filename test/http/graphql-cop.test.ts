/**
 * graphql-cop's twelve probes, re-implemented over HTTP against a real
 * Orgraph in test mode and one in production mode: each asserts that Orgraph
 * refuses (or is safe) with the documented status and error code. Every
 * response, the seed's included, is checked for leaks (helpers/leaks.ts).
 */
import { getIntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectCleanError, expectRejected, expectUnchanged } from '../helpers/expect.js';
import { leakChecks } from '../helpers/leaks.js';
import { ADD_MEMBER, CREATE_ORGANIZATION, ORGANIZATIONS, VIEWER } from '../helpers/operations.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { post, send } from '../helpers/requests.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { leakChecked: true });
let server: TestOrgraph; // NODE_ENV=test
let production: TestOrgraph; // NODE_ENV=production
let alice: Person; // owner of acme

beforeAll(async () => {
  server = t.server;
  production = await t.start({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  alice = (await t.seed.organization('acme', { owner: 'alice', readers: ['dora'] })).owner;
});

const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const q = (query: string) => `/graphql?query=${encodeURIComponent(query)}`;

describe('graphql-cop: field suggestions (production)', () => {
  it('a misspelled field, argument or type gets no "Did you mean"', async () => {
    for (const query of [
      '{ organisations { edges { cursor } } }',
      '{ organizations(frist: 1) { edges { cursor } } }',
      '{ viewer { ... on Viewr { kind } } }',
      'query($r: OrganisationRole) { viewer { kind } }',
      'mutation { createOrganization(input: { slugg: "x", name: "y" }) { organization { id } } }',
      'mutation { addOrganizationMember(input: { organizationId: "x", userSubject: "y", role: WRTER }) { member { role } } }',
    ]) {
      for (const token of [null, alice.token]) {
        const res = await post(production, token, query);
        expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
        expect(res.raw, query).not.toMatch(/did you mean/i);
      }
    }
  });

  it('a misspelled input field or enum value in the variables gets no "Did you mean" either', async () => {
    const misspelledField = await post(production, alice.token, CREATE_ORGANIZATION, { i: { slugg: 'x', name: 'y' } });
    expectRejected(misspelledField, 400, 'BAD_USER_INPUT');
    expect.soft(misspelledField.raw, 'an input field suggestion in production').not.toMatch(/did you mean/i);
    const misspelledEnum = await post(
      production,
      alice.token,
      ADD_MEMBER,
      { i: { organizationId: 'x', userSubject: 'auth0|y', role: 'WRTER' } },
    );
    expectRejected(misspelledEnum, 400, 'BAD_USER_INPUT');
    expect.soft(misspelledEnum.raw, 'an enum value suggestion in production').not.toMatch(/did you mean/i);
  });
});

describe('graphql-cop: introspection (production)', () => {
  const COP_INTROSPECTION = 'query cop { __schema { types { name fields { name } } } }';

  it('is refused to anonymous callers with 401 UNAUTHENTICATED, however it is dressed', async () => {
    for (const [query, operationName] of [
      [COP_INTROSPECTION, undefined],
      ['{ s: __schema { queryType { name } } }', undefined],
      ['{ __schema\n{ queryType { name } } }', undefined],
      ['{ ...F } fragment F on Query { __schema { queryType { name } } }', undefined],
      ['{ ... on Query { __type(name: "Organization") { fields { name } } } }', undefined],
      ['query A { viewer { kind } } query B { __schema { types { name } } }', 'B'],
    ] as const) {
      const res = await post(production, null, query, undefined, operationName ? { operationName } : {});
      expectRejected(res, 401, 'UNAUTHENTICATED');
      expect(res.raw).not.toMatch(/"types"|"fields"|queryType/);
    }
    const viaGet = await send(production.url, q(COP_INTROSPECTION), { method: 'GET', headers: PREFLIGHT });
    expectRejected(viaGet, 401, 'UNAUTHENTICATED');
  });

  it('is answered to a signed-in principal (tooling with a token keeps working)', async () => {
    const res = await post(production, alice.token, COP_INTROSPECTION);
    expect(res.status, res.raw).toBe(200);
    expect(res.errors, res.raw).toBeUndefined();
    expect(res.data.__schema.types.map((t: { name: string }) => t.name)).toContain('Organization');
  });
});

describe('graphql-cop: IDE exposure (production)', () => {
  it('GET /graphql with Accept: text/html serves no GraphiQL, Playground or Sandbox page', async () => {
    for (const headers of [{ accept: 'text/html' }, { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, { accept: 'text/html', ...PREFLIGHT }]) {
      const res = await send(production.url, '/graphql', { method: 'GET', headers });
      expect(res.status, res.raw).not.toBe(200);
      expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
      expect(res.raw).not.toMatch(/<html|<!doctype|graphiql|playground|sandbox|embeddable|apollographql/i);
    }
  });

  it('no IDE lives at the paths graphql-cop tries', async () => {
    for (const path of ['/graphiql', '/playground', '/altair', '/explorer', '/console', '/graphql/console', '/v1/graphiql']) {
      const res = await send(production.url, path, { method: 'GET', headers: { accept: 'text/html' } });
      expect(res.status, path).toBe(404);
      expect(res.raw).not.toMatch(/<html|<!doctype|<script/i);
      expect(res.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    }
  });
});

describe('graphql-cop: GET-based queries', () => {
  it('a GET without a CSRF-safe header is refused with 400 BAD_REQUEST and runs nothing', async () => {
    for (const target of [server, production]) {
      const plain = await send(target.url, q('query cop { __typename }'), { method: 'GET' });
      expectRejected(plain, 400, 'BAD_REQUEST');
      expect(plain.raw).toMatch(/Cross-Site Request Forgery/);
      const simpleType = await send(target.url, q('{ viewer { kind } }'), { method: 'GET', headers: { 'content-type': 'text/plain' } });
      expectRejected(simpleType, 400, 'BAD_REQUEST');
      // HTTP Basic credentials are resent by browsers on their own: they make no GET CSRF-safe
      const basic = await send(target.url, q(ORGANIZATIONS), { method: 'GET', headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } });
      expectRejected(basic, 400, 'BAD_REQUEST');
    }
  });

  it('a GET with a bearer token needs no other header: no page can send one cross-site without a preflight', async () => {
    for (const target of [server, production]) {
      const withToken = await send(target.url, q(ORGANIZATIONS), { method: 'GET', headers: { authorization: `Bearer ${alice.token}` } });
      expect(withToken.status, withToken.raw).toBe(200);
      expect(withToken.body.errors, withToken.raw).toBeUndefined();
      if (target === server) expect(withToken.raw).toContain('acme');
    }
  });
});

describe('graphql-cop: alias overloading', () => {
  it('101 aliases are refused with 400 GRAPHQL_VALIDATION_FAILED, anonymous or signed in', async () => {
    const query = `query cop { ${Array.from({ length: 101 }, (_, i) => `alias${i}: __typename`).join(' ')} }`;
    for (const target of [server, production]) {
      for (const token of [null, alice.token]) {
        const res = await post(target, token, query);
        expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
        expect(res.errors![0]!.message).toMatch(/101 aliases; the limit is 15/);
      }
    }
  });

  it('16 aliases of a real field are refused as well', async () => {
    const query = `{ ${Array.from({ length: 16 }, (_, i) => `o${i}: organizations(first: 1) { edges { cursor } }`).join(' ')} }`;
    expectRejected(await post(server, alice.token, query), 400, 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('graphql-cop: array-based batching', () => {
  it('a JSON array of operations is refused with 400 and nothing in it runs', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => ({
      query: `mutation { createOrganization(input: { slug: "batch-${i}", name: "Batch" }) { organization { id } } }`,
    }));
    for (const target of [server, production]) {
      const res = await expectUnchanged(target, () =>
        send(target.url, '/graphql', {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
          body: JSON.stringify(batch),
        }),
      );
      expectRejected(res, 400, 'BAD_REQUEST');
      const cop = await send(target.url, '/graphql', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: 'query cop { __typename }' }, { query: 'query cop { __typename }' }]),
      });
      expectRejected(cop, 400, 'BAD_REQUEST');
    }
  });
});

describe('graphql-cop: trace mode', () => {
  it('no response carries extensions.tracing or an ftv1 trace, even when asked for one', async () => {
    for (const target of [server, production]) {
      for (const token of [null, alice.token]) {
        for (const query of ['query cop { __typename }', '{ viewer { kind } }', '{ organisations { id } }']) {
          const res = await post(target, token, query, undefined, { headers: { 'apollo-federation-include-trace': 'ftv1' } });
          expect(res.body.extensions?.tracing, res.raw).toBeUndefined();
          expect(res.body.extensions?.ftv1, res.raw).toBeUndefined();
          expect(res.raw).not.toMatch(/"tracing"|"ftv1"|"startTime"|"duration"/);
        }
      }
      const requested = await send(target.url, '/graphql', {
        headers: { 'content-type': 'application/json', 'apollo-federation-include-trace': 'ftv1' },
        body: JSON.stringify({ query: '{ __typename }', extensions: { tracing: true, ftv1: true } }),
      });
      expect(requested.raw).not.toMatch(/"tracing"|"ftv1"/);
    }
  });
});

describe('graphql-cop: directive overloading', () => {
  it('a field with many repeated directives is refused with 400 GRAPHQL_VALIDATION_FAILED', async () => {
    for (const target of [server, production]) {
      for (const directives of ['@aa'.repeat(50), Array.from({ length: 11 }, () => '@include(if: true)').join(' ')]) {
        const res = await post(target, null, `query cop { __typename ${directives} }`);
        expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
      }
    }
  });

  it('directives spread over many fields count against the limit of 10 per operation', async () => {
    const query = `{ ${Array.from({ length: 11 }, (_, i) => `viewer @skip(if: ${i % 2 === 0}) { kind }`).join(' ')} }`;
    const res = await post(server, alice.token, query);
    expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toMatch(/11 directives; the limit is 10/);
  });

  it('directives on inline fragments and fragment spreads count too (the limit is per operation)', async () => {
    const nested = `${'... @include(if: true) { '.repeat(11)}__typename${' }'.repeat(11)}`;
    const inline = await post(server, alice.token, `{ ${nested} }`);
    expect.soft(inline.status, `11 directives on inline fragments: ${inline.raw}`).toBe(400);
    expect.soft(inline.raw).toMatch(/11 directives; the limit is 10/);
    const spreads = await post(
      server,
      alice.token,
      `{ ${Array.from({ length: 11 }, (_, i) => `...F @skip(if: ${i % 2 === 1})`).join(' ')} } fragment F on Query { __typename }`,
    );
    expect.soft(spreads.status, `11 directives on fragment spreads: ${spreads.raw}`).toBe(400);
    expect.soft(spreads.errors?.[0]?.extensions?.code, spreads.raw).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('graphql-cop: circular introspection', () => {
  /** __schema > types > fields > type > ofType x n > name */
  const circular = (n: number) => `{ __schema { types { fields { type { ${'ofType { '.repeat(n)}name${' }'.repeat(n)} } } } } }`;
  const COP_CIRCULAR = 'query cop { __schema { types { fields { type { fields { type { fields { type { fields { type { name } } } } } } } } } } }';

  it('the standard introspection query of schema tools is answered (to a signed-in principal in production)', async () => {
    for (const [target, token] of [[production, alice.token], [server, null]] as const) {
      const res = await post(target, token, getIntrospectionQuery());
      expect(res.status, res.raw.slice(0, 300)).toBe(200);
      expect(res.body.data.__schema.queryType.name).toBe('Query');
    }
  });

  it('an introspection query deeper than tools ever go is refused with 400, before it runs', async () => {
    for (const [target, token] of [[production, alice.token], [server, null], [server, alice.token]] as const) {
      const res = await post(target, token, circular(20));
      expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
      expect(res.errors![0]!.message).toMatch(/Introspection depth \d+ exceeds the limit of 20/);
    }
  });

  it("graphql-cop's own circular query (types > fields > type > fields ...) is refused with 400", async () => {
    for (const [target, token] of [[production, alice.token], [server, null]] as const) {
      const res = await post(target, token, COP_CIRCULAR);
      expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('the same cycle through __type and fragments is refused too', async () => {
    const fragment = 'fragment T on __Type { fields { type { fields { type { fields { type { name } } } } } } }';
    const res = await post(production, alice.token, `{ __type(name: "Query") { fields { type { ...T } } } } ${fragment}`);
    expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toMatch(/Introspection nests 4 lists/);
  });
});

describe('graphql-cop: mutation over GET', () => {
  it('is refused (405 with a CSRF-safe header or a bearer token, 400 without) and writes nothing', async () => {
    for (const target of [server, production]) {
      const mutation = 'mutation { createOrganization(input: { slug: "via-get", name: "x" }) { organization { id } } }';
      const auth = { authorization: `Bearer ${alice.token}` };
      await expectUnchanged(target, async () => {
        const preflighted = await send(target.url, q(mutation), { method: 'GET', headers: { ...auth, ...PREFLIGHT } });
        expect(preflighted.status, preflighted.raw).toBe(405);
        expectCleanError(preflighted);
        expect(preflighted.body.data ?? undefined).toBeUndefined();
        const plain = await send(target.url, q(mutation), { method: 'GET', headers: auth });
        expect(plain.status, plain.raw).toBe(405);
        expectCleanError(plain);
        const anonymous = await send(target.url, q(mutation), { method: 'GET' });
        expectRejected(anonymous, 400, 'BAD_REQUEST');
        const named = await send(target.url, `${q(`query Q { viewer { kind } } ${mutation.replace('mutation', 'mutation M')}`)}&operationName=M`, {
          method: 'GET',
          headers: { ...auth, ...PREFLIGHT },
        });
        expect(named.status, named.raw).toBe(405);
        expectCleanError(named);
      });
      expect((await target.snapshot()).organizations!.some((o: any) => o.slug === 'via-get')).toBe(false);
    }
  });
});

describe('graphql-cop: url-encoded POST', () => {
  const mutation = 'mutation { createOrganization(input: { slug: "via-form", name: "x" }) { organization { id } } }';

  it('application/x-www-form-urlencoded is refused with 400 and nothing runs', async () => {
    for (const target of [server, production]) {
      await expectUnchanged(target, async () => {
        for (const extraHeaders of [{}, PREFLIGHT]) {
          const res = await send(target.url, '/graphql', {
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${alice.token}`, ...extraHeaders },
            body: new URLSearchParams({ query: mutation }).toString(),
          });
          expectRejected(res, 400, 'BAD_REQUEST');
        }
      });
    }
  });

  it('a simple content type with a "json" parameter does not smuggle a JSON body past CSRF prevention', async () => {
    for (const contentType of ['application/x-www-form-urlencoded; charset=json', 'text/plain; x=json', 'multipart/form-data; boundary=json']) {
      await expectUnchanged(server, async () => {
        const res = await send(server.url, '/graphql', {
          headers: { 'content-type': contentType, authorization: `Bearer ${alice.token}` },
          body: JSON.stringify({ query: mutation }),
        });
        expectRejected(res, 400, 'BAD_REQUEST');
      });
    }
  });
});

describe('graphql-cop: unhandled errors', () => {
  it('a malformed JSON body is a clean 400 BAD_REQUEST', async () => {
    for (const body of ['{"query": "{ viewer { kind } }"', '{query: 1}', '\u0000\u0001', '{"query": "\\ud800"}x']) {
      const res = await send(server.url, '/graphql', { headers: { 'content-type': 'application/json' }, body });
      expectRejected(res, 400, 'BAD_REQUEST');
    }
  });

  it('a JSON body that is null, a string, a number or an empty object is a clean 400', async () => {
    for (const body of ['null', '"{ viewer { kind } }"', '42', '{}', 'true', '{"query": null}', '{"query": 42}', '{"query": "{ viewer { kind } }", "variables": "x"}']) {
      for (const token of [null, alice.token]) {
        const res = await send(server.url, '/graphql', {
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body,
        });
        expectRejected(res, 400, 'BAD_REQUEST');
      }
    }
  });

  it('an unknown operationName is a clean 400', async () => {
    const res = await post(server, alice.token, 'query A { viewer { kind } } query B { viewer { kind } }', undefined, { operationName: 'Nope' });
    expect(res.status, res.raw).toBe(400);
    expect(expectCleanError(res)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    const none = await post(server, alice.token, 'query A { viewer { kind } } query B { viewer { kind } }');
    expect(none.status, none.raw).toBe(400);
    expectCleanError(none);
  });

  it('huge integers for `first` are clean errors, never an internal one', async () => {
    for (const literal of ['99999999999999999999999999', '2147483648', '-2147483649', '1e308']) {
      const res = await post(server, alice.token, `{ organizations(first: ${literal}) { edges { cursor } } }`);
      expectRejected(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    }
    // Costed as the largest page it could be served as; reading the page then refuses it.
    const withinInt = await post(server, alice.token, '{ organizations(first: 2147483647) { edges { cursor } } }');
    expect(expectCleanError(withinInt)).toEqual(['BAD_USER_INPUT']);
    expect(withinInt.errors![0]!.message).toMatch(/first must be between 0 and 100/);
    for (const value of [Number.MAX_SAFE_INTEGER, 2 ** 31, 1e308, -1e308, 1.5, '100']) {
      const res = await post(server, alice.token, 'query($n: Int) { organizations(first: $n) { edges { cursor } } }', { n: value });
      expectRejected(res, 400, 'BAD_USER_INPUT');
    }
    for (const value of [2147483647, -2147483648, 101, -1]) {
      const res = await post(server, alice.token, 'query($n: Int) { organizations(first: $n) { edges { cursor } } }', { n: value });
      expect(res.status, res.raw).toBe(200);
      expect(expectCleanError(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.message).toMatch(/first must be between 0 and 100/);
    }
    const nested = await post(server, alice.token, 'query($n: Int) { organizations { edges { node { members(first: $n) { edges { cursor } } } } } }', { n: 2147483647 });
    expect(expectCleanError(nested)).toContain('BAD_USER_INPUT');
  });

  it('garbage cursors and global ids are clean errors', async () => {
    for (const after of ['%%%', 'eyJ4Ijp7fX0', Buffer.from('["2024-01-01T00:00:00.000Z","\'; drop table users; --"]').toString('base64url'), 'A'.repeat(10_000)]) {
      const res = await post(server, alice.token, 'query($a: String) { organizations(after: $a) { edges { cursor } } }', { a: after });
      expect(expectCleanError(res)).toEqual(['BAD_USER_INPUT']);
    }
    for (const id of ['%%%', Buffer.from("Organization:' OR 1=1 --").toString('base64url'), Buffer.from('Nope:1').toString('base64url'), '']) {
      const res = await post(server, alice.token, 'query($id: ID!) { node(id: $id) { id } }', { id });
      if (res.errors) expectCleanError(res);
      else expect(res.data).toEqual({ node: null });
    }
  });

  // A signed claim the database cannot store (Postgres text refuses NUL): the caller's fault, not an outage.
  it.each([
    ['a user token whose name holds a NUL byte', () => t.issuer.userToken('auth0|mallory', { name: 'Mallory\u0000' })],
    ['a user token whose email holds a NUL byte', () => t.issuer.userToken('auth0|mallet', { email: 'mallet\u0000@example.test' })],
    ['a user token whose subject holds a NUL byte', () => t.issuer.userToken('auth0|nul\u0000')],
    ['a machine token whose client id holds a NUL byte', () => t.issuer.machineToken('acme\u0000ci')],
  ] as [string, () => Promise<string>][])('%s is a clean answer, never an INTERNAL_SERVER_ERROR without a requestId', async (_label, make) => {
    const res = await post(server, await make(), VIEWER);
    if (res.status === 200 && !res.errors) return; // stored or ignored: fine
    expectCleanError(res);
    expect(res.status, `a bad claim answered as an outage: ${res.raw}`).toBeLessThan(500);
  });
});

describe('leak checks', () => {
  it('inspected at least 40 responses', () => {
    expect(leakChecks(), `${leakChecks()} responses inspected`).toBeGreaterThanOrEqual(40);
  });
});
