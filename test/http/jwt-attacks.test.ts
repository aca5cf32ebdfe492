/**
 * Attacks on the bearer token, over HTTP against a real Orgraph, completing
 * identity.test.ts: `kid` injection, `jku` / `x5u` / `jwk` key injection (an
 * attacker's key server on loopback counts its requests), `crit`, tokens in
 * the wrong place, duplicated or padded Authorization headers,
 * machine-looking user subjects, revoked clients, and `org_id` narrowing that
 * must never widen. Every response is checked for leaks (helpers/leaks.ts),
 * the bearer tokens sent included.
 */
import { createPrivateKey, createSign, type JsonWebKey } from 'node:crypto';
import { SignJWT, type JWTHeaderParameters } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOk, expectRejected, expectUnchanged } from '../helpers/expect.js';
import { signingKey, useKeyServer } from '../helpers/key-server.js';
import { leakChecks } from '../helpers/leaks.js';
import {
  CREATE_ENVIRONMENT,
  CREATE_MACHINE_CLIENT,
  CREATE_ORGANIZATION,
  ORGANIZATIONS,
  REVOKE_MACHINE_CLIENT,
  UPDATE_ORGANIZATION,
  VIEWER,
} from '../helpers/operations.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { post, send, sendRaw } from '../helpers/requests.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { leakChecked: true });
const keys = useKeyServer(async () => [await signingKey('attacker-key-1')]);
let server: TestOrgraph;
let acme: SeededOrganization; // owner alice, reader dora, externalId org_acme, machine client acme-ci
let globex: SeededOrganization; // owner gina, externalId org_globex
let alice: Person;
let gina: Person;

beforeAll(async () => {
  server = t.server;
  acme = await t.seed.organization('acme', { owner: 'alice', readers: ['dora'] });
  globex = await t.seed.organization('globex', { owner: 'gina' });
  alice = acme.owner;
  gina = globex.owner;
  await acme.update({ externalId: 'org_acme' });
  await globex.update({ externalId: 'org_globex' });
  await acme.machineClient('acme-ci', 'WRITER', 'Acme CI');
});

/** The attacker: its own key, served from its own key server. */
const attacker = {
  get url() {
    return keys.url;
  },
  get requests() {
    return keys.requests;
  },
  get kid() {
    return keys.keys[0]!.kid;
  },
  get publicJwk() {
    return keys.keys[0]!.publicJwk;
  },
  get privateKey() {
    return keys.keys[0]!.privateKey;
  },
  /** A token signed with the attacker's key, with these header parameters and claims. */
  sign: (header: Partial<JWTHeaderParameters>, claims: Record<string, unknown> = {}) =>
    new SignJWT({ sub: 'auth0|alice', azp: 'web-app', email: 'alice@example.test', ...claims })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: keys.keys[0]!.kid, ...header })
      .setIssuer(t.issuer.url)
      .setAudience(t.issuer.audience)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(keys.keys[0]!.privateKey),
};

/** A user token signed by the real issuer (real key, real kid), with a hook on its header and claims. */
function issuerToken(edit: (header: Record<string, unknown>, payload: Record<string, unknown>) => void): Promise<string> {
  return t.issuer.server.issuer.buildToken({
    scopesOrTransform: (header, payload) => {
      Object.assign(payload, { sub: 'auth0|alice', aud: t.issuer.audience, azp: 'web-app', email: 'alice@example.test' });
      edit(header, payload);
    },
  });
}

/**
 * A token signed by hand (node:crypto, RS256) with the issuer's private key,
 * for headers jose refuses to produce (an unknown `crit`).
 */
async function issuerSignedRaw(edit: (header: Record<string, unknown>) => void): Promise<string> {
  const jwk = t.issuer.server.issuer.keys.get() as unknown as JsonWebKey & { kid: string };
  const header: Record<string, unknown> = { alg: 'RS256', typ: 'JWT', kid: jwk.kid };
  edit(header);
  const now = Math.floor(Date.now() / 1000);
  const payload = { iss: t.issuer.url, aud: t.issuer.audience, sub: 'auth0|alice', azp: 'web-app', email: 'alice@example.test', iat: now, exp: now + 3600 };
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${part(header)}.${part(payload)}`;
  const signature = createSign('RSA-SHA256').update(input).sign(createPrivateKey({ key: jwk, format: 'jwk' }));
  return `${input}.${signature.toString('base64url')}`;
}

const PREFLIGHT = { 'apollo-require-preflight': 'true' };
const q = (query: string) => `/graphql?query=${encodeURIComponent(query)}`;

async function expectUnauthenticated(token: string, target: TestOrgraph = server) {
  const res = await post(target, token, VIEWER);
  expectRejected(res, 401, 'UNAUTHENTICATED');
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
      const res = await post(server, await attacker.sign({ kid }), VIEWER);
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
    const realKid = t.issuer.server.issuer.keys.get()!.kid;
    await expectUnauthenticated(await attacker.sign({ kid: realKid, jwk: attacker.publicJwk as JWTHeaderParameters['jwk'] }));
  });

  it('a token whose `jku` points at an attacker JWKS on loopback is refused and the JWKS is never fetched', async () => {
    await expectUnauthenticated(await attacker.sign({ jku: `${attacker.url}/.well-known/jwks.json` }));
    await expectUnauthenticated(await attacker.sign({ jku: `${attacker.url}/jwks.json`, kid: t.issuer.server.issuer.keys.get()!.kid }));
    // the real issuer's key, with a jku: the jku must not be what decides
    const signedByIssuer = await issuerToken((header) => {
      header.jku = `${attacker.url}/jku.json`;
    });
    const res = await post(server, signedByIssuer, '{ viewer { kind } }');
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
      .setAudience(t.issuer.audience)
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
      const res = await post(server, await issuerSignedRaw(edit), VIEWER);
      expect.soft(res.status, res.raw).toBe(401);
      expect.soft(res.errors?.[0]?.extensions?.code, res.raw).toBe('UNAUTHENTICATED');
    }
    // the same token without crit is accepted: the refusal is the crit header's
    const ok = await post(server, await issuerSignedRaw(() => {}), '{ viewer { kind } }');
    expect(ok.data, ok.raw).toEqual({ viewer: { kind: 'USER' } });
  });
});

describe('JWT: the token in the wrong place', () => {
  it('a token in the query string is ignored: the request is anonymous', async () => {
    for (const param of ['access_token', 'token', 'authorization', 'jwt']) {
      const value = param === 'authorization' ? `Bearer ${alice.token}` : alice.token;
      const path = `/graphql?${param}=${encodeURIComponent(value)}`;
      const viewer = await post(server, null, VIEWER, undefined, { path, secrets: [alice.token] });
      expect(viewer.status, viewer.raw).toBe(200);
      expect(viewer.data, viewer.raw).toEqual({ viewer: null });
      const orgs = await post(server, null, ORGANIZATIONS, undefined, { path, secrets: [alice.token] });
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
      const res = await post(server, null, VIEWER, undefined, { headers, secrets: [alice.token] });
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
    expectRejected(res, 401, 'UNAUTHENTICATED');
  });

  it('a Bearer token with trailing garbage is refused', async () => {
    const t = alice.token;
    for (const value of [`Bearer ${t} garbage`, `Bearer ${t}garbage`, `Bearer ${t}.x`, `Bearer ${t}.`, `Bearer ${t};`, `Bearer ${t},`, `Bearer ${t}%00`, `Bearer ${t} ${t}`, `Bearer ${t}\\`]) {
      const res = await send(server.url, '/graphql', {
        headers: { 'content-type': 'application/json', authorization: value },
        body: JSON.stringify({ query: VIEWER }),
      });
      expectRejected(res, 401, 'UNAUTHENTICATED');
    }
  });

  it('a token padded with "=" (not a JWS compact serialization) is refused', async () => {
    const res = await send(server.url, '/graphql', {
      headers: { 'content-type': 'application/json', authorization: `Bearer ${alice.token}==` },
      body: JSON.stringify({ query: VIEWER }),
    });
    expectRejected(res, 401, 'UNAUTHENTICATED');
  });

  it('an empty Bearer, or a scheme alone, is refused rather than anonymous', async () => {
    for (const value of ['Bearer', 'Bearer ', 'Bearer null', 'Bearer undefined', 'Token abc']) {
      const res = await send(server.url, '/graphql', {
        headers: { 'content-type': 'application/json', authorization: value },
        body: JSON.stringify({ query: VIEWER }),
      });
      expectRejected(res, 401, 'UNAUTHENTICATED');
    }
  });
});

describe('JWT: principals that are not what they claim', () => {
  it('a user token whose sub looks like a machine (`x@clients`) without a matching azp never acts as that client', async () => {
    for (const claims of [{ azp: 'web-app' }, { azp: undefined }, { azp: 'other-app', client_id: 'acme-ci' }]) {
      const token = await t.issuer.userToken('acme-ci@clients', claims);
      const res = await post(server, token, VIEWER);
      if (res.status === 401) {
        expectRejected(res, 401, 'UNAUTHENTICATED');
        continue;
      }
      expect(res.data.viewer.kind, res.raw).toBe('USER');
      expect(res.data.viewer.machineClient).toBeNull();
      const orgs = await post(server, token, ORGANIZATIONS);
      expect(orgs.data.organizations.edges, orgs.raw).toEqual([]);
      const write = await expectUnchanged(server, () => post(server, token, CREATE_ENVIRONMENT, { i: { organizationId: acme.id, name: 'by-fake-machine' } }));
      expect(write.errors?.[0]?.extensions?.code, write.raw).toBe('NOT_FOUND');
    }
  });

  it('a client-credentials token whose azp does not match its `<client>@clients` sub is refused', async () => {
    const token = await t.issuer.userToken('acme-ci@clients', { azp: 'other-ci', gty: 'client-credentials' });
    await expectUnauthenticated(token);
  });

  it("a machine token for a revoked client is refused after the revocation, for reads and writes, and writes nothing", async () => {
    expectOk(await server.graphql(alice.token, CREATE_MACHINE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-revoked', name: 'Soon revoked', role: 'WRITER' } }));
    const token = await t.issuer.machineToken('acme-revoked');
    const before = await post(server, token, CREATE_ENVIRONMENT, { i: { organizationId: acme.id, name: 'before-revocation' } });
    expect(before.errors, before.raw).toBeUndefined();
    expectOk(await server.graphql(alice.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-revoked' } }));
    await expectUnauthenticated(token);
    const write = await expectUnchanged(server, () => post(server, token, CREATE_ENVIRONMENT, { i: { organizationId: acme.id, name: 'after-revocation' } }));
    expectRejected(write, 401, 'UNAUTHENTICATED');
    const fresh = await t.issuer.machineToken('acme-revoked', { org_id: 'org_acme' });
    await expectUnauthenticated(fresh);
    const check = await post(server, alice.token, '{ organization(slug: "acme") { environments { edges { node { name } } } } }');
    expect(check.data.organization.environments.edges.map((e: any) => e.node.name)).not.toContain('after-revocation');
  });

  it("a user token with another tenant's org_id is narrowed to nothing, never widened", async () => {
    const token = await t.issuer.userToken(alice.subject, { org_id: 'org_globex' });
    await expectUnchanged(server, async () => {
      const orgs = await post(server, token, ORGANIZATIONS);
      expect(orgs.data.organizations.edges, orgs.raw).toEqual([]);
      const direct = await post(server, token, 'query($a: ID!, $g: ID!) { acme: organization(slug: "acme") { id } globex: organization(slug: "globex") { id } a: node(id: $a) { id } g: node(id: $g) { id } }', {
        a: acme.id,
        g: globex.id,
      });
      expect(direct.data, direct.raw).toEqual({ acme: null, globex: null, a: null, g: null });
      for (const organizationId of [acme.id, globex.id]) {
        const write = await post(server, token, UPDATE_ORGANIZATION, { i: { organizationId, name: 'hijacked' } });
        expect(write.errors?.[0]?.extensions?.code, write.raw).toBe('NOT_FOUND');
      }
      const create = await post(server, token, CREATE_ORGANIZATION, { i: { slug: 'narrowed-new', name: 'x' } });
      expect(create.errors?.[0]?.extensions?.code, create.raw).toMatch(/FORBIDDEN|NOT_FOUND/);
    });
  });

  it('a user token with an org_id naming no organization is narrowed to nothing', async () => {
    const token = await t.issuer.userToken(alice.subject, { org_id: 'org_does_not_exist' });
    const orgs = await post(server, token, ORGANIZATIONS);
    expect(orgs.data.organizations.edges, orgs.raw).toEqual([]);
  });

  it('a user token with a malformed org_id (not a short string) is never widened to all of the user\'s organizations', async () => {
    for (const orgId of ['', 'o'.repeat(300), ['org_globex'], ['org_acme', 'org_globex'], 42, { id: 'org_acme' }, true]) {
      const token = await t.issuer.userToken(alice.subject, { org_id: orgId });
      const res = await post(server, token, ORGANIZATIONS);
      if (res.status === 401) {
        expectRejected(res, 401, 'UNAUTHENTICATED');
        continue;
      }
      expect.soft(res.data?.organizations?.edges, `org_id ${JSON.stringify(orgId).slice(0, 40)} widened: ${res.raw}`).toEqual([]);
    }
  });
});

describe('leak checks', () => {
  it('the attacker key server was never contacted', () => {
    expect(attacker.requests).toEqual([]);
  });

  it('inspected at least 40 responses', () => {
    expect(leakChecks(), `${leakChecks()} responses inspected`).toBeGreaterThanOrEqual(40);
  });
});
