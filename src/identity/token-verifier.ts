/**
 * Verifies bearer tokens with jose. The key set is created once per process
 * (jose caches the JWKS and refetches, rate-limited, on an unknown `kid`).
 * Only asymmetric algorithms are accepted, so `alg: none` and HMAC tokens
 * signed with a public key are refused before any key is looked at.
 */
import { createHash } from 'node:crypto';
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

export interface VerifierCache {
  /** Most tokens kept; the least recently used go first. */
  maxEntries: number;
  onOutcome?: (outcome: 'verified' | 'cached' | 'rejected') => void;
}

/**
 * Verifies with jose, and remembers a verified token until its `exp` (keyed
 * by the token's SHA-256, so no token is kept in memory). A client sending
 * the same token on every request pays for one signature check. Only the
 * signature check is cached: the principal (a revoked machine client, a
 * removed member) is looked up on every request.
 */
export function createTokenVerifier({ issuer, audience, keys }: VerifierOptions, cache: VerifierCache = { maxEntries: 10_000 }): TokenVerifier {
  const verified = new Map<string, JWTPayload & { exp: number }>();
  return async (token) => {
    if (token.length > MAX_TOKEN_LENGTH) {
      cache.onOutcome?.('rejected');
      throw new Error('token too large');
    }
    const key = createHash('sha256').update(token).digest('base64url');
    const hit = verified.get(key);
    if (hit && hit.exp * 1000 > Date.now()) {
      verified.delete(key);
      verified.set(key, hit); // most recently used last
      cache.onOutcome?.('cached');
      return hit;
    }
    verified.delete(key);
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer,
        audience,
        algorithms: ACCEPTED_ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: 5,
      });
      cache.onOutcome?.('verified');
      verified.set(key, payload as JWTPayload & { exp: number });
      if (verified.size > cache.maxEntries) verified.delete(verified.keys().next().value!);
      return payload;
    } catch (error) {
      cache.onOutcome?.('rejected');
      throw error;
    }
  };
}
