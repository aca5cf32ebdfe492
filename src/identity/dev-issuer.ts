/**
 * The development issuer: a local RS256 key pair standing in for Auth0 when
 * no AUTH_ISSUER is configured outside production. The key is kept on disk so
 * that tokens printed at start keep working across restarts.
 */
import { createHmac } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type JWTPayload } from 'jose';
import type { VerifierOptions } from './token-verifier.js';

export const DEV_ISSUER = 'urn:orgraph:dev-issuer';
export const DEV_AUDIENCE = 'urn:orgraph:api';
const KID = 'orgraph-dev';

export interface DevIssuer {
  verifierOptions: VerifierOptions;
  /** Signs a token for the dev issuer; `ttlSeconds` defaults to 12 hours. */
  sign(claims: JWTPayload, ttlSeconds?: number): Promise<string>;
  /** A machine client's token, shaped like Auth0's client-credentials tokens. */
  machineToken(clientId: string): Promise<string>;
  /** The secret the dev issuer's token endpoint expects of a client: derived from its key, so stable across restarts and never in the source. */
  clientSecret(clientId: string): string;
}

export const TOKEN_TTL_SECONDS = 12 * 3600;

export async function loadDevIssuer(keyFile: string): Promise<DevIssuer> {
  const privateJwk = await readOrCreateKey(keyFile);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, 'RS256');
  const sign = (claims: JWTPayload, ttlSeconds = TOKEN_TTL_SECONDS) =>
    new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(privateKey);
  return {
    verifierOptions: {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      keys: createLocalJWKSet({ keys: [{ ...publicJwk, kid: KID, alg: 'RS256', use: 'sig' }] }),
    },
    sign,
    machineToken: (clientId) => sign({ sub: `${clientId}@clients`, azp: clientId, gty: 'client-credentials' }),
    clientSecret: (clientId) => createHmac('sha256', privateJwk.d!).update(`client-secret:${clientId}`).digest('base64url').slice(0, 32),
  };
}

async function readOrCreateKey(keyFile: string): Promise<JWK> {
  if (keyFile !== ':memory:') {
    try {
      return JSON.parse(await readFile(keyFile, 'utf8')) as JWK;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = await exportJWK(privateKey);
  if (keyFile !== ':memory:') {
    await mkdir(dirname(keyFile), { recursive: true });
    await writeFile(keyFile, JSON.stringify(jwk), { mode: 0o600 });
  }
  return jwk;
}
