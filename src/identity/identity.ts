/**
 * Identity for one server: where tokens' keys come from (the issuer's JWKS,
 * or the development issuer's local key), the verifier with its cache of
 * verified tokens, and the authenticator that turns a token into a principal.
 */
import type { ChangeFeed } from '../cache/change-feed.js';
import { GenerationCache } from '../cache/generation-cache.js';
import type { Db } from '../db/client.js';
import { createAuthenticator, type Authenticator } from './authenticate.js';
import { loadDevIssuer, type DevIssuer } from './dev-issuer.js';
import { lastSeenRecorder } from './last-seen.js';
import type { Principal } from './principal.js';
import { createTokenVerifier, remoteKeys, type VerifierOptions } from './token-verifier.js';

/** Principals kept between requests (a few hundred bytes each, with a row per organization they act in) while the caches are on. */
const PRINCIPALS_CACHED = 10_000;

export interface IssuerSettings {
  issuer: string;
  audience: string;
  jwksUri: string;
  /** Least time between two JWKS fetches caused by unknown `kid`s. */
  jwksCooldownMs: number;
  /** Period of the background JWKS refresh. */
  jwksRefreshMs: number;
}

/** Where tokens come from: a configured issuer, or (`dev`, never in production) a local key pair that signs demo tokens. */
export type AuthSettings =
  | { kind: 'issuer'; issuer: IssuerSettings; claimsNamespace: string }
  | { kind: 'dev'; keyFile: string; claimsNamespace: string };

export interface Identity {
  authenticator: Authenticator;
  /** Set when no AUTH_ISSUER is configured (development): signs demo tokens. */
  devIssuer: DevIssuer | null;
  /** Stops the background JWKS refresh. */
  stop(): void;
}

export async function createIdentity(
  auth: AuthSettings,
  deps: {
    db: Db;
    changes: ChangeFeed;
    cacheOn: boolean;
    onVerification: (outcome: 'verified' | 'cached' | 'rejected') => void;
    /** A principal's last-seen time could not be written (the request was served all the same). */
    onLastSeenFailure: (error: unknown) => void;
    /** The development issuer, already being loaded (its first key takes a while to generate). */
    devIssuer?: Promise<DevIssuer> | undefined;
  },
): Promise<Identity> {
  let devIssuer: DevIssuer | null = null;
  let stop = () => {};
  let options: VerifierOptions;
  if (auth.kind === 'dev') {
    devIssuer = await (deps.devIssuer ?? loadDevIssuer(auth.keyFile));
    options = devIssuer.verifierOptions;
  } else {
    const { issuer, audience, jwksUri, jwksCooldownMs, jwksRefreshMs } = auth.issuer;
    const remote = remoteKeys(jwksUri, { cooldownMs: jwksCooldownMs, refreshMs: jwksRefreshMs });
    options = { issuer, audience, keys: remote.keys };
    stop = remote.stop;
  }
  const verify = createTokenVerifier(options, { maxEntries: 10_000, onOutcome: deps.onVerification });
  const authenticator = createAuthenticator({
    db: deps.db,
    verify,
    claimsNamespace: auth.claimsNamespace,
    principals: new GenerationCache<Principal>(deps.changes, deps.cacheOn ? PRINCIPALS_CACHED : 0),
    changes: deps.changes,
    seen: lastSeenRecorder(deps.db, deps.onLastSeenFailure),
  });
  return { authenticator, devIssuer, stop };
}
