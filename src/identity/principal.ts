/**
 * Who a request acts as. Built once per request by the context builder from
 * the bearer token; everything downstream (directives, visibility, audit)
 * reads it and nothing else.
 */
import type { OrganizationRole, OrganizationRow } from '../db/schema.js';

export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      subject: string;
      /** From the token's `org_id`: the user acts only within the organization with this external id. */
      organizationExternalId: string | null;
      /**
       * The user's role in each organization it may act in (narrowed by
       * `org_id`), read with the user at the start of the request.
       */
      organizationRoles: ReadonlyMap<string, OrganizationRole>;
      /** Those organizations' rows by slug, read in the same statement: they are all it can see. */
      organizations: ReadonlyMap<string, OrganizationRow>;
    }
  | {
      kind: 'machine';
      machineClientId: string;
      clientId: string;
      organizationId: string;
      /** Its organization's row, read with the client: the one organization it can see. */
      organization: OrganizationRow;
      role: OrganizationRole;
    };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;
export type MachinePrincipal = Extract<Principal, { kind: 'machine' }>;

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

/**
 * Everything an access decision reads from a principal, as one string: two
 * principals share a key only when no rule can tell them apart (an `org_id`
 * narrowed to nothing is not the unnarrowed token of the same user). Caches
 * that keep answers per principal key them with it.
 */
export function principalKey(principal: Principal): string {
  switch (principal.kind) {
    case 'anonymous':
      return '["anonymous"]';
    case 'user': {
      const roles = [...principal.organizationRoles].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return JSON.stringify(['user', principal.userId, principal.organizationExternalId, roles]);
    }
    case 'machine':
      return JSON.stringify(['machine', principal.machineClientId, principal.organizationId, principal.role]);
  }
}

/**
 * What a principal's cached answers (and the principal itself) depend on, as
 * change-feed tags: everything a principal can read lies in the
 * organizations it holds a role in (visibility starts there), and a write
 * that changes its roles carries its user id. Anonymous answers depend on
 * any write.
 */
export function principalTags(principal: Principal): string[] {
  switch (principal.kind) {
    case 'anonymous':
      return ['*'];
    case 'user':
      return [`u:${principal.userId}`, ...[...principal.organizationRoles.keys()].map((id) => `o:${id}`)];
    case 'machine':
      return [`o:${principal.organizationId}`];
  }
}

/**
 * The organization with this slug, if the principal can see it: an
 * organization is visible exactly where the principal acts (organizationIsVisible
 * says the same in SQL), and those rows came with the principal, so finding
 * one costs no statement, whether it is invisible or does not exist.
 */
export function visibleOrganizationBySlug(principal: Principal, slug: string): OrganizationRow | null {
  switch (principal.kind) {
    case 'anonymous':
      return null;
    case 'user':
      return principal.organizations.get(slug) ?? null;
    case 'machine':
      return principal.organization.slug === slug ? principal.organization : null;
  }
}
