/**
 * PRODUCT.md's identity table, row by row, over HTTP with real signed tokens
 * from an issuer on loopback.
 */
import { generateKeyPair, SignJWT, exportSPKI } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor, type SeededOrganization } from '../helpers/seed.js';

let issuer: TestIssuer;
let server: TestOrgraph;
let seed: ReturnType<typeof seedFor>;
let acme: SeededOrganization;
let globex: SeededOrganization;

const VIEWER = '{ viewer { kind user { subject email } machineClient { clientId role organization { slug } } } }';
const ORG_SLUGS = '{ organizations { edges { node { slug viewerRole } } } }';

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  seed = seedFor(server, issuer);
  acme = await seed.organization('acme', { owner: 'alice', readers: ['dora'] });
  globex = await seed.organization('globex', { owner: 'gina', writers: ['dora'] });
  const registered = await server.graphql(acme.owner.token, CREATE_CLIENT, {
    i: { organizationId: acme.id, clientId: 'acme-ci', name: 'Acme CI', role: 'WRITER' },
  });
  expect(registered.errors).toBeUndefined();
});

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

const CREATE_CLIENT = `mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id clientId } } }`;

describe('no token', () => {
  it('is anonymous: viewer is null', async () => {
    const res = await server.graphql(null, VIEWER);
    expect(res.status).toBe(200);
    expect(res.data).toEqual({ viewer: null });
  });

  it('reaches only public fields: anything else is UNAUTHENTICATED', async () => {
    const res = await server.graphql(null, ORG_SLUGS);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeNull();
  });
});

describe('a user token', () => {
  it('becomes a user principal, and the users row is created on first request', async () => {
    const before = await server.snapshot();
    expect(before.users!.some((u: any) => u.subject === 'auth0|newcomer')).toBe(false);
    const token = await issuer.userToken('auth0|newcomer', { email: 'newcomer@example.test' });
    const res = await server.graphql(token, VIEWER);
    expect(res.data.viewer).toEqual({ kind: 'USER', user: { subject: 'auth0|newcomer', email: 'newcomer@example.test' }, machineClient: null });
    const after = await server.snapshot();
    expect(after.users!.filter((u: any) => u.subject === 'auth0|newcomer')).toHaveLength(1);
    await server.graphql(token, VIEWER);
    expect((await server.snapshot()).users).toHaveLength(after.users!.length);
  });

  it('sees every organization the user belongs to, with its role in each', async () => {
    const dora = await seed.person('dora');
    const res = await server.graphql(dora.token, ORG_SLUGS);
    expect(res.data.organizations.edges.map((e: any) => e.node)).toEqual([
      { slug: 'acme', viewerRole: 'READER' },
      { slug: 'globex', viewerRole: 'WRITER' },
    ]);
  });

  it('with org_id is narrowed to the organization whose externalId matches', async () => {
    const set = await server.graphql(acme.owner.token, `mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { externalId } } }`, {
      i: { organizationId: acme.id, externalId: 'org_acme123' },
    });
    expect(set.data.updateOrganization.organization.externalId).toBe('org_acme123');
    const token = await issuer.userToken('auth0|dora', { org_id: 'org_acme123' });
    const list = await server.graphql(token, ORG_SLUGS);
    expect(list.data.organizations.edges.map((e: any) => e.node.slug)).toEqual(['acme']);
    const other = await server.graphql(token, `query($id: ID!) { organization(slug: "globex") { id } node(id: $id) { id } }`, { id: globex.id });
    expect(other.data).toEqual({ organization: null, node: null });
  });
});

describe('a machine token from the client-credentials grant', () => {
  it('becomes the machine principal of its client, acting as its organization with its role', async () => {
    const token = await issuer.machineToken('acme-ci');
    const res = await server.graphql(token, VIEWER);
    expect(res.data.viewer).toEqual({
      kind: 'MACHINE',
      user: null,
      machineClient: { clientId: 'acme-ci', role: 'WRITER', organization: { slug: 'acme' } },
    });
    const orgs = await server.graphql(token, ORG_SLUGS);
    expect(orgs.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'acme', viewerRole: 'WRITER' }]);
  });

  it('is recognised by `sub` = `<azp>@clients` even without `gty`', async () => {
    const token = await issuer.userToken('acme-ci@clients', { azp: 'acme-ci', gty: undefined });
    const res = await server.graphql(token, '{ viewer { kind } }');
    expect(res.data.viewer.kind).toBe('MACHINE');
  });

  it('never manages members, whatever its role', async () => {
    const token = await issuer.machineToken('acme-ci');
    const res = await server.graphql(token, `mutation($i: AddOrganizationMemberInput!) { addOrganizationMember(input: $i) { member { role } } }`, {
      i: { organizationId: acme.id, userSubject: 'auth0|someone', role: 'READER' },
    });
    expect(res.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('with an org_id matching its organization is accepted; with another it is refused', async () => {
    const ok = await server.graphql(await issuer.machineToken('acme-ci', { org_id: 'org_acme123' }), '{ viewer { kind } }');
    expect(ok.data.viewer.kind).toBe('MACHINE');
    const bad = await server.graphql(await issuer.machineToken('acme-ci', { org_id: 'org_other' }), '{ viewer { kind } }');
    expect(bad.status).toBe(401);
    expect(bad.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('a bad token is refused with 401 UNAUTHENTICATED, never treated as anonymous', () => {
  const now = () => Math.floor(Date.now() / 1000);
  const cases: [string, () => Promise<string>][] = [
    ['expired', () => issuer.userToken('auth0|x', { exp: now() - 120 })],
    ['not yet valid', () => issuer.userToken('auth0|x', { nbf: now() + 3600 })],
    ['wrong issuer', () => issuer.userToken('auth0|x', { iss: 'https://evil.example/' })],
    ['wrong audience', () => issuer.userToken('auth0|x', { aud: 'https://other-api.example' })],
    ['without exp', () => issuer.userToken('auth0|x', { exp: undefined })],
    ['signed by a foreign key with the same kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      const kid = issuer.server.issuer.keys.get()!.kid;
      return new SignJWT({ sub: 'auth0|x' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(issuer.url).setAudience(issuer.audience).setExpirationTime('1h').sign(privateKey);
    }],
    ['with an unknown kid', async () => {
      const { privateKey } = await generateKeyPair('RS256');
      return new SignJWT({ sub: 'auth0|x' }).setProtectedHeader({ alg: 'RS256', kid: 'nope' }).setIssuer(issuer.url).setAudience(issuer.audience).setExpirationTime('1h').sign(privateKey);
    }],
    ['with alg: none', async () => {
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'auth0|x', iss: issuer.url, aud: issuer.audience, exp: now() + 3600 })}.`;
    }],
    ['HMAC-signed with the public key (algorithm confusion)', async () => {
      const key = issuer.server.issuer.keys.get()!;
      const { importJWK } = await import('jose');
      const pem = await exportSPKI((await importJWK({ kty: key.kty, n: key.n, e: key.e }, 'RS256', { extractable: true })) as Parameters<typeof exportSPKI>[0]);
      return new SignJWT({ sub: 'auth0|x' }).setProtectedHeader({ alg: 'HS256', kid: key.kid }).setIssuer(issuer.url).setAudience(issuer.audience).setExpirationTime('1h').sign(new TextEncoder().encode(pem));
    }],
    ['with a tampered payload', async () => {
      const [h, , s] = (await issuer.userToken('auth0|x')).split('.');
      return `${h}.${Buffer.from(JSON.stringify({ sub: 'auth0|alice', iss: issuer.url, aud: issuer.audience, exp: now() + 3600 })).toString('base64url')}.${s}`;
    }],
    ['of an unknown machine client', () => issuer.machineToken('nobody-ci')],
    ['that is not a JWT at all', async () => 'not-a-token'],
    ['that is oversized', async () => `${'a'.repeat(9000)}.b.c`],
  ];

  it.each(cases)('%s', async (_label, make) => {
    const res = await server.graphql(await make(), VIEWER);
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(res.data).toBeUndefined();
  });

  it('of a revoked machine client', async () => {
    await server.graphql(acme.owner.token, CREATE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-old', name: 'Old', role: 'READER' } });
    const token = await issuer.machineToken('acme-old');
    expect((await server.graphql(token, '{ viewer { kind } }')).status).toBe(200);
    const revoked = await server.graphql(acme.owner.token, `mutation($i: RevokeMachineClientInput!) { revokeMachineClient(input: $i) { machineClient { revokedAt } } }`, {
      i: { organizationId: acme.id, clientId: 'acme-old' },
    });
    expect(revoked.data.revokeMachineClient.machineClient.revokedAt).toEqual(expect.any(String));
    const res = await server.graphql(token, '{ viewer { kind } }');
    expect(res.status).toBe(401);
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('in an Authorization header that is not a bearer token', async () => {
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic YWxpY2U6c2VjcmV0' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(response.status).toBe(401);
  });
});

describe('a verified token', () => {
  const outcomes = async () => ({
    verified: await server.metric('orgraph_token_verifications_total{outcome="verified"}'),
    cached: await server.metric('orgraph_token_verifications_total{outcome="cached"}'),
  });

  it('has its signature checked once, then is served from memory until it expires', async () => {
    const token = await issuer.userToken('auth0|repeat');
    const before = await outcomes();
    for (let i = 0; i < 3; i++) expect((await server.graphql(token, VIEWER)).status).toBe(200);
    const after = await outcomes();
    expect(after.verified - before.verified).toBe(1);
    expect(after.cached - before.cached).toBe(2);
  });

  it('is not served from memory after its exp: it is checked again, and refused', async () => {
    const token = await issuer.userToken('auth0|short-lived', { exp: Math.floor(Date.now() / 1000) + 1 });
    expect((await server.graphql(token, VIEWER)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 7000)); // past exp and the 5 s clock tolerance
    const res = await server.graphql(token, VIEWER);
    expect(res.status).toBe(401);
  }, 15_000);

  it('still meets the principal checks on every request: a cached machine token stops working once its client is revoked', async () => {
    await server.graphql(acme.owner.token, CREATE_CLIENT, { i: { organizationId: acme.id, clientId: 'acme-cached', name: 'Cached', role: 'READER' } });
    const token = await issuer.machineToken('acme-cached');
    expect((await server.graphql(token, VIEWER)).status).toBe(200);
    expect((await server.graphql(token, VIEWER)).status).toBe(200);
    await server.graphql(acme.owner.token, `mutation($i: RevokeMachineClientInput!) { revokeMachineClient(input: $i) { machineClient { id } } }`, {
      i: { organizationId: acme.id, clientId: 'acme-cached' },
    });
    expect((await server.graphql(token, VIEWER)).status).toBe(401);
  });
});
