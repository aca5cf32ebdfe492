/**
 * Turns a request's Authorization header into its principal. No header:
 * anonymous. Anything else must be exactly one "Bearer <JWT>" that verifies
 * and names a user or an active machine client: a bad token of any kind is a
 * 401 for the whole request, never a silent fall-back to anonymous.
 * Principals are kept (by token identity) until a write touches their
 * organizations or their user, since a role, a membership or a client may change.
 */
import type { ChangeFeed } from '../cache/change-feed.js';
import type { GenerationCache } from '../cache/generation-cache.js';
import type { Db } from '../db/client.js';
import { unauthenticated } from '../errors.js';
import { identify, type TokenIdentity } from './claims.js';
import type { SeenRecorder } from './last-seen.js';
import { ANONYMOUS, principalTags, type Principal, type UserPrincipal } from './principal.js';
import { activeMachineClient, actingOrganizationsOf, upsertUserFromToken } from './principal-queries.js';
import type { TokenVerifier } from './token-verifier.js';

export interface AuthenticatorDeps {
  db: Db;
  verify: TokenVerifier;
  claimsNamespace: string;
  /** Principals by token identity, valid until a write touches them. */
  principals: GenerationCache<Principal>;
  /** Told when signing in wrote (a new user, a changed profile), so no cache outlives it. */
  changes: ChangeFeed;
  /** Told of every principal a token named, so access reviews know when it was last seen. */
  seen: SeenRecorder;
}

export interface Authenticator {
  /** The principal of these Authorization header values; throws UNAUTHENTICATED, or the database's error. */
  authenticate(headers: string[] | undefined): Promise<Principal>;
  /** The same user with its organization roles read again (after a mutation that may have changed them). */
  reread(principal: UserPrincipal): Promise<UserPrincipal>;
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

export function createAuthenticator(deps: AuthenticatorDeps): Authenticator {
  return {
    authenticate: async (headers) => {
      if (headers === undefined || (headers.length === 1 && headers[0] === '')) return ANONYMOUS;
      // Two credentials are one too many: which one would a proxy, a log, or we believe?
      if (headers.length > 1) throw unauthenticated('Send one Authorization header');
      const match = BEARER.exec(headers[0]!);
      if (!match) throw unauthenticated('The Authorization header must be "Bearer <JWT>"');
      let claims;
      try {
        claims = await deps.verify(match[1]!);
      } catch {
        // jose's reason (expired, bad signature, unknown key...) stays server-side.
        throw unauthenticated('The access token is invalid or expired');
      }
      const identity = identify(claims, deps.claimsNamespace);
      if (!identity) throw unauthenticated('The access token names no user or client');
      const key = JSON.stringify(identity);
      const generation = deps.principals.begin();
      const known = generation === null ? undefined : deps.principals.get(key);
      if (known) {
        deps.seen(known);
        return known;
      }
      const found = await lookUp(deps.db, identity);
      // A first sign-in touches only the new user (no one else can read it); a changed profile, the member lists that show it too.
      if (found.wrote) deps.changes.changed(principalTags(found.principal));
      else if (generation !== null) deps.principals.set(key, generation, found.principal, 1, principalTags(found.principal));
      deps.seen(found.principal);
      return found.principal;
    },
    reread: async (principal) => ({ ...principal, ...(await actingOrganizationsOf(deps.db, principal.subject, principal.organizationExternalId)) }),
  };
}

async function lookUp(db: Db, identity: TokenIdentity): Promise<{ principal: Principal; wrote: boolean }> {
  if (identity.kind === 'machine') {
    const found = await activeMachineClient(db, identity.clientId);
    if (!found) throw unauthenticated('This machine client is unknown or revoked');
    if (identity.orgId !== null && identity.orgId !== found.organization.externalId) {
      throw unauthenticated("The token's org_id does not match this machine client's organization");
    }
    const { client, organization } = found;
    return {
      principal: { kind: 'machine', machineClientId: client.id, clientId: client.clientId, organizationId: client.organizationId, organization, role: client.role },
      wrote: false,
    };
  }
  const { user, organizationRoles, organizations, wrote } = await upsertUserFromToken(db, identity, identity.orgId);
  return { principal: { kind: 'user', userId: user.id, subject: user.subject, organizationExternalId: identity.orgId, organizationRoles, organizations }, wrote };
}
