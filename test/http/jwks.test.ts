/**
 * The issuer's key set as it behaves in production: down, rotated, flooded
 * with unknown key ids. A JWKS endpoint of the test's own counts its hits.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import type { TestIssuer } from '../helpers/issuer.js';
import { startOrgraphOn, type TestOrgraph } from '../helpers/orgraph.js';

const ISSUER = 'https://issuer.jwks.test/';
const AUDIENCE = 'https://api.jwks.test';
const COOLDOWN_MS = 3000;

type PrivateKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
type Key = { kid: string; privateKey: PrivateKey; publicJwk: JWK };
const served: Key[] = [];
let hits = 0;
let up = true;
let jwksServer: Server;
let jwksUri: string;
let database: TestDatabase;
let server: TestOrgraph;

async function newKey(kid: string): Promise<Key> {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

const tokenFor = (key: Key, kid = key.kid) =>
  new SignJWT({ sub: 'auth0|jwks' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').sign(key.privateKey);

async function status(token: string) {
  return (await server.graphql(token, '{ viewer { kind } }')).status;
}

beforeAll(async () => {
  served.push(await newKey('key-1'));
  jwksServer = createServer((req, res) => {
    hits++;
    if (!up) return void res.writeHead(503).end();
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: served.map((k) => k.publicJwk) }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUri = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/.well-known/jwks.json`;
  database = await createTestDatabase();
  const issuer = { url: ISSUER, audience: AUDIENCE, jwksUri } as TestIssuer;
  server = await startOrgraphOn(issuer, database.env, { AUTH_JWKS_COOLDOWN_MS: String(COOLDOWN_MS) });
});

afterAll(async () => {
  await server?.stop();
  await database?.drop();
  jwksServer?.close();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the issuer's JWKS", () => {
  it('verifies known keys from memory, without a fetch per token', async () => {
    expect(await status(await tokenFor(served[0]!))).toBe(200);
    const before = hits;
    await Promise.all(Array.from({ length: 20 }, async () => expect(await status(await tokenFor(served[0]!))).toBe(200)));
    expect(hits - before).toBeLessThanOrEqual(1); // at most the background refresh
  });

  it('while the endpoint is down, tokens signed with known keys still verify (failed refreshes keep the old keys)', async () => {
    // A second server on the same data, refreshing its key set every 150 ms.
    const issuer = { url: ISSUER, audience: AUDIENCE, jwksUri } as TestIssuer;
    const eager = await startOrgraphOn(issuer, database.env, { AUTH_JWKS_REFRESH_MS: '150' });
    try {
      const token = await tokenFor(served[0]!);
      expect((await eager.graphql(token, '{ viewer { kind } }')).status).toBe(200);
      up = false;
      const before = hits;
      await pause(500);
      expect(hits - before).toBeGreaterThanOrEqual(2); // the background refresh tried, and failed
      expect((await eager.graphql(token, '{ viewer { kind } }')).status).toBe(200);
      expect(await status(token)).toBe(200);
    } finally {
      up = true;
      await eager.stop();
    }
  });

  it('an unknown kid triggers at most one refetch per cooldown, and the tokens are refused', async () => {
    await pause(COOLDOWN_MS + 50);
    const before = hits;
    const stranger = await newKey('stranger');
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => status(await tokenFor(stranger, `forged-${i}`))));
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(hits - before).toBeLessThanOrEqual(1);
  });

  it('a rotated key is picked up: the new kid makes it refetch once the cooldown is over', async () => {
    const rotated = await newKey('key-2');
    served.push(rotated);
    await pause(COOLDOWN_MS + 50);
    const before = hits;
    expect(await status(await tokenFor(rotated))).toBe(200);
    expect(hits - before).toBe(1);
    expect(await status(await tokenFor(served[0]!))).toBe(200);
  });
});
