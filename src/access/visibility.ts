/**
 * Which organizations, workspaces and projects a principal can see, as SQL
 * predicates. Every list and look-up composes them into its own WHERE
 * clause, so invisible rows are never fetched (pages and counts stay right,
 * and nothing leaks across tenants). They say in SQL what `canSee` in
 * roles.ts says of roles already loaded: the same rules (the organization
 * admin from `ORGANIZATION_ADMIN`, the workspace-wide roles from
 * `WORKSPACE_WIDE_ROLES`, memberships narrowed by `org_id` through
 * identity/memberships.ts), so the two can be compared and never drift.
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { groupMembers, organizations, projectGrants, projects, workspaceRoles, workspaces } from '../db/schema.js';
import { actingOrganizationIds } from '../identity/memberships.js';
import type { Principal, UserPrincipal } from '../identity/principal.js';
import { ORGANIZATION_ADMIN, WORKSPACE_WIDE_ROLES, type ScopeLevel } from './roles.js';

/** A predicate over `organizations` rows: true where the principal may see the organization. */
export function organizationIsVisible(principal: Principal): SQL {
  switch (principal.kind) {
    case 'anonymous':
      return sql`false`;
    case 'machine':
      return eq(organizations.id, principal.organizationId);
    case 'user':
      return inArray(organizations.id, actingOrganizationIds(principal));
  }
}

/** Workspace ids where the user holds one of `roles` (any role when null), directly or through a group. */
function workspacesWithRole(userId: string, roles: readonly string[] | null): SQL {
  const roleFilter = (column: SQL | typeof workspaceRoles.role) =>
    roles === null ? sql`` : sql` and ${column} in (${sql.join(roles.map((r) => sql`${r}`), sql`, `)})`;
  return sql`(select ${workspaceRoles.workspaceId} from ${workspaceRoles} where ${workspaceRoles.userId} = ${userId}${roleFilter(workspaceRoles.role)}
    union select ${workspaceRoles.workspaceId} from ${workspaceRoles} join ${groupMembers} on ${groupMembers.groupId} = ${workspaceRoles.groupId}
    where ${groupMembers.userId} = ${userId}${roleFilter(workspaceRoles.role)})`;
}

/** Inside the organizations a user acts in: those it administers, or where `inside` holds. */
function insideActingOrganizations(principal: UserPrincipal, organizationId: PgColumn, inside: SQL): SQL {
  return and(
    inArray(organizationId, actingOrganizationIds(principal)),
    sql`(${organizationId} in ${actingOrganizationIds(principal, { role: ORGANIZATION_ADMIN })} or ${inside})`,
  )!;
}

/** A predicate over `workspaces` rows: its members and the organization's admins see a workspace. */
export function workspaceIsVisible(principal: Principal): SQL {
  if (principal.kind !== 'user') return sql`false`;
  return insideActingOrganizations(principal, workspaces.organizationId, sql`${workspaces.id} in ${workspacesWithRole(principal.userId, null)}`);
}

/**
 * A predicate over `projects` rows: organization admins, the workspace's
 * holders of workspace-wide roles, and users granted a project role
 * (directly or through a group) see a project.
 */
export function projectIsVisible(principal: Principal): SQL {
  if (principal.kind !== 'user') return sql`false`;
  const granted = sql`(select ${projectGrants.projectId} from ${projectGrants} where ${projectGrants.userId} = ${principal.userId}
    union select ${projectGrants.projectId} from ${projectGrants} join ${groupMembers} on ${groupMembers.groupId} = ${projectGrants.groupId}
    where ${groupMembers.userId} = ${principal.userId})`;
  return insideActingOrganizations(
    principal,
    projects.organizationId,
    sql`(${projects.workspaceId} in ${workspacesWithRole(principal.userId, WORKSPACE_WIDE_ROLES)} or ${projects.id} in ${granted})`,
  );
}

/**
 * `column` holds the id of an organization, workspace or project (by
 * `level`) that the principal can see. Looking an object up through this
 * costs the same whether it is invisible or does not exist: one statement,
 * no row, so neither the answer nor its cost tells them apart.
 */
export function isVisibleAt(principal: Principal, level: ScopeLevel, column: PgColumn): SQL {
  switch (level) {
    case 'organization':
      return inArray(column, sql`(select ${organizations.id} from ${organizations} where ${organizationIsVisible(principal)})`);
    case 'workspace':
      return inArray(column, sql`(select ${workspaces.id} from ${workspaces} where ${workspaceIsVisible(principal)})`);
    case 'project':
      return inArray(column, sql`(select ${projects.id} from ${projects} where ${projectIsVisible(principal)})`);
  }
}
