/**
 * Verifies bearer tokens with jose. The key set is created once per process
 * (jose caches the JWKS and refetches, rate-limited, on an unknown `kid`).
 * Only asymmetric algorithms are accepted, so `alg: none` and HMAC tokens
 * signed with a public key are refused before any key is looked at.
 */
import { createRemoteJWKSet, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';

export const ACCEPTED_ALGORITHMS = ['RS256', 'ES256'];
/** Larger tokens are refused unparsed: no issuer sends them, and parsing them costs. */
const MAX_TOKEN_LENGTH = 8192;

export type TokenVerifier = (token: string) => Promise<JWTPayload>;

export interface VerifierOptions {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
}

export function remoteKeys(jwksUri: string): JWTVerifyGetKey {
  return createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 30_000, timeoutDuration: 5_000 });
}

export function createTokenVerifier({ issuer, audience, keys }: VerifierOptions): TokenVerifier {
  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH) throw new Error('token too large');
    const { payload } = await jwtVerify(token, keys, {
      issuer,
      audience,
      algorithms: ACCEPTED_ALGORITHMS,
      requiredClaims: ['exp'],
      clockTolerance: 5,
    });
    return payload;
  };
}
