/**
 * Every role users hold in an organization, and how they came by it: their
 * membership, their workspace roles and project grants given to them or to a
 * group they are in (the everyone group told apart). One statement however
 * many users, so an access review costs the same for ten members or a
 * thousand. The roles the checks use (access/role-queries.ts) are the union
 * of these, so an explanation reads what enforcement reads.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { groupMembers, groups, organizationMembers, organizations, projectGrants, projects, workspaceRoles, workspaces } from '../../db/schema.js';
import type { AccessRole, ScopeLevel } from '../../access/roles.js';

export interface GrantRow {
  userId: string;
  role: AccessRole;
  level: ScopeLevel;
  /** The organization, workspace or project the role is held in. */
  scopeId: string;
  /** The workspace of a workspace or project role. */
  workspaceId: string | null;
  /** The group it comes through, if any; `system` when that is the everyone group. */
  groupId: string | null;
  system: boolean;
}

export interface GrantFilter {
  organizationId: string;
  userIds: readonly string[];
  /** Only roles in this workspace (and its projects); all of the organization's otherwise. */
  workspaceId?: string;
  /** Only grants on this project; every project's (of the workspace, if given) otherwise. */
  projectId?: string;
  /** Leave out workspace and project roles (an organization-level question). */
  organizationOnly?: boolean;
}

const ids = (values: readonly string[]) => sql`${sql.param([...values])}::uuid[]`;

/** Grants of a roles table (workspace_roles or project_grants), direct and through the groups users are in. */
function throughGroups(table: typeof workspaceRoles | typeof projectGrants, level: ScopeLevel, scopeColumn: SQL, filter: GrantFilter, narrow: SQL): SQL {
  return sql`
    select ${table.userId} as user_id, ${table.role}::text as role, ${sql.raw(`'${level}'`)} as level, ${scopeColumn} as scope_id, ${table.workspaceId} as workspace_id, null::uuid as group_id, false as system
      from ${table} where ${table.organizationId} = ${filter.organizationId} and ${table.userId} = any(${ids(filter.userIds)})${narrow}
    union all
    select ${groupMembers.userId}, ${table.role}::text, ${sql.raw(`'${level}'`)}, ${scopeColumn}, ${table.workspaceId}, ${groups.id}, ${groups.system}
      from ${table} join ${groups} on ${groups.id} = ${table.groupId} join ${groupMembers} on ${groupMembers.groupId} = ${groups.id}
      where ${table.organizationId} = ${filter.organizationId} and ${groupMembers.userId} = any(${ids(filter.userIds)})${narrow}`;
}

export async function grantsOfUsers(db: Db, filter: GrantFilter): Promise<GrantRow[]> {
  const inWorkspace = (table: typeof workspaceRoles | typeof projectGrants) =>
    filter.workspaceId === undefined ? sql`` : sql` and ${table.workspaceId} = ${filter.workspaceId}`;
  const onProject = filter.projectId === undefined ? sql`` : sql` and ${projectGrants.projectId} = ${filter.projectId}`;
  const parts = [
    sql`select ${organizationMembers.userId} as user_id, ${organizationMembers.role}::text as role, 'organization' as level,
          ${organizationMembers.organizationId} as scope_id, null::uuid as workspace_id, null::uuid as group_id, false as system
        from ${organizationMembers} where ${organizationMembers.organizationId} = ${filter.organizationId} and ${organizationMembers.userId} = any(${ids(filter.userIds)})`,
  ];
  if (!filter.organizationOnly) {
    parts.push(throughGroups(workspaceRoles, 'workspace', sql`${workspaceRoles.workspaceId}`, filter, inWorkspace(workspaceRoles)));
    parts.push(throughGroups(projectGrants, 'project', sql`${projectGrants.projectId}`, filter, sql`${inWorkspace(projectGrants)}${onProject}`));
  }
  const { rows } = (await db.execute(sql.join(parts, sql` union all `))) as unknown as {
    rows: { user_id: string; role: AccessRole; level: ScopeLevel; scope_id: string; workspace_id: string | null; group_id: string | null; system: boolean }[];
  };
  return rows.map((r) => ({ userId: r.user_id, role: r.role, level: r.level, scopeId: r.scope_id, workspaceId: r.workspace_id, groupId: r.group_id, system: r.system }));
}

/** The slugs of the organization, and of the workspaces and projects that grants name, by id, in one statement. */
export async function slugsOf(db: Db, organizationId: string, workspaceIds: readonly string[], projectIds: readonly string[]): Promise<Map<string, string>> {
  const { rows } = (await db.execute(sql`
    select ${organizations.id} as id, ${organizations.slug} as slug from ${organizations} where ${organizations.id} = ${organizationId}
    union all
    select ${workspaces.id} as id, ${workspaces.slug} as slug from ${workspaces}
      where ${workspaces.organizationId} = ${organizationId} and ${workspaces.id} = any(${ids(workspaceIds)})
    union all
    select ${projects.id}, ${projects.slug} from ${projects}
      where ${projects.organizationId} = ${organizationId} and ${projects.id} = any(${ids(projectIds)})`)) as unknown as { rows: { id: string; slug: string }[] };
  return new Map(rows.map((r) => [r.id, r.slug]));
}
