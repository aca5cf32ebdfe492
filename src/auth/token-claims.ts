/**
 * Reads an access token's verified claims the way Auth0 shapes them: a user
 * token has a `sub` like `auth0|123`; a client-credentials token has
 * `gty: client-credentials` or a `sub` of `<client id>@clients` (Auth0 does
 * not always send `gty`). Custom claims may sit under a namespace.
 */
import type { JWTPayload } from 'jose';

export type TokenIdentity =
  | { kind: 'user'; subject: string; email: string | null; name: string | null; orgId: string | null }
  | { kind: 'machine'; clientId: string; orgId: string | null };

export function identify(claims: JWTPayload, namespace: string): TokenIdentity | null {
  const sub = typeof claims.sub === 'string' ? claims.sub : null;
  const azp = text(claims.azp) ?? text(claims.client_id);
  const orgId = text(claims.org_id) ?? text(claims[`${namespace}org_id`]);
  const isMachine = claims.gty === 'client-credentials' || (azp !== null && sub === `${azp}@clients`);
  if (isMachine) {
    if (azp === null || (sub !== null && sub !== `${azp}@clients`)) return null;
    return { kind: 'machine', clientId: azp, orgId };
  }
  if (sub === null || sub.length === 0 || sub.length > 255) return null;
  return {
    kind: 'user',
    subject: sub,
    email: text(claims[`${namespace}email`]) ?? text(claims.email),
    name: text(claims[`${namespace}name`]) ?? text(claims.name),
    orgId,
  };
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 && value.length <= 255 ? value : null;
}
