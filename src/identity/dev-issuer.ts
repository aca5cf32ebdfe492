/**
 * The development issuer: a local RS256 key pair standing in for Auth0 when
 * no AUTH_ISSUER is configured outside production. The key is kept on disk so
 * that tokens printed at start keep working across restarts.
 */
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
}

export async function loadDevIssuer(keyFile: string): Promise<DevIssuer> {
  const privateJwk = await readOrCreateKey(keyFile);
  const { d: _d, p: _p, q: _q, dp: _dp, dq: _dq, qi: _qi, ...publicJwk } = privateJwk;
  const privateKey = await importJWK(privateJwk, 'RS256');
  return {
    verifierOptions: {
      issuer: DEV_ISSUER,
      audience: DEV_AUDIENCE,
      keys: createLocalJWKSet({ keys: [{ ...publicJwk, kid: KID, alg: 'RS256', use: 'sig' }] }),
    },
    sign: (claims, ttlSeconds = 12 * 3600) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'JWT' })
        .setIssuer(DEV_ISSUER)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(privateKey),
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
