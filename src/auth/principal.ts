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
