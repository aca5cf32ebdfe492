/** The shape of an `explainAccess` answer, shared by the decision and its sentence. */
import type { AccessRole } from '../../access/roles.js';
import type { Scope } from '../../access/scopes.js';

export type AccessDecision = 'ALLOWED' | 'FORBIDDEN' | 'NOT_VISIBLE';
export type GrantVia = 'DIRECT' | 'GROUP' | 'EVERYONE_GROUP' | 'ORGANIZATION_OWNER' | 'MACHINE_CLIENT';

export interface Grant {
  role: AccessRole;
  scope: Scope;
  via: GrantVia;
  group: { id: string; organizationId: string } | null;
}

/** An organization, workspace or project as an answer names it. */
export interface AccessScopeRow {
  level: 'ORGANIZATION' | 'WORKSPACE' | 'PROJECT';
  id: string;
  slug: string;
}

export interface Explanation {
  decision: AccessDecision;
  rule: string;
  requiredRoles: AccessRole[];
  grants: (Omit<Grant, 'scope'> & { scope: AccessScopeRow })[];
  reason: string;
}
