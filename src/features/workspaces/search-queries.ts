/**
 * Searching a workspace's members and groups by name or email, for many
 * workspaces in one statement per kind (ranked per workspace, 20 each).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { groups, users, workspaceRoles, type GroupRow, type WorkspaceRoleRow } from '../../db/schema.js';

/** At most this many users and this many groups per search. */
export const SEARCH_LIMIT = 20;

/** `%text%` for LIKE, with the pattern characters of `text` taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** Members (users with a workspace role of their own) whose name or email contains `query`: their workspace roles' rows. */
export async function searchMembers(db: Db, workspaceIds: readonly string[], tenants: readonly string[], query: string): Promise<WorkspaceRoleRow[]> {
  const pattern = containing(query);
  return selectRows(
    db,
    workspaceRoles,
    sql`select * from (
      select ${workspaceRoles}.*, row_number() over (partition by ${workspaceRoles.workspaceId} order by ${users.name}, ${users.id}) as orgraph_rank
      from ${workspaceRoles} join ${users} on ${users.id} = ${workspaceRoles.userId}
      where ${workspaceRoles.workspaceId} = any(${sql.param([...workspaceIds])}::uuid[])
        and ${workspaceRoles.organizationId} = any(${sql.param([...tenants])}::uuid[])
        and (${users.name} ilike ${pattern} or ${users.email} ilike ${pattern})
    ) ranked where orgraph_rank <= ${SEARCH_LIMIT} order by orgraph_rank`,
  );
}

export async function searchGroups(db: Db, workspaceIds: readonly string[], tenants: readonly string[], query: string): Promise<GroupRow[]> {
  const pattern = containing(query);
  return selectRows(
    db,
    groups,
    sql`select * from (
      select ${groups}.*, row_number() over (partition by ${groups.workspaceId} order by ${groups.system} desc, ${groups.name}) as orgraph_rank
      from ${groups}
      where ${groups.workspaceId} = any(${sql.param([...workspaceIds])}::uuid[])
        and ${groups.organizationId} = any(${sql.param([...tenants])}::uuid[])
        and (${groups.name} ilike ${pattern} or ${groups.description} ilike ${pattern})
    ) ranked where orgraph_rank <= ${SEARCH_LIMIT} order by orgraph_rank`,
  );
}
