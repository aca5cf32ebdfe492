/**
 * PRODUCT.md's identity table, row by row, over HTTP with real signed tokens
 * from an issuer on loopback.
 */
import { generateKeyPair, SignJWT, exportSPKI } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADD_MEMBER, CREATE_MACHINE_CLIENT as CREATE_CLIENT, ORGANIZATIONS as ORG_SLUGS, REVOKE_MACHINE_CLIENT, UPDATE_ORGANIZATION, VIEWER } from '../helpers/operations.js';
import type { SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let acme: SeededOrganization;
let globex: SeededOrganization;

beforeAll(async () => {
  acme = await t.seed.organization('acme', { owner: 'alice', readers: ['dora'] });
  globex = await t.seed.organization('globex', { owner: 'gina', writers: ['dora'] });
  const registered = await t.server.graphql(acme.owner.token, CREATE_CLIENT, {
    i: { organizationId: acme.id, clientId: 'acme-ci', name: 'Acme CI', role: 'WRITER' },
  });
  expect(registered.errors).toBeUndefined();
});

describe('no token', () => {
  it('is anonymous: viewer is null', async () => {
    const res = await t.server.graphql(null, VIEWER);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ viewer: null });
  });

  it('reaches only public fields: anything else is UNAUTHENTICATED', async () => {
    const res = await t.server.graphql(null, ORG_SLUGS);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });
});

describe('a user token', () => {
  it('becomes a user principal, and the users row is created on first request', async () => {
    const before = await t.server.snapshot();
    expect(before.users!.some((u: any) => u.subject === 'auth0|newcomer')).toBe(false);
    const token = await t.issuer.userToken('auth0|newcomer', { email: 'newcomer@example.test' });
    const res = await t.server.graphql(token, VIEWER);
    expect(res.data.viewer).toEqual({ kind: 'USER', user: { subject: 'auth0|newcomer', email: 'newcomer@example.test' }, machineClient: null });
    const after = await t.server.snapshot();
    expect(after.users!.filter((u: any) => u.subject === 'auth0|newcomer')).toHaveLength(1);
    await t.server.graphql(token, VIEWER);
    expect((await t.server.snapshot()).users).toHaveLength(after.users!.length);
  });

  it('sees every organization the user belongs to, with its role in each', async () => {
    const dora = await t.seed.person('dora');
    const res = await t.server.graphql(dora.token, ORG_SLUGS);
    expect(res.data.organizations.edges.map((e: any) => e.node)).toEqual([
      { slug: 'acme', viewerRole: 'READER' },
      { slug: 'globex', viewerRole: 'WRITER' },
    ]);
  });

  it('with org_id is narrowed to the organization whose externalId matches', async () => {
    const set = await t.server.graphql(acme.owner.token, UPDATE_ORGANIZATION, {
      i: { organizationId: acme.id, externalId: 'org_acme123' },
    });
    expect(set.data.updateOrganization.organization.externalId).toBe('org_acme123');
    const token = await t.issuer.userToken('auth0|dora', { org_id: 'org_acme123' });
    const list = await t.server.graphql(token, ORG_SLUGS);
    expect(list.data.organizations.edges.map((e: any) => e.node.slug)).toEqual(['acme']);
    const other = await t.server.graphql(token, `query($id: ID!) { organization(slug: "globex") { id } node(id: $id) { id } }`, { id: globex.id });
    expect(other.data).toEqual({ organization: null, node: null });
  });
});

describe('a machine token from the client-credentials grant', () => {
  it('becomes the machine principal of its client, acting as its organization with its role', async () => {
    const token = await t.issuer.machineToken('acme-ci');
    const res = await t.server.graphql(token, VIEWER);
    expect(res.data.viewer).toEqual({
      kind: 'MACHINE',
      user: null,
      machineClient: { clientId: 'acme-ci', role: 'WRITER', organization: { slug: 'acme' } },
    });
    const orgs = await t.server.graphql(token, ORG_SLUGS);
    expect(orgs.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'acme', viewerRole: 'WRITER' }]);
  });

  it('is recognised by `sub` = `<azp>@clients` even without `gty`', async () => {
    const token = await t.issuer.userToken('acme-ci@clients', { azp: 'acme-ci', gty: undefined });
    const res = await t.server.graphql(token, '{ viewer { kind } }');
    expect(res.data.viewer.kind).toBe('MACHINE');
  });

  it('never manages members, whatever its role', async () => {
    const token = await t.issuer.machineToken('acme-ci');
    const res = await t.server.graphql(token, ADD_MEMBER, {
      i: { organizationId: acme.id, userSubject: 'auth0|someone', role: 'READER' },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('with an org_id matching its organization is accepted; with another it is refused', async () => {
    const ok = await t.server.graphql(await t.issuer.machineToken('acme-ci', { org_id: 'org_acme123' }), '{ viewer { kind } }');
    expect(ok.data.viewer.kind).toBe('MACHINE');
    const bad = await t.server.graphql(await t.issuer.machineToken('acme-ci', { org_id: 'org_other' }), '{ viewer { kind } }');
    expect(bad.status).toBe(401);
    expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('a bad token is refused with 401 UNAUTHENTICATED, never treated as anonymous', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string>][] = [
    ['expired', () => t.issuer.userToken('auth0|x', { exp: now() - 120 })],
    ['not yet valid', () => t.issuer.userToken('auth0|x', { nbf: now() + 3600 })],
    ['wrong issuer', () => t.issuer.userToken('auth0|x', { iss: 'https://evil.example/' })],
    ['wrong audience', () => t.issuer.userToken('auth0|x', { aud: 'https://other-api.example' })],
    ['without exp', () => t.issuer.userToken('auth0|x', { exp: undefined })],
    ['signed by a foreign key with the same kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const kid = t.issuer.server.issuer.keys.get()!.kid;
      return new SignJWT({ sub: 'auth0|x' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(t.issuer.url).setAudience(t.issuer.audience).setExpirationTime('1h').sign(privateKey);
    }],
    ['with an unknown kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT({ sub: 'auth0|x' }).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).setIssuer(t.issuer.url).setAudience(t.issuer.audience).setExpirationTime('1h').sign(privateKey);
    }],
    ['with alg: none', async () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'auth0|x', iss: t.issuer.url, aud: t.issuer.audience, exp: now() + 3600 })}.`;
    }],
    ['HMAC-signed with the public key (algorithm confusion)', async () => {
      const key = t.issuer.server.issuer.keys.get()!;
      const { importJWK } = await import('jose');
      const pem = await exportSPKI((await importJWK({ kty: key.kty, n: key.n, e: key.e }, 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
      return new SignJWT({ sub: 'auth0|x' }).setProtectedHeader({ alg: 'HS256', kid: key.kid }).setIssuer(t.issuer.url).setAudience(t.issuer.audience).setExpirationTime('1h').sign(new TextEncoder().encode(pem));
    }],
    ['with a tampered payload', async () => {
      const [h, , s] = (await t.issuer.userToken('auth0|x')).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ sub: 'auth0|alice', iss: t.issuer.url, aud: t.issuer.audience, exp: now() + 3600 })).toString('base64url')}.${s}`;
    }],
    ['of an unknown machine client', () => t.issuer.machineToken('nobody-ci')],
    ['that is not a JWT at all', async () => 'not-a-token'],
    ['that is oversized', async () => `${'a'.repeat(9000)}.b.c`],
  ];

  it.each(cases)('%s', async (_label, make) => {
    const res = await t.server.graphql(await make(), VIEWER);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeUndefined();
  });

  it('of a revoked machine client', async () => {
    await t.server.graphql(acme.owner.token, CREATE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-old', name: 'Old', role: 'READER' } });
    const token = await t.issuer.machineToken('acme-old');
    expect((await t.server.graphql(token, '{ viewer { kind } }')).status).toBe(200);
    const revoked = await t.server.graphql(acme.owner.token, REVOKE_MACHINE_CLIENT, {
      i: { organizationId: acme.id, clientId: 'acme-old' },
    });
    expect(revoked.data.revokeMachineClient.machineClient.revokedAt).toEqual(expect.any(String));
    const res = await t.server.graphql(token, '{ viewer { kind } }');
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('in an Authorization header that is not a bearer token', async () => {
    const response = await fetch(`${t.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWxpY2U6c2VjcmV0' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(response.status).toBe(401);
  });
});

describe('a verified token', () => {
  const outcomes = async () => ({
    verified: await t.server.metric('orgraph_token_verifications_total{outcome="verified"}'),
    cached: await t.server.metric('orgraph_token_verifications_total{outcome="cached"}'),
  });

  it('has its signature checked once, then is served from memory until it expires', async () => {
    const token = await t.issuer.userToken('auth0|repeat');
    const before = await outcomes();
    for (let i = 0; i < 3; i++) expect((await t.server.graphql(token, VIEWER)).status).toBe(200);
    const after = await outcomes();
    expect(after.verified - before.verified).toBe(1);
    expect(after.cached - before.cached).toBe(2);
  });

  it('is not served from memory after its exp: it is checked again, and refused', async () => {
    const token = await t.issuer.userToken('auth0|short-lived', { exp: Math.floor(Date.now() / 1000) + 1 });
    expect((await t.server.graphql(token, VIEWER)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 7000)); // past exp and the 5 s clock tolerance
    const res = await t.server.graphql(token, VIEWER);
    expect(res.status).toBe(401);
  }, 15_000);

  it('still meets the principal checks on every request: a cached machine token stops working once its client is revoked', async () => {
    await t.server.graphql(acme.owner.token, CREATE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-cached', name: 'Cached', role: 'READER' } });
    const token = await t.issuer.machineToken('acme-cached');
    expect((await t.server.graphql(token, VIEWER)).status).toBe(200);
    expect((await t.server.graphql(token, VIEWER)).status).toBe(200);
    await t.server.graphql(acme.owner.token, REVOKE_MACHINE_CLIENT, {
      i: { organizationId: acme.id, clientId: 'acme-cached' },
    });
    expect((await t.server.graphql(token, VIEWER)).status).toBe(401);
  });
});
