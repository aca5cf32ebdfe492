/**
 * Hostile documents are refused before execution, each with an error that
 * states the limit; production mode reveals nothing about the schema to
 * anonymous callers and masks internal errors with a request id.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({ LIMIT_COST: '2000' });
let server: TestOrgraph;
let production: TestOrgraph;
let token: string;

beforeAll(async () => {
  server = t.server;
  production = await t.start({ NODE_ENV: 'production', LOG_LEVEL: 'silent' });
  token = await t.issuer.userToken('auth0|limits');
});

async function refused(query: string, limit: RegExp, target = server) {
  const res = await target.graphql(token, query);
  expect(res.status, res.raw).toBe(400);
  expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  expect(res.errors?.map((e) => e.message)).toContainEqual(expect.stringMatching(limit));
  return res;
}

/** viewer > machineClient > (organization > machineClients > edges > node) x cycles > id */
const deepQuery = (cycles: number): string =>
  `{ viewer { machineClient { ${'organization { machineClients { edges { node { '.repeat(cycles)}id${' } } } }'.repeat(cycles)} } } }`;

describe('request limits', () => {
  it('refuses a query deeper than 12 levels, and says so', async () => {
    await refused(deepQuery(3), /depth 15 exceeds the limit of 12/); // 2 + 4 x 3 + 1
    const ok = await server.graphql(token, deepQuery(2)); // depth 11
    expect(ok.errors, ok.raw).toBeUndefined();
  });

  it('refuses more than 15 aliases, __typename aliases included', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: __typename`).join(' ');
    await refused(`{ ${aliases} }`, /16 aliases; the limit is 15/);
  });

  it('counts aliases inside fragments where they are spread', async () => {
    const fragment = `fragment F on Query { ${Array.from({ length: 8 }, (_, i) => `f${i}: __typename`).join(' ')} }`;
    await refused(`{ ...F x: viewer { kind } ... on Query { ...F } } ${fragment}`, /aliases; the limit is 15/);
  });

  it('refuses more than 10 directives, on fields, fragments and spreads alike', async () => {
    const directives = Array.from({ length: 11 }, () => '@include(if: true)').join(' ');
    await refused(`{ viewer ${directives} { kind } }`, /11 directives; the limit is 10/);
    const nested = Array.from({ length: 11 }, () => '... @include(if: true) {').join(' ');
    await refused(`{ ${nested} viewer { kind } ${'}'.repeat(11)} }`, /11 directives; the limit is 10/);
  });

  it('refuses a document of more than 2000 tokens before validating it', async () => {
    const res = await server.graphql(token, `{ ${Array.from({ length: 1100 }, () => 'viewer { kind }').join(' ')} }`);
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(res.errors?.[0]?.message).toMatch(/2000 tokens/);
  });

  it('refuses a query whose lists multiply past the cost limit, counting page sizes', async () => {
    await refused(
      '{ organizations(first: 100) { edges { node { members(first: 100) { edges { node { role } } } } } } }',
      /cost \d+ exceeds the limit of 2000/,
    );
    const small = await server.graphql(token, '{ organizations(first: 5) { edges { node { members(first: 5) { edges { node { role } } } } } } }');
    expect(small.errors, small.raw).toBeUndefined();
  });

  it('costs a page size given as a variable by its value', async () => {
    const query = 'query($n: Int) { organizations(first: $n) { edges { node { members(first: $n) { edges { node { role } } } } } } }';
    const small = await server.graphql(token, query, { n: 1 });
    expect(small.errors, small.raw).toBeUndefined();
    const res = await server.graphql(token, query, { n: 100 });
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.message).toMatch(/cost \d+ exceeds the limit of 2000/);
  });

  it('leaves the database untouched when a mutation is refused for its shape', async () => {
    const before = await server.snapshot();
    const aliases = Array.from({ length: 16 }, (_, i) => `m${i}: createOrganization(input: { slug: "s${i}x", name: "x" }) { organization { id } }`);
    const res = await server.graphql(token, `mutation { ${aliases.join(' ')} }`);
    expect(res.status).toBe(400);
    expect(await server.snapshot()).toEqual(before);
  });
});

describe('production mode', () => {
  it('gives no field suggestions', async () => {
    const res = await production.graphql(token, '{ organisations { edges { cursor } } }');
    expect(res.status).toBe(400);
    expect(res.raw).not.toMatch(/Did you mean/);
    const dev = await server.graphql(token, '{ organisations { edges { cursor } } }');
    expect(dev.raw).toMatch(/Did you mean/);
  });

  it('answers introspection to signed-in principals only', async () => {
    const query = '{ __schema { queryType { name } } }';
    const anonymous = await production.graphql(null, query);
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(anonymous.raw).not.toContain('queryType');
    const tooling = await production.graphql(token, query);
    expect(tooling.data).toEqual({ __schema: { queryType: { name: 'Query' } } });
    const typeQuery = await production.graphql(null, '{ __type(name: "Organization") { name } }');
    expect(typeQuery.status).toBe(401);
  });

  it('still answers anonymous public queries', async () => {
    const res = await production.graphql(null, '{ viewer { kind } }');
    expect(res.data).toEqual({ viewer: null });
  });

  it('sends every response with its request id, and echoes a well-formed one it was given', async () => {
    const response = await fetch(`${production.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-123' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(response.headers.get('x-request-id')).toBe('trace-123');
  });
});
