/**
 * Attacks, over HTTP, against a real Orgraph:
 *
 * 1. graphql-cop's twelve probes, re-implemented: each asserts that Orgraph
 *    refuses (or is safe) with the documented status and error code.
 * 2. A JWT suite completing identity.test.ts: `kid` injection, `jku` / `x5u` /
 *    `jwk` key injection (an attacker JWKS on loopback counts its requests),
 *    `crit`, tokens in the wrong place, duplicated or padded Authorization
 *    headers, machine-looking user subjects, revoked clients, and `org_id`
 *    narrowing that must never widen.
 * 3. Leak checks: every response this file receives (the seed's included)
 *    goes through `inspect`, which fails on a stack frame, SQL text, the words
 *    postgres / pglite, or the bearer token that was sent.
 */
import { createServer, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders, type Server } from 'node:http';
import { createPrivateKey, createSign, type JsonWebKey } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type JWTHeaderParameters } from 'jose';
import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type GraphQLResponse, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor, type Person, type SeededOrganization } from '../helpers/seed.js';

// ---------------------------------------------------------------------------
// Leak checks on every response
// ---------------------------------------------------------------------------

const TABLES = [
  'users', 'organizations', 'organization_members', 'machine_clients', 'audit_events', 'environments',
  'environment_generations', 'environment_events', 'packages', 'package_versions', 'workspaces', 'groups',
  'group_members', 'workspace_roles', 'projects', 'project_grants', 'workspace_resources', 'project_resources',
  'builds', 'process_instances', 'process_operations',
];
/** A stack frame, raw or JSON-escaped, or a source path (`file.ts:`, `file.js:`). */
const STACK_FRAME = /(?:^|\n|\\n) {2,}at |\bat\s+(?:async\s+)?\S+\s+\(\S*:\d+:\d+\)|\.[mc]?[tj]s:/;
/** SQL text: a statement keyword followed by one of the tables (quoted or not, raw or JSON-escaped). */
const QUOTE = '(?:\\\\?")?';
const SQL_TEXT = new RegExp(
  `\\b(?:select\\b[\\s\\S]{0,400}?\\bfrom|insert\\s+into|update|delete\\s+from)\\s+${QUOTE}(?:public${QUOTE}\\.${QUOTE})?(?:${TABLES.join('|')})\\b`,
  'i',
);

let responsesChecked = 0;

/** Fails the test on any leak in a response's body or headers; `secrets` are the bearer tokens sent with it. */
function inspect(raw: string, headers: Headers, secrets: string[]) {
  const headerText = [...headers].map(([k, v]) => `${k}: ${v}`).join('\n');
  expect(raw, 'response contains a stack frame').not.toMatch(STACK_FRAME);
  expect(raw, 'response contains a stack trace').not.toMatch(/stacktrace/i);
  expect(raw, 'response contains SQL text').not.toMatch(SQL_TEXT);
  expect(raw, 'response names the database engine').not.toMatch(/postgres|pglite/i);
  for (const secret of secrets) {
    expect(raw.includes(secret), 'response body contains the bearer token').toBe(false);
    expect(headerText.includes(secret), 'response headers contain the bearer token').toBe(false);
  }
  responsesChecked++;
}

/** The credentials an Authorization header value carries (each long piece after the scheme). */
function secretsOf(authorization: string | string[] | undefined): string[] {
  const values = authorization === undefined ? [] : Array.isArray(authorization) ? authorization : [authorization];
  const out: string[] = [];
  for (const value of values) {
    const credential = value.replace(/^\s*\S+\s+/, '');
    if (credential.length >= 16) out.push(credential);
    for (const piece of value.split(/[\s,;]+/)) if (piece.length >= 16) out.push(piece);
  }
  return out;
}

interface Reply {
  status: number;
  raw: string;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: any;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Tokens sent elsewhere than the Authorization header (the URL, the body). */
  secrets?: string[];
}

/** Any HTTP request to a test server, its response inspected for leaks. */
async function send(base: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const headers = options.headers ?? {};
  const response = await fetch(`${base}${path}`, { method: options.method ?? 'POST', headers, body: options.body });
  const raw = await response.text();
  const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  inspect(raw, response.headers, [...secretsOf(authorization), ...(options.secrets ?? [])]);
  return { status: response.status, raw, headers: response.headers, body: parseJson(raw) };
}

/** A request through node:http, for what fetch cannot send (the same header twice). */
function sendRaw(base: string, path: string, headers: Omit<OutgoingHttpHeaders, 'authorization'> & { authorization?: string | string[] }, body: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // An array value goes out as one header line per element.
    const outgoing = { ...headers, 'content-length': Buffer.byteLength(body) } as unknown as OutgoingHttpHeaders;
    const req = httpRequest(new URL(path, base), { method: 'POST', headers: outgoing }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
        }
        try {
          inspect(raw, responseHeaders, secretsOf(headers.authorization));
          resolve({ status: res.statusCode ?? 0, raw, headers: responseHeaders, body: parseJson(raw) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** A GraphQL POST; `headers` are added to (or override) the JSON content type and the bearer token. */
async function gql(
  target: TestOrgraph,
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  extra: { headers?: Record<string, string>; operationName?: string; path?: string; secrets?: string[] } = {},
): Promise<GraphQLResponse & { headers: Headers; body: any }> {
  const reply = await send(target.url, extra.path ?? '/graphql', {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra.headers },
    body: JSON.stringify({ query, variables, ...(extra.operationName ? { operationName: extra.operationName } : {}) }),
    secrets: extra.secrets,
  });
  expect(reply.body, `not a JSON body: ${reply.raw}`).toBeTypeOf('object');
  return { status: reply.status, raw: reply.raw, headers: reply.headers, body: reply.body, ...reply.body };
}

/** The test server with its `graphql` (used by the seed) routed through `gql`, so those responses are inspected too. */
function checked(inner: TestOrgraph): TestOrgraph {
  return { ...inner, graphql: ((token, query, variables) => gql(inner, token, query, variables)) as TestOrgraph['graphql'] };
}

// ---------------------------------------------------------------------------
// Error shapes
// ---------------------------------------------------------------------------

const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'INTERNAL_SERVER_ERROR'];
/** Apollo Server's documented request-level codes. */
const APOLLO_REQUEST_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
];

/**
 * A clean error answer: a JSON body with errors, each with a message and a
 * code from the contract or Apollo's request codes; an INTERNAL_SERVER_ERROR
 * only with the request id the server logged it under; no 5xx otherwise.
 * Returns the codes.
 */
function expectCleanError(reply: { status: number; raw: string; body: any }): string[] {
  const errors = reply.body?.errors as { message?: unknown; extensions?: Record<string, unknown> }[] | undefined;
  expect(Array.isArray(errors) && errors.length > 0, `no errors in ${reply.status} ${reply.raw}`).toBe(true);
  const codes: string[] = [];
  for (const error of errors!) {
    expect(typeof error.message === 'string' && error.message.length > 0, reply.raw).toBe(true);
    const code = String(error.extensions?.code);
    expect([...CONTRACT_CODES, ...APOLLO_REQUEST_CODES], `unexpected code in ${reply.raw}`).toContain(code);
    if (code === 'INTERNAL_SERVER_ERROR') {
      expect(error.extensions?.requestId, `INTERNAL_SERVER_ERROR without a requestId: ${reply.raw}`).toEqual(expect.any(String));
    }
    codes.push(code);
  }
  if (reply.status >= 500) expect(codes, `a ${reply.status} that is not a masked internal error: ${reply.raw}`).toEqual(codes.map(() => 'INTERNAL_SERVER_ERROR'));
  return codes;
}

function expectRefused(reply: { status: number; raw: string; body: any }, status: number | number[], code: string) {
  expect(Array.isArray(status) ? status : [status], `status of ${reply.raw}`).toContain(reply.status);
  expectCleanError(reply);
  expect(reply.body.errors[0].extensions.code, reply.raw).toBe(code);
  expect(reply.body.data ?? undefined, reply.raw).toBeUndefined();
}

// ---------------------------------------------------------------------------
// An attacker's key server on loopback: counts every request it gets
// ---------------------------------------------------------------------------

interface Attacker {
  url: string;
  requests: string[];
  privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
  publicJwk: Record<string, unknown>;
  kid: string;
  /** A token signed with the attacker's key, with these header parameters and claims. */
  sign(header: Partial<JWTHeaderParameters>, claims?: Record<string, unknown>): Promise<string>;
  stop(): Promise<void>;
}

async function startAttacker(issuerUrl: string, audience: string): Promise<Attacker> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'attacker-key-1';
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const pem = await exportSPKI(publicKey);
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url?.includes('pem') || req.url?.includes('x5u')) {
      res.setHeader('content-type', 'application/x-pem-file');
      res.end(pem);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    privateKey,
    publicJwk,
    kid,
    sign: (header, claims = {}) =>
      new SignJWT({ sub: 'auth0|alice', azp: 'web-app', email: 'alice@example.test', ...claims })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid, ...header })
        .setIssuer(issuerUrl)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime('1h')
        .sign(privateKey),
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

// ---------------------------------------------------------------------------
// Fixture
// ---------------------------------------------------------------------------

let issuer: TestIssuer;
let attacker: Attacker;
let server: TestOrgraph; // NODE_ENV=test
let production: TestOrgraph; // NODE_ENV=production
let seed: ReturnType<typeof seedFor>;
let acme: SeededOrganization; // owner alice, reader dora, externalId org_acme
let globex: SeededOrganization; // owner gina, externalId org_globex
let alice: Person;
let gina: Person;

const CREATE_CLIENT = `mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id clientId } } }`;
const REVOKE_CLIENT = `mutation($i: RevokeMachineClientInput!) { revokeMachineClient(input: $i) { machineClient { revokedAt } } }`;
const UPDATE_ORG = `mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { id name externalId } } }`;
const CREATE_ORG = `mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }`;
const CREATE_ENV = `mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { environment { id name } } }`;
const VIEWER = '{ viewer { kind user { subject } machineClient { clientId organization { slug } } } }';
const ORG_SLUGS = '{ organizations { edges { node { slug viewerRole } } } }';

/** A user token signed by the real issuer (real key, real kid), with a hook on its header and claims. */
function issuerToken(edit: (header: Record<string, unknown>, payload: Record<string, unknown>) => void): Promise<string> {
  return issuer.server.issuer.buildToken({
    scopesOrTransform: (header, payload) => {
      Object.assign(payload, { sub: 'auth0|alice', aud: issuer.audience, azp: 'web-app', email: 'alice@example.test' });
      edit(header, payload);
    },
  });
}

/**
 * A token signed by hand (node:crypto, RS256) with the issuer's private key,
 * for headers jose refuses to produce (an unknown `crit`).
 */
async function issuerSignedRaw(edit: (header: Record<string, unknown>) => void): Promise<string> {
  const jwk = issuer.server.issuer.keys.get() as unknown as JsonWebKey & { kid: string };
  const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: jwk.kid };
  edit(header);
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: issuer.url, aud: issuer.audience, sub: 'auth0|alice', azp: 'web-app', email: 'alice@example.test', iat: now, exp: now + 3600 };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part(header)}.${part(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  return `${input}.${signature.toString('base64url')}`;
}

async function mustSucceed(res: GraphQLResponse) {
  expect(res.errors, res.raw).toBeUndefined();
  return res.data;
}

beforeAll(async () => {
  issuer = await startIssuer();
  attacker = await startAttacker(issuer.url, issuer.audience);
  const [plain, prod] = await Promise.all([
    startOrgraph(issuer),
    startOrgraph(issuer, { NODE_ENV: 'production', LOG_LEVEL: 'silent' }),
  ]);
  server = checked(plain);
  production = checked(prod);
  seed = seedFor(server, issuer);
  acme = await seed.organization('acme', { owner: 'alice', readers: ['dora'] });
  globex = await seed.organization('globex', { owner: 'gina' });
  alice = acme.owner;
  gina = globex.owner;
  await mustSucceed(await server.graphql(alice.token, UPDATE_ORG, { i: { organizationId: acme.id, externalId: 'org_acme' } }));
  await mustSucceed(await server.graphql(gina.token, UPDATE_ORG, { i: { organizationId: globex.id, externalId: 'org_globex' } }));
  await mustSucceed(await server.graphql(alice.token, CREATE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-ci', name: 'Acme CI', role: 'WRITER' } }));
});

afterAll(async () => {
  await Promise.all([server?.stop(), production?.stop()]);
  await attacker?.stop();
  await issuer?.stop();
});

/** Runs `call`, asserting that no table (audit_events included) changed. */
async function unchanged<T>(target: TestOrgraph, call: () => Promise<T>): Promise<T> {
  const before = await target.snapshot();
  const result = await call();
  expect(await target.snapshot()).toEqual(before);
  return result;
}

const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const q = (query: string) => `/graphql?query=${encodeURIComponent(query)}`;

// ---------------------------------------------------------------------------
// 1. graphql-cop's probes
// ---------------------------------------------------------------------------

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
        const res = await gql(production, token, query);
        expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
        expect(res.raw, query).not.toMatch(/did you mean/i);
      }
    }
  });

  it('a misspelled input field or enum value in the variables gets no "Did you mean" either', async () => {
    const misspelledField = await gql(production, alice.token, CREATE_ORG, { i: { slugg: 'x', name: 'y' } });
    expectRefused(misspelledField, 400, 'BAD_USER_INPUT');
    expect.soft(misspelledField.raw, 'an input field suggestion in production').not.toMatch(/did you mean/i);
    const misspelledEnum = await gql(
      production,
      alice.token,
      'mutation($i: AddOrganizationMemberInput!) { addOrganizationMember(input: $i) { member { role } } }',
      { i: { organizationId: 'x', userSubject: 'auth0|y', role: 'WRTER' } },
    );
    expectRefused(misspelledEnum, 400, 'BAD_USER_INPUT');
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
      const res = await gql(production, null, query, undefined, operationName ? { operationName } : {});
      expectRefused(res, 401, 'UNAUTHENTICATED');
      expect(res.raw).not.toMatch(/"types"|"fields"|queryType/);
    }
    const viaGet = await send(production.url, q(COP_INTROSPECTION), { method: 'GET', headers: PREFLIGHT });
    expectRefused(viaGet, 401, 'UNAUTHENTICATED');
  });

  it('is answered to a signed-in principal (tooling with a token keeps working)', async () => {
    const res = await gql(production, alice.token, COP_INTROSPECTION);
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
      expectRefused(plain, 400, 'BAD_REQUEST');
      expect(plain.raw).toMatch(/Cross-Site Request Forgery/);
      const simpleType = await send(target.url, q('{ viewer { kind } }'), { method: 'GET', headers: { 'content-type': 'text/plain' } });
      expectRefused(simpleType, 400, 'BAD_REQUEST');
      const withToken = await send(target.url, q(ORG_SLUGS), { method: 'GET', headers: { authorization: `Bearer ${alice.token}` } });
      expectRefused(withToken, 400, 'BAD_REQUEST');
      expect(withToken.raw).not.toContain('acme');
    }
  });
});

describe('graphql-cop: alias overloading', () => {
  it('101 aliases are refused with 400 GRAPHQL_VALIDATION_FAILED, anonymous or signed in', async () => {
    const query = `query cop { ${Array.from({ length: 101 }, (_, i) => `alias${i}: __typename`).join(' ')} }`;
    for (const target of [server, production]) {
      for (const token of [null, alice.token]) {
        const res = await gql(target, token, query);
        expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
        expect(res.errors![0]!.message).toMatch(/101 aliases; the limit is 15/);
      }
    }
  });

  it('16 aliases of a real field are refused as well', async () => {
    const query = `{ ${Array.from({ length: 16 }, (_, i) => `o${i}: organizations(first: 1) { edges { cursor } }`).join(' ')} }`;
    expectRefused(await gql(server, alice.token, query), 400, 'GRAPHQL_VALIDATION_FAILED');
  });
});

describe('graphql-cop: array-based batching', () => {
  it('a JSON array of operations is refused with 400 and nothing in it runs', async () => {
    const batch = Array.from({ length: 10 }, (_, i) => ({
      query: `mutation { createOrganization(input: { slug: "batch-${i}", name: "Batch" }) { organization { id } } }`,
    }));
    for (const target of [server, production]) {
      const res = await unchanged(target, () =>
        send(target.url, '/graphql', {
          headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}` },
          body: JSON.stringify(batch),
        }),
      );
      expectRefused(res, 400, 'BAD_REQUEST');
      const cop = await send(target.url, '/graphql', {
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([{ query: 'query cop { __typename }' }, { query: 'query cop { __typename }' }]),
      });
      expectRefused(cop, 400, 'BAD_REQUEST');
    }
  });
});

describe('graphql-cop: trace mode', () => {
  it('no response carries extensions.tracing or an ftv1 trace, even when asked for one', async () => {
    for (const target of [server, production]) {
      for (const token of [null, alice.token]) {
        for (const query of ['query cop { __typename }', '{ viewer { kind } }', '{ organisations { id } }']) {
          const res = await gql(target, token, query, undefined, { headers: { 'apollo-federation-include-trace': 'ftv1' } });
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
        const res = await gql(target, null, `query cop { __typename ${directives} }`);
        expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
      }
    }
  });

  it('directives spread over many fields count against the limit of 10 per operation', async () => {
    const query = `{ ${Array.from({ length: 11 }, (_, i) => `viewer @skip(if: ${i % 2 === 0}) { kind }`).join(' ')} }`;
    const res = await gql(server, alice.token, query);
    expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toMatch(/11 directives; the limit is 10/);
  });

  it('directives on inline fragments and fragment spreads count too (the limit is per operation)', async () => {
    const nested = `${'... @include(if: true) { '.repeat(11)}__typename${' }'.repeat(11)}`;
    const inline = await gql(server, alice.token, `{ ${nested} }`);
    expect.soft(inline.status, `11 directives on inline fragments: ${inline.raw}`).toBe(400);
    expect.soft(inline.raw).toMatch(/11 directives; the limit is 10/);
    const spreads = await gql(
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
      const res = await gql(target, token, getIntrospectionQuery());
      expect(res.status, res.raw.slice(0, 300)).toBe(200);
      expect(res.body.data.__schema.queryType.name).toBe('Query');
    }
  });

  it('an introspection query deeper than tools ever go is refused with 400, before it runs', async () => {
    for (const [target, token] of [[production, alice.token], [server, null], [server, alice.token]] as const) {
      const res = await gql(target, token, circular(20));
      expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
      expect(res.errors![0]!.message).toMatch(/Introspection depth \d+ exceeds the limit of 20/);
    }
  });

  it("graphql-cop's own circular query (types > fields > type > fields ...) is refused with 400", async () => {
    for (const [target, token] of [[production, alice.token], [server, null]] as const) {
      const res = await gql(target, token, COP_CIRCULAR);
      expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    }
  });

  it('the same cycle through __type and fragments is refused too', async () => {
    const fragment = 'fragment T on __Type { fields { type { fields { type { fields { type { name } } } } } } }';
    const res = await gql(production, alice.token, `{ __type(name: "Query") { fields { type { ...T } } } } ${fragment}`);
    expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    expect(res.errors![0]!.message).toMatch(/Introspection nests 4 lists/);
  });
});

describe('graphql-cop: mutation over GET', () => {
  it('is refused (405 with a CSRF-safe header, 400 without) and writes nothing', async () => {
    for (const target of [server, production]) {
      const mutation = 'mutation { createOrganization(input: { slug: "via-get", name: "x" }) { organization { id } } }';
      const auth = { authorization: `Bearer ${alice.token}` };
      await unchanged(target, async () => {
        const preflighted = await send(target.url, q(mutation), { method: 'GET', headers: { ...auth, ...PREFLIGHT } });
        expect(preflighted.status, preflighted.raw).toBe(405);
        expectCleanError(preflighted);
        expect(preflighted.body.data ?? undefined).toBeUndefined();
        const plain = await send(target.url, q(mutation), { method: 'GET', headers: auth });
        expectRefused(plain, 400, 'BAD_REQUEST');
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
      await unchanged(target, async () => {
        for (const extraHeaders of [{}, PREFLIGHT]) {
          const res = await send(target.url, '/graphql', {
            headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${alice.token}`, ...extraHeaders },
            body: new URLSearchParams({ query: mutation }).toString(),
          });
          expectRefused(res, 400, 'BAD_REQUEST');
        }
      });
    }
  });

  it('a simple content type with a "json" parameter does not smuggle a JSON body past CSRF prevention', async () => {
    for (const contentType of ['application/x-www-form-urlencoded; charset=json', 'text/plain; x=json', 'multipart/form-data; boundary=json']) {
      await unchanged(server, async () => {
        const res = await send(server.url, '/graphql', {
          headers: { 'content-type': contentType, authorization: `Bearer ${alice.token}` },
          body: JSON.stringify({ query: mutation }),
        });
        expectRefused(res, 400, 'BAD_REQUEST');
      });
    }
  });
});

describe('graphql-cop: unhandled errors', () => {
  it('a malformed JSON body is a clean 400 BAD_REQUEST', async () => {
    for (const body of ['{"query": "{ viewer { kind } }"', '{query: 1}', '\u0000\u0001', '{"query": "\\ud800"}x']) {
      const res = await send(server.url, '/graphql', { headers: { 'content-type': 'application/json' }, body });
      expectRefused(res, 400, 'BAD_REQUEST');
    }
  });

  it('a JSON body that is null, a string, a number or an empty object is a clean 400', async () => {
    for (const body of ['null', '"{ viewer { kind } }"', '42', '{}', 'true', '{"query": null}', '{"query": 42}', '{"query": "{ viewer { kind } }", "variables": "x"}']) {
      for (const token of [null, alice.token]) {
        const res = await send(server.url, '/graphql', {
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body,
        });
        expectRefused(res, 400, 'BAD_REQUEST');
      }
    }
  });

  it('an unknown operationName is a clean 400', async () => {
    const res = await gql(server, alice.token, 'query A { viewer { kind } } query B { viewer { kind } }', undefined, { operationName: 'Nope' });
    expect(res.status, res.raw).toBe(400);
    expect(expectCleanError(res)).toEqual(['OPERATION_RESOLUTION_FAILURE']);
    const none = await gql(server, alice.token, 'query A { viewer { kind } } query B { viewer { kind } }');
    expect(none.status, none.raw).toBe(400);
    expectCleanError(none);
  });

  it('huge integers for `first` are clean errors, never an internal one', async () => {
    for (const literal of ['99999999999999999999999999', '2147483648', '-2147483649', '1e308']) {
      const res = await gql(server, alice.token, `{ organizations(first: ${literal}) { edges { cursor } } }`);
      expectRefused(res, 400, 'GRAPHQL_VALIDATION_FAILED');
    }
    // Costed as the largest page it could be served as; reading the page then refuses it.
    const withinInt = await gql(server, alice.token, '{ organizations(first: 2147483647) { edges { cursor } } }');
    expect(expectCleanError(withinInt)).toEqual(['BAD_USER_INPUT']);
    expect(withinInt.errors![0]!.message).toMatch(/first must be between 0 and 100/);
    for (const value of [Number.MAX_SAFE_INTEGER, 2 ** 31, 1e308, -1e308, 1.5, '100']) {
      const res = await gql(server, alice.token, 'query($n: Int) { organizations(first: $n) { edges { cursor } } }', { n: value });
      expectRefused(res, 400, 'BAD_USER_INPUT');
    }
    for (const value of [2147483647, -2147483648, 101, -1]) {
      const res = await gql(server, alice.token, 'query($n: Int) { organizations(first: $n) { edges { cursor } } }', { n: value });
      expect(res.status, res.raw).toBe(200);
      expect(expectCleanError(res)).toEqual(['BAD_USER_INPUT']);
      expect(res.errors![0]!.message).toMatch(/first must be between 0 and 100/);
    }
    const nested = await gql(server, alice.token, 'query($n: Int) { organizations { edges { node { members(first: $n) { edges { cursor } } } } } }', { n: 2147483647 });
    expect(expectCleanError(nested)).toContain('BAD_USER_INPUT');
  });

  it('garbage cursors and global ids are clean errors', async () => {
    for (const after of ['%%%', 'eyJ4Ijp7fX0', Buffer.from('["2024-01-01T00:00:00.000Z","\'; drop table users; --"]').toString('base64url'), 'A'.repeat(10_000)]) {
      const res = await gql(server, alice.token, 'query($a: String) { organizations(after: $a) { edges { cursor } } }', { a: after });
      expect(expectCleanError(res)).toEqual(['BAD_USER_INPUT']);
    }
    for (const id of ['%%%', Buffer.from("Organization:' OR 1=1 --").toString('base64url'), Buffer.from('Nope:1').toString('base64url'), '']) {
      const res = await gql(server, alice.token, 'query($id: ID!) { node(id: $id) { id } }', { id });
      if (res.errors) expectCleanError(res);
      else expect(res.data).toEqual({ node: null });
    }
  });

  // A signed claim the database cannot store (Postgres text refuses NUL): the caller's fault, not an outage.
  it.each([
    ['a user token whose name holds a NUL byte', () => issuer.userToken('auth0|mallory', { name: 'Mallory\u0000' })],
    ['a user token whose email holds a NUL byte', () => issuer.userToken('auth0|mallet', { email: 'mallet\u0000@example.test' })],
    ['a user token whose subject holds a NUL byte', () => issuer.userToken('auth0|nul\u0000')],
    ['a machine token whose client id holds a NUL byte', () => issuer.machineToken('acme\u0000ci')],
  ] as [string, () => Promise<string>][])('%s is a clean answer, never an INTERNAL_SERVER_ERROR without a requestId', async (_label, make) => {
    const res = await gql(server, await make(), VIEWER);
    if (res.status === 200 && !res.errors) return; // stored or ignored: fine
    expectCleanError(res);
    expect(res.status, `a bad claim answered as an outage: ${res.raw}`).toBeLessThan(500);
  });
});

// ---------------------------------------------------------------------------
// 2. JWT attacks
// ---------------------------------------------------------------------------

async function expectUnauthenticated(token: string, target: TestOrgraph = server) {
  const res = await gql(target, token, VIEWER);
  expectRefused(res, 401, 'UNAUTHENTICATED');
  expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
  return res;
}

describe('JWT: kid injection', () => {
  const KIDS: [string, () => string][] = [
    ['a path traversal', () => '../../../../etc/passwd'],
    ['a /dev/null path (the empty-key trick)', () => '../../../../../../dev/null'],
    ['SQL', () => "' OR 1=1 --"],
    ['SQL with a union', () => "x' UNION SELECT 'secret' AS key --"],
    ['a shell command', () => '$(curl http://127.0.0.1:1/x)|id;`id`'],
    ['10 KB', () => 'k'.repeat(10 * 1024)],
    ['a URL to the attacker JWKS', () => `${attacker.url}/kid.json`],
    ['an empty string', () => ''],
  ];
  const kids = () => KIDS.map(([label, make]) => [label, make()] as const);

  it.each(KIDS)("signed with the issuer's own key but a kid that is %s: 401", async (_label, make) => {
    const kid = make();
    await expectUnauthenticated(await issuerToken((header) => (header.kid = kid)));
  });

  it('signed with an attacker key and each hostile kid: 401', async () => {
    for (const [label, kid] of kids()) {
      const res = await gql(server, await attacker.sign({ kid }), VIEWER);
      expect(res.status, label).toBe(401);
      expect(res.errors?.[0]?.extensions?.code, label).toBe('UNAUTHENTICATED');
    }
  });

  it('kid of a non-string type (number, object, array): 401', async () => {
    for (const kid of [1, { $ne: null }, ['a', 'b'], null]) {
      await expectUnauthenticated(await issuerToken((header) => (header.kid = kid)));
    }
  });

  it('never contacts the attacker', () => {
    expect(attacker.requests).toEqual([]);
  });
});

describe('JWT: jku / x5u / jwk / x5c header injection', () => {
  it('a token carrying its own public key in `jwk` is refused (401)', async () => {
    await expectUnauthenticated(await attacker.sign({ jwk: attacker.publicJwk as JWTHeaderParameters['jwk'] }));
    const realKid = issuer.server.issuer.keys.get()!.kid;
    await expectUnauthenticated(await attacker.sign({ kid: realKid, jwk: attacker.publicJwk as JWTHeaderParameters['jwk'] }));
  });

  it('a token whose `jku` points at an attacker JWKS on loopback is refused and the JWKS is never fetched', async () => {
    await expectUnauthenticated(await attacker.sign({ jku: `${attacker.url}/.well-known/jwks.json` }));
    await expectUnauthenticated(await attacker.sign({ jku: `${attacker.url}/jwks.json`, kid: issuer.server.issuer.keys.get()!.kid }));
    // the real issuer's key, with a jku: the jku must not be what decides
    const signedByIssuer = await issuerToken((header) => {
      header.jku = `${attacker.url}/jku.json`;
    });
    const res = await gql(server, signedByIssuer, '{ viewer { kind } }');
    expect(res.status === 401 || res.data?.viewer?.kind === 'USER', res.raw).toBe(true);
    expect(attacker.requests).toEqual([]);
  });

  it('a token whose `x5u` points at an attacker certificate is refused and it is never fetched', async () => {
    await expectUnauthenticated(await attacker.sign({ x5u: `${attacker.url}/x5u.pem` }));
    await expectUnauthenticated(await attacker.sign({ x5c: [Buffer.from(attacker.kid).toString('base64')], x5u: `${attacker.url}/cert.pem` }));
    expect(attacker.requests).toEqual([]);
  });

  it('a token whose issuer is the attacker (with a jku there) is refused and nothing is fetched from it', async () => {
    const token = await new SignJWT({ sub: 'auth0|alice' })
      .setProtectedHeader({ alg: 'RS256', kid: attacker.kid, jku: `${attacker.url}/.well-known/jwks.json` })
      .setIssuer(`${attacker.url}/`)
      .setAudience(issuer.audience)
      .setExpirationTime('1h')
      .sign(attacker.privateKey);
    await expectUnauthenticated(token);
    expect(attacker.requests).toEqual([]);
  });
});

describe('JWT: crit header', () => {
  it('a token with a critical extension Orgraph does not understand is refused, though signed by the issuer', async () => {
    const cases: ((header: Record<string, unknown>) => void)[] = [
      (h) => Object.assign(h, { crit: ['x-orgraph-bypass'], 'x-orgraph-bypass': true }),
      (h) => Object.assign(h, { crit: ['x-missing'] }),
      (h) => Object.assign(h, { crit: [] }),
      (h) => Object.assign(h, { crit: ['exp'] }),
      (h) => Object.assign(h, { crit: 'x-orgraph-bypass', 'x-orgraph-bypass': true }),
    ];
    for (const edit of cases) {
      const res = await gql(server, await issuerSignedRaw(edit), VIEWER);
      expect.soft(res.status, res.raw).toBe(401);
      expect.soft(res.errors?.[0]?.extensions?.code, res.raw).toBe('UNAUTHENTICATED');
    }
    // the same token without crit is accepted: the refusal is the crit header's
    const ok = await gql(server, await issuerSignedRaw(() => {}), '{ viewer { kind } }');
    expect(ok.data, ok.raw).toEqual({ viewer: { kind: 'USER' } });
  });
});

describe('JWT: the token in the wrong place', () => {
  it('a token in the query string is ignored: the request is anonymous', async () => {
    for (const param of ['access_token', 'token', 'authorization', 'jwt']) {
      const value = param === 'authorization' ? `Bearer ${alice.token}` : alice.token;
      const path = `/graphql?${param}=${encodeURIComponent(value)}`;
      const viewer = await gql(server, null, VIEWER, undefined, { path, secrets: [alice.token] });
      expect(viewer.status, viewer.raw).toBe(200);
      expect(viewer.data, viewer.raw).toEqual({ viewer: null });
      const orgs = await gql(server, null, ORG_SLUGS, undefined, { path, secrets: [alice.token] });
      expect(orgs.errors?.[0]?.extensions?.code, orgs.raw).toBe('UNAUTHENTICATED');
      expect(orgs.raw).not.toContain('acme');
    }
    const get = await send(server.url, `${q(VIEWER)}&access_token=${alice.token}`, { method: 'GET', headers: PREFLIGHT, secrets: [alice.token] });
    expect(get.body.data, get.raw).toEqual({ viewer: null });
  });

  it('a token in the body or in extensions is ignored', async () => {
    const res = await send(server.url, '/graphql', {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: VIEWER, access_token: alice.token, extensions: { authorization: `Bearer ${alice.token}`, headers: { authorization: `Bearer ${alice.token}` } } }),
      secrets: [alice.token],
    });
    expect(res.body.data ?? null, res.raw).toEqual(res.status === 200 ? { viewer: null } : null);
  });

  it('a token in a cookie or another header is ignored', async () => {
    const placements: Record<string, string>[] = [
      { cookie: `access_token=${alice.token}; token=${alice.token}` },
      { 'x-access-token': alice.token },
      { 'x-forwarded-authorization': `Bearer ${alice.token}` },
      { 'proxy-authorization': `Bearer ${alice.token}` },
    ];
    for (const headers of placements) {
      const res = await gql(server, null, VIEWER, undefined, { headers, secrets: [alice.token] });
      expect(res.data, res.raw).toEqual({ viewer: null });
    }
  });
});

describe('JWT: malformed Authorization headers', () => {
  it('two Authorization header lines are refused, whichever comes first', async () => {
    const body = JSON.stringify({ query: VIEWER });
    for (const pair of [
      [`Bearer ${alice.token}`, 'Bearer not-a-valid-token-at-all'],
      ['Bearer not-a-valid-token-at-all', `Bearer ${alice.token}`],
      [`Bearer ${alice.token}`, `Bearer ${gina.token}`],
    ]) {
      const res = await sendRaw(server.url, '/graphql', { 'content-type': 'application/json', authorization: pair }, body);
      expect.soft([400, 401], `two Authorization headers (${pair.map((p) => p.slice(0, 20)).join(' | ')}) answered ${res.status}: ${res.raw}`).toContain(res.status);
      expect.soft(res.raw, 'a request with two Authorization headers was served as one of them').not.toMatch(/auth0\|/);
    }
  });

  it('two tokens folded into one header line are refused', async () => {
    const res = await send(server.url, '/graphql', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}, Bearer ${gina.token}` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expectRefused(res, 401, 'UNAUTHENTICATED');
  });

  it('a Bearer token with trailing garbage is refused', async () => {
    const t = alice.token;
    for (const value of [`Bearer ${t} garbage`, `Bearer ${t}garbage`, `Bearer ${t}.x`, `Bearer ${t}.`, `Bearer ${t};`, `Bearer ${t},`, `Bearer ${t}%00`, `Bearer ${t} ${t}`, `Bearer ${t}\\`]) {
      const res = await send(server.url, '/graphql', {
        headers: { 'content-type': 'application/json', authorization: value },
        body: JSON.stringify({ query: VIEWER }),
      });
      expectRefused(res, 401, 'UNAUTHENTICATED');
    }
  });

  it('a token padded with "=" (not a JWS compact serialization) is refused', async () => {
    const res = await send(server.url, '/graphql', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}==` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expectRefused(res, 401, 'UNAUTHENTICATED');
  });

  it('an empty Bearer, or a scheme alone, is refused rather than anonymous', async () => {
    for (const value of ['Bearer', 'Bearer ', 'Bearer null', 'Bearer undefined', 'Token abc']) {
      const res = await send(server.url, '/graphql', {
        headers: { 'content-type': 'application/json', authorization: value },
        body: JSON.stringify({ query: VIEWER }),
      });
      expectRefused(res, 401, 'UNAUTHENTICATED');
    }
  });
});

describe('JWT: principals that are not what they claim', () => {
  it('a user token whose sub looks like a machine (`x@clients`) without a matching azp never acts as that client', async () => {
    for (const claims of [{ azp: 'web-app' }, { azp: undefined }, { azp: 'other-app', client_id: 'acme-ci' }]) {
      const token = await issuer.userToken('acme-ci@clients', claims);
      const res = await gql(server, token, VIEWER);
      if (res.status === 401) {
        expectRefused(res, 401, 'UNAUTHENTICATED');
        continue;
      }
      expect(res.data.viewer.kind, res.raw).toBe('USER');
      expect(res.data.viewer.machineClient).toBeNull();
      const orgs = await gql(server, token, ORG_SLUGS);
      expect(orgs.data.organizations.edges, orgs.raw).toEqual([]);
      const write = await unchanged(server, () => gql(server, token, CREATE_ENV, { i: { organizationId: acme.id, name: 'by-fake-machine' } }));
      expect(write.errors?.[0]?.extensions?.code, write.raw).toBe('NOT_FOUND');
    }
  });

  it('a client-credentials token whose azp does not match its `<client>@clients` sub is refused', async () => {
    const token = await issuer.userToken('acme-ci@clients', { azp: 'other-ci', gty: 'client-credentials' });
    await expectUnauthenticated(token);
  });

  it("a machine token for a revoked client is refused after the revocation, for reads and writes, and writes nothing", async () => {
    await mustSucceed(await server.graphql(alice.token, CREATE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-revoked', name: 'Soon revoked', role: 'WRITER' } }));
    const token = await issuer.machineToken('acme-revoked');
    const before = await gql(server, token, CREATE_ENV, { i: { organizationId: acme.id, name: 'before-revocation' } });
    expect(before.errors, before.raw).toBeUndefined();
    await mustSucceed(await server.graphql(alice.token, REVOKE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-revoked' } }));
    await expectUnauthenticated(token);
    const write = await unchanged(server, () => gql(server, token, CREATE_ENV, { i: { organizationId: acme.id, name: 'after-revocation' } }));
    expectRefused(write, 401, 'UNAUTHENTICATED');
    const fresh = await issuer.machineToken('acme-revoked', { org_id: 'org_acme' });
    await expectUnauthenticated(fresh);
    const check = await gql(server, alice.token, '{ organization(slug: "acme") { environments { edges { node { name } } } } }');
    expect(check.data.organization.environments.edges.map((e: any) => e.node.name)).not.toContain('after-revocation');
  });

  it("a user token with another tenant's org_id is narrowed to nothing, never widened", async () => {
    const token = await issuer.userToken(alice.subject, { org_id: 'org_globex' });
    await unchanged(server, async () => {
      const orgs = await gql(server, token, ORG_SLUGS);
      expect(orgs.data.organizations.edges, orgs.raw).toEqual([]);
      const direct = await gql(server, token, 'query($a: ID!, $g: ID!) { acme: organization(slug: "acme") { id } globex: organization(slug: "globex") { id } a: node(id: $a) { id } g: node(id: $g) { id } }', {
        a: acme.id,
        g: globex.id,
      });
      expect(direct.data, direct.raw).toEqual({ acme: null, globex: null, a: null, g: null });
      for (const organizationId of [acme.id, globex.id]) {
        const write = await gql(server, token, UPDATE_ORG, { i: { organizationId, name: 'hijacked' } });
        expect(write.errors?.[0]?.extensions?.code, write.raw).toBe('NOT_FOUND');
      }
      const create = await gql(server, token, CREATE_ORG, { i: { slug: 'narrowed-new', name: 'x' } });
      expect(create.errors?.[0]?.extensions?.code, create.raw).toMatch(/FORBIDDEN|NOT_FOUND/);
    });
  });

  it('a user token with an org_id naming no organization is narrowed to nothing', async () => {
    const token = await issuer.userToken(alice.subject, { org_id: 'org_does_not_exist' });
    const orgs = await gql(server, token, ORG_SLUGS);
    expect(orgs.data.organizations.edges, orgs.raw).toEqual([]);
  });

  it('a user token with a malformed org_id (not a short string) is never widened to all of the user\'s organizations', async () => {
    for (const orgId of ['', 'o'.repeat(300), ['org_globex'], ['org_acme', 'org_globex'], 42, { id: 'org_acme' }, true]) {
      const token = await issuer.userToken(alice.subject, { org_id: orgId });
      const res = await gql(server, token, ORG_SLUGS);
      if (res.status === 401) {
        expectRefused(res, 401, 'UNAUTHENTICATED');
        continue;
      }
      expect.soft(res.data?.organizations?.edges, `org_id ${JSON.stringify(orgId).slice(0, 40)} widened: ${res.raw}`).toEqual([]);
    }
  });
});

// ---------------------------------------------------------------------------
// 3. The leak checks saw enough
// ---------------------------------------------------------------------------

describe('leak checks', () => {
  it('the checks catch what they look for (so passing them means something)', () => {
    const leaks = [
      JSON.stringify({ message: 'Failed query: select "id", "subject" from "users" where "users"."subject" = $1' }),
      JSON.stringify({ message: 'insert into "organization_members" ("role") values ($1)' }),
      'delete from audit_events',
      JSON.stringify({ stack: 'Error: boom\n    at authenticate (/work/main/src/context.ts:86:16)' }),
      'at file:///work/main/node_modules/x/session.js:73:11',
    ];
    for (const leak of leaks) expect(STACK_FRAME.test(leak) || SQL_TEXT.test(leak), leak).toBe(true);
    for (const clean of ['{"errors":[{"message":"Cannot query field \\"organisations\\" on type \\"Query\\"."}]}', 'updateOrganization: organization not found']) {
      expect(STACK_FRAME.test(clean) || SQL_TEXT.test(clean), clean).toBe(false);
    }
  });

  it('the attacker key server was never contacted', () => {
    expect(attacker.requests).toEqual([]);
  });

  it('inspected at least 40 responses', () => {
    expect(responsesChecked, `${responsesChecked} responses inspected`).toBeGreaterThanOrEqual(40);
  });
});
