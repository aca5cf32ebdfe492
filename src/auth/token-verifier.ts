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

export interface RemoteKeys {
  keys: JWTVerifyGetKey;
  /** Stops the background refresh. */
  stop(): void;
}

/**
 * The issuer's keys, fetched once and kept: while the JWKS endpoint is down,
 * tokens signed with known keys still verify. A token with an unknown `kid`
 * makes jose refetch, at most once per cooldown (so a flood of forged kids
 * cannot hammer the issuer); a rotated key is picked up that way. A
 * background refresh drops keys the issuer has retired, and keeps the old
 * set when the endpoint does not answer.
 */
export function remoteKeys(jwksUri: string, options: { cooldownMs: number; refreshMs: number }): RemoteKeys {
  const jwks = createRemoteJWKSet(new URL(jwksUri), {
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: Infinity,
    timeoutDuration: 5_000,
  });
  const timer = setInterval(() => void jwks.reload().catch(() => {}), options.refreshMs);
  timer.unref();
  return { keys: jwks, stop: () => clearInterval(timer) };
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
