/**
 * Who has any access in an organization or a workspace, a page at a time in
 * SQL: the principals' keys and when they were last seen. Their grants are
 * read for the whole page at once (grant-queries.ts), so a review costs the
 * same statements for ten principals or a thousand.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { groupMembers, machineClients, organizationMembers, projectGrants, users, workspaceRoles } from '../../db/schema.js';
import { ORGANIZATION_ADMIN } from '../../access/roles.js';
import type { Page, SortKey } from '../../lib/connection.js';

export interface ReviewedPrincipal {
  kind: 'machine' | 'user';
  id: string;
  organizationId: string;
  lastSeenAt: Date | null;
}

/** The list's order: machine clients, then users, each by id. */
export const reviewKeyOf = (p: ReviewedPrincipal): SortKey => [p.kind, p.id];
export const isReviewKey = (value: unknown): value is SortKey =>
  Array.isArray(value) && value.length === 2 && (value[0] === 'machine' || value[0] === 'user') && typeof value[1] === 'string' && /^[0-9a-f-]{36}$/.test(value[1]);

async function pageOf(db: Db, organizationId: string, principals: SQL, page: Page<SortKey>): Promise<ReviewedPrincipal[]> {
  const after = page.after ? sql`where (kind, id) > (${page.after[0]}, ${page.after[1]}::uuid)` : sql``;
  const { rows } = (await db.execute(
    sql`select kind, id, last_seen_at from (${principals}) p ${after} order by kind, id limit ${page.limit}`,
  )) as unknown as { rows: { kind: 'machine' | 'user'; id: string; last_seen_at: string | Date | null }[] };
  return rows.map((r) => ({ kind: r.kind, id: r.id, organizationId, lastSeenAt: r.last_seen_at === null ? null : new Date(r.last_seen_at) }));
}

/** The organization's members and its active machine clients. */
export function organizationPrincipals(db: Db, organizationId: string, page: Page<SortKey>): Promise<ReviewedPrincipal[]> {
  return pageOf(
    db,
    organizationId,
    sql`select 'user' as kind, ${users.id} as id, ${users.lastSeenAt} as last_seen_at
          from ${organizationMembers} join ${users} on ${users.id} = ${organizationMembers.userId}
          where ${organizationMembers.organizationId} = ${organizationId}
        union all
        select 'machine', ${machineClients.id}, ${machineClients.lastSeenAt}
          from ${machineClients} where ${machineClients.organizationId} = ${organizationId} and ${machineClients.revokedAt} is null`,
    page,
  );
}

/**
 * Users with a role in the workspace or one of its projects, given to them or
 * to a group they are in, and the organization's owners; members of the
 * organization only, as no role counts without membership.
 */
export function workspacePrincipals(db: Db, organizationId: string, workspaceId: string, page: Page<SortKey>): Promise<ReviewedPrincipal[]> {
  const holders = (table: typeof workspaceRoles | typeof projectGrants) => sql`
    select ${table.userId} as user_id from ${table}
      where ${table.organizationId} = ${organizationId} and ${table.workspaceId} = ${workspaceId} and ${table.userId} is not null
    union
    select ${groupMembers.userId} from ${table} join ${groupMembers} on ${groupMembers.groupId} = ${table.groupId}
      where ${table.organizationId} = ${organizationId} and ${table.workspaceId} = ${workspaceId} and ${groupMembers.organizationId} = ${organizationId}`;
  return pageOf(
    db,
    organizationId,
    sql`select 'user' as kind, ${users.id} as id, ${users.lastSeenAt} as last_seen_at from ${users} where ${users.id} in (
          ${holders(workspaceRoles)} union ${holders(projectGrants)}
          union
          select ${organizationMembers.userId} from ${organizationMembers}
            where ${organizationMembers.organizationId} = ${organizationId} and ${organizationMembers.role} = ${ORGANIZATION_ADMIN}
        ) and ${users.id} in (select ${organizationMembers.userId} from ${organizationMembers} where ${organizationMembers.organizationId} = ${organizationId})`,
    page,
  );
}
