/**
 * Which organizations a principal can see, as a SQL predicate. Every list and
 * look-up composes it into its own WHERE clause, so invisible rows are never
 * fetched (pages and counts stay right, and nothing leaks across tenants).
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { PgColumn } from 'drizzle-orm/pg-core';
import { groupMembers, organizationMembers, organizations, projectGrants, projects, workspaceRoles, workspaces } from '../db/schema.js';
import type { Principal } from './principal.js';
import { WORKSPACE_WIDE_ROLES, type ScopeLevel } from './roles.js';

/** A predicate over `organizations` rows: true where the principal may see the organization. */
export function organizationIsVisible(principal: Principal): SQL {
  switch (principal.kind) {
    case 'anonymous':
      return sql`false`;
    case 'machine':
      return eq(organizations.id, principal.organizationId);
    case 'user': {
      const member = inArray(
        organizations.id,
        sql`(select ${organizationMembers.organizationId} from ${organizationMembers} where ${organizationMembers.userId} = ${principal.userId})`,
      );
      return principal.organizationExternalId === null
        ? member
        : and(member, eq(organizations.externalId, principal.organizationExternalId))!;
    }
  }
}

/** Organizations where the principal is a user who owns them: FlowX's organization admin sees everything inside. */
function administeredOrganizations(principal: Extract<Principal, { kind: 'user' }>): SQL {
  const narrowed = principal.organizationExternalId === null
    ? sql``
    : sql` and ${organizationMembers.organizationId} in (select ${organizations.id} from ${organizations} where ${organizations.externalId} = ${principal.organizationExternalId})`;
  return sql`(select ${organizationMembers.organizationId} from ${organizationMembers} where ${organizationMembers.userId} = ${principal.userId} and ${organizationMembers.role} = 'OWNER'${narrowed})`;
}

/** Workspace ids where the user holds one of `roles` (any role when null), directly or through a group. */
function workspacesWithRole(userId: string, roles: readonly string[] | null): SQL {
  const roleFilter = (column: SQL | typeof workspaceRoles.role) =>
    roles === null ? sql`` : sql` and ${column} in (${sql.join(roles.map((r) => sql`${r}`), sql`, `)})`;
  return sql`(select ${workspaceRoles.workspaceId} from ${workspaceRoles} where ${workspaceRoles.userId} = ${userId}${roleFilter(workspaceRoles.role)}
    union select ${workspaceRoles.workspaceId} from ${workspaceRoles} join ${groupMembers} on ${groupMembers.groupId} = ${workspaceRoles.groupId}
    where ${groupMembers.userId} = ${userId}${roleFilter(workspaceRoles.role)})`;
}

/** A predicate over `workspaces` rows: its members and the organization's owners see a workspace. */
export function workspaceIsVisible(principal: Principal): SQL {
  if (principal.kind !== 'user') return sql`false`;
  return and(
    inArray(workspaces.organizationId, sql`(select ${organizations.id} from ${organizations} where ${organizationIsVisible(principal)})`),
    sql`(${workspaces.organizationId} in ${administeredOrganizations(principal)} or ${workspaces.id} in ${workspacesWithRole(principal.userId, null)})`,
  )!;
}

/**
 * A predicate over `projects` rows: organization owners, the workspace's
 * admins, runtime and operations editors, and users granted a project role
 * (directly or through a group) see a project.
 */
export function projectIsVisible(principal: Principal): SQL {
  if (principal.kind !== 'user') return sql`false`;
  const granted = sql`(select ${projectGrants.projectId} from ${projectGrants} where ${projectGrants.userId} = ${principal.userId}
    union select ${projectGrants.projectId} from ${projectGrants} join ${groupMembers} on ${groupMembers.groupId} = ${projectGrants.groupId}
    where ${groupMembers.userId} = ${principal.userId})`;
  return and(
    inArray(projects.organizationId, sql`(select ${organizations.id} from ${organizations} where ${organizationIsVisible(principal)})`),
    sql`(${projects.organizationId} in ${administeredOrganizations(principal)}
      or ${projects.workspaceId} in ${workspacesWithRole(principal.userId, WORKSPACE_WIDE_ROLES)}
      or ${projects.id} in ${granted})`,
  )!;
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
