/**
 * Searching a workspace's members and groups by name or email, for many
 * workspaces in one statement per kind (ranked per workspace, 20 each).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import { isAnyOf } from '../../db/paging.js';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { groups, users, workspaceRoles, type GroupRow, type WorkspaceRoleRow } from '../../db/schema.js';

/** At most this many users and this many groups per search. */
export const SEARCH_LIMIT = 20;

/** `%text%` for LIKE, with the pattern characters of `text` taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

interface Ranked<T extends PgTable> {
  table: T;
  /** The FROM clause: the table, joined to what the match reads. */
  from: SQL;
  workspace: PgColumn;
  organization: PgColumn;
  order: SQL;
  matches: SQL;
}

/** The first SEARCH_LIMIT matching rows of each workspace, in one statement for all of them. */
function topPerWorkspace<T extends PgTable>(db: Db, r: Ranked<T>, workspaceIds: readonly string[], tenants: readonly string[]) {
  return selectRows(
    db,
    r.table,
    sql`select * from (
      select ${r.table}.*, row_number() over (partition by ${r.workspace} order by ${r.order}) as orgraph_rank
      from ${r.from}
      where ${isAnyOf(r.workspace, workspaceIds)} and ${isAnyOf(r.organization, tenants)} and (${r.matches})
    ) ranked where orgraph_rank <= ${SEARCH_LIMIT} order by orgraph_rank`,
  );
}

/** Members (users with a workspace role of their own) whose name or email contains `query`: their workspace roles' rows. */
export function searchMembers(db: Db, workspaceIds: readonly string[], tenants: readonly string[], query: string): Promise<WorkspaceRoleRow[]> {
  const pattern = containing(query);
  return topPerWorkspace(
    db,
    {
      table: workspaceRoles,
      from: sql`${workspaceRoles} join ${users} on ${users.id} = ${workspaceRoles.userId}`,
      workspace: workspaceRoles.workspaceId,
      organization: workspaceRoles.organizationId,
      order: sql`${users.name}, ${users.id}`,
      matches: sql`${users.name} ilike ${pattern} or ${users.email} ilike ${pattern}`,
    },
    workspaceIds,
    tenants,
  );
}

/** Groups whose name or display name contains `query`, the everyone group first. */
export function searchGroups(db: Db, workspaceIds: readonly string[], tenants: readonly string[], query: string): Promise<GroupRow[]> {
  const pattern = containing(query);
  return topPerWorkspace(
    db,
    {
      table: groups,
      from: sql`${groups}`,
      workspace: groups.workspaceId,
      organization: groups.organizationId,
      order: sql`${groups.system} desc, ${groups.name}`,
      matches: sql`${groups.name} ilike ${pattern} or ${groups.description} ilike ${pattern}`,
    },
    workspaceIds,
    tenants,
  );
}
