/**
 * Grants as answers name them, built from the rows of grant-queries.ts:
 * where each role is held, how it reached the principal, and the roles an
 * organization owner holds inside without any row saying so. Shared by
 * `explainAccess` and the access reviews, so both say the same of a grant.
 */
import { ORGANIZATION_ADMIN } from '../../access/roles.js';
import type { Scope } from '../../access/scopes.js';
import { toGlobalId } from '../../lib/global-id.js';
import type { AccessScopeRow, Grant, GrantVia } from './explanation.js';
import type { GrantRow } from './grant-queries.js';

export function grantOf(organizationId: string, row: GrantRow): Grant {
  const scope: Scope =
    row.level === 'organization'
      ? { organizationId }
      : row.level === 'workspace'
        ? { organizationId, workspaceId: row.scopeId }
        : { organizationId, workspaceId: row.workspaceId!, projectId: row.scopeId };
  const via: GrantVia = row.groupId === null ? 'DIRECT' : row.system ? 'EVERYONE_GROUP' : 'GROUP';
  return { role: row.role, scope, via, group: row.groupId === null ? null : { id: row.groupId, organizationId } };
}

/** The organization admin holds every role inside: said as the top roles of the workspace and project a question sits in. */
export function ownerGrantsIn(rows: readonly GrantRow[], scope: Scope): Grant[] {
  if (!rows.some((r) => r.level === 'organization' && r.role === ORGANIZATION_ADMIN)) return [];
  const grants: Grant[] = [];
  if (scope.workspaceId) grants.push({ role: 'WORKSPACE_ADMIN', scope: { organizationId: scope.organizationId, workspaceId: scope.workspaceId }, via: 'ORGANIZATION_OWNER', group: null });
  if (scope.projectId) grants.push({ role: 'PROJECT_OWNER', scope, via: 'ORGANIZATION_OWNER', group: null });
  return grants;
}

export function machineGrant(organizationId: string, role: Grant['role']): Grant {
  return { role, scope: { organizationId }, via: 'MACHINE_CLIENT', group: null };
}

/** A grant's scope as an answer names it; `slugOf` knows the slugs of the scopes the answer mentions. */
export function scopeRowOf(scope: Scope, slugOf: (id: string) => string | undefined): AccessScopeRow {
  if (scope.projectId) return { level: 'PROJECT', id: toGlobalId('Project', scope.projectId), slug: slugOf(scope.projectId) ?? '' };
  if (scope.workspaceId) return { level: 'WORKSPACE', id: toGlobalId('Workspace', scope.workspaceId), slug: slugOf(scope.workspaceId) ?? '' };
  return { level: 'ORGANIZATION', id: toGlobalId('Organization', scope.organizationId), slug: slugOf(scope.organizationId) ?? '' };
}
