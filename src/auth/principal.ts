/**
 * Who a request acts as. Built once per request by the context builder from
 * the bearer token; everything downstream (directives, visibility, audit)
 * reads it and nothing else.
 */
import type { OrganizationRole } from '../db/schema.js';

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
    }
  | {
      kind: 'machine';
      machineClientId: string;
      clientId: string;
      organizationId: string;
      role: OrganizationRole;
    };

export type UserPrincipal = Extract<Principal, { kind: 'user' }>;
export type MachinePrincipal = Extract<Principal, { kind: 'machine' }>;

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });
