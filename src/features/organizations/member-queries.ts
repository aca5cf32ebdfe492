import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import { organizationMembers, type OrganizationMemberRow, type OrganizationRole } from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';

const memberList: ChildList<typeof organizationMembers> = {
  table: organizationMembers,
  parent: organizationMembers.organizationId,
  order: [organizationMembers.createdAt, organizationMembers.userId],
};

export function membersOfOrganizations(db: Db, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, memberList, organizationIds, page);
}

export async function findMember(tx: Tx, organizationId: string, userId: string): Promise<OrganizationMemberRow | null> {
  const [row] = await tx
    .select()
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)));
  return row ?? null;
}

export async function insertMember(
  tx: Tx,
  values: { organizationId: string; userId: string; role: OrganizationRole },
): Promise<OrganizationMemberRow | null> {
  const [row] = await tx.insert(organizationMembers).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

/** Changes the role of a member read under the organization's lock. */
export async function setMemberRole(tx: Tx, member: OrganizationMemberRow, role: OrganizationRole): Promise<OrganizationMemberRow> {
  const rows = await tx
    .update(organizationMembers)
    .set({ role })
    .where(and(eq(organizationMembers.organizationId, member.organizationId), eq(organizationMembers.userId, member.userId)))
    .returning();
  return theRow(rows, 'setMemberRole');
}

export async function deleteMember(tx: Tx, organizationId: string, userId: string): Promise<boolean> {
  const rows = await tx
    .delete(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.userId, userId)))
    .returning({ userId: organizationMembers.userId });
  return rows.length > 0;
}

export async function countOwners(tx: Tx, organizationId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(organizationMembers)
    .where(and(eq(organizationMembers.organizationId, organizationId), eq(organizationMembers.role, 'OWNER')));
  return row?.n ?? 0;
}
