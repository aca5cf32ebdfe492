/**
 * The issuer's key set as it behaves in production: down, rotated, flooded
 * with unknown key ids. A JWKS endpoint of the test's own counts its hits.
 */
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { signingKey, useKeyServer, type SigningKey } from '../helpers/key-server.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const ISSUER = 'https://issuer.jwks.test/';
const AUDIENCE = 'https://api.jwks.test';
const COOLDOWN_MS = 3000;

const keys = useKeyServer(async () => [await signingKey('key-1')]);
const t = useOrgraph({ AUTH_JWKS_COOLDOWN_MS: String(COOLDOWN_MS) }, { issuer: () => ({ url: ISSUER, audience: AUDIENCE, jwksUri: keys.jwksUri }) });
const hits = () => keys.requests.length;

const tokenFor = (key: SigningKey, kid = key.kid) =>
  new SignJWT({ sub: 'auth0|jwks' }).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('1h').sign(key.privateKey);

async function status(token: string) {
  return (await t.server.graphql(token, '{ viewer { kind } }')).status;
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("the issuer's JWKS", () => {
  it('verifies known keys from memory, without a fetch per token', async () => {
    expect(await status(await tokenFor(keys.keys[0]!))).toBe(200);
    const before = hits();
    await Promise.all(Array.from({ length: 20 }, async () => expect(await status(await tokenFor(keys.keys[0]!))).toBe(200)));
    expect(hits() - before).toBeLessThanOrEqual(1); // at most the background refresh
  });

  it('while the endpoint is down, tokens signed with known keys still verify (failed refreshes keep the old keys)', async () => {
    // A second server on the same data, refreshing its key set every 150 ms.
    const eager = await t.startBeside(t.server, { AUTH_JWKS_REFRESH_MS: '150' });
    try {
      const token = await tokenFor(keys.keys[0]!);
      expect((await eager.graphql(token, '{ viewer { kind } }')).status).toBe(200);
      keys.up = false;
      const before = hits();
      await pause(500);
      expect(hits() - before).toBeGreaterThanOrEqual(2); // the background refresh tried, and failed
      expect((await eager.graphql(token, '{ viewer { kind } }')).status).toBe(200);
      expect(await status(token)).toBe(200);
    } finally {
      keys.up = true;
      await eager.stop();
    }
  });

  it('an unknown kid triggers at most one refetch per cooldown, and the tokens are refused', async () => {
    await pause(COOLDOWN_MS + 50);
    const before = hits();
    const stranger = await signingKey('stranger');
    const statuses = await Promise.all(Array.from({ length: 20 }, async (_, i) => status(await tokenFor(stranger, `forged-${i}`))));
    expect(statuses.every((s) => s === 401)).toBe(true);
    expect(hits() - before).toBeLessThanOrEqual(1);
  });

  it('a rotated key is picked up: the new kid makes it refetch once the cooldown is over', async () => {
    const rotated = await signingKey('key-2');
    keys.keys.push(rotated);
    await pause(COOLDOWN_MS + 50);
    const before = hits();
    expect(await status(await tokenFor(rotated))).toBe(200);
    expect(hits() - before).toBe(1);
    expect(await status(await tokenFor(keys.keys[0]!))).toBe(200);
  });
});
