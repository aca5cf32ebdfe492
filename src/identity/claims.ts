/**
 * Reads an access token's verified claims the way Auth0 shapes them: a user
 * token has a `sub` like `auth0|123`; a client-credentials token has
 * `gty: client-credentials` or a `sub` of `<client id>@clients` (Auth0 does
 * not always send `gty`). Custom claims may sit under a namespace.
 *
 * A signature proves who issued a claim, not that it is sane: identifiers
 * with control characters make the token unusable, profile fields with them
 * are dropped, and an `org_id` that is present but malformed narrows the
 * principal to nothing rather than being ignored (which would widen it).
 * An email counts as the user's only when the issuer says it verified it
 * (`email_verified: true`); anyone can sign up with someone else's address.
 */
import type { JWTPayload } from 'jose';

/** An `org_id` that no organization carries: external ids are 1 to 255 visible characters. */
export const NARROWED_TO_NOTHING = '';

export type TokenIdentity =
  | { kind: 'user'; subject: string; email: string | null; emailVerified: boolean; name: string | null; orgId: string | null }
  | { kind: 'machine'; clientId: string; orgId: string | null };

export function identify(claims: JWTPayload, namespace: string): TokenIdentity | null {
  const claim = (name: string) => claims[`${namespace}${name}`] ?? claims[name];
  const sub = claims.sub === undefined ? null : identifier(claims.sub);
  const azp = identifier(claims.azp ?? claims.client_id);
  if (claims.sub !== undefined && sub === null) return null;
  const rawOrgId = claim('org_id');
  const orgId = rawOrgId === undefined ? null : (identifier(rawOrgId) ?? NARROWED_TO_NOTHING);
  const isMachine = claims.gty === 'client-credentials' || (azp !== null && sub === `${azp}@clients`);
  if (isMachine) {
    if (azp === null || (sub !== null && sub !== `${azp}@clients`)) return null;
    return { kind: 'machine', clientId: azp, orgId };
  }
  if (sub === null) return null;
  const email = profileText(claim('email'));
  return { kind: 'user', subject: sub, email, emailVerified: email !== null && claim('email_verified') === true, name: profileText(claim('name')), orgId };
}

/** 1 to 255 characters without control characters or lone surrogates (which Postgres would store as U+FFFD, merging identities), or null. */
function identifier(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 255 && !/\p{Cc}/u.test(value) && value.isWellFormed() ? value : null;
}

const profileText = identifier;
