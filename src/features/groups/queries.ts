import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren } from '../../db/paging.js';
import { groupMembers, groups, type GroupRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../graphql/connection.js';

export function groupsOfWorkspaces(db: Db, workspaceIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, { table: groups, parent: groups.workspaceId, order: [groups.createdAt, groups.id] }, workspaceIds, page);
}

export function membersOfGroups(db: Db, groupIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) {
  return pageChildren(
    db,
    {
      table: groupMembers,
      parent: groupMembers.groupId,
      order: [groupMembers.createdAt, groupMembers.userId],
      where: inArray(groupMembers.organizationId, [...tenants]),
    },
    groupIds,
    page,
  );
}

export async function groupsByIds(db: Db, ids: readonly string[]): Promise<GroupRow[]> {
  return db.select().from(groups).where(inArray(groups.id, [...ids]));
}

export async function findGroup(tx: Tx, id: string): Promise<GroupRow | null> {
  const [row] = await tx.select().from(groups).where(eq(groups.id, id));
  return row ?? null;
}

export async function insertGroup(
  tx: Tx,
  values: { organizationId: string; workspaceId: string; name: string; description: string | null },
): Promise<GroupRow | null> {
  const [row] = await tx.insert(groups).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function insertGroupMember(tx: Tx, group: GroupRow, userId: string): Promise<boolean> {
  const rows = await tx
    .insert(groupMembers)
    .values({ groupId: group.id, userId, organizationId: group.organizationId, workspaceId: group.workspaceId })
    .onConflictDoNothing()
    .returning({ userId: groupMembers.userId });
  return rows.length > 0;
}

export async function deleteGroupMember(tx: Tx, groupId: string, userId: string): Promise<boolean> {
  const rows = await tx
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, groupId), eq(groupMembers.userId, userId)))
    .returning({ userId: groupMembers.userId });
  return rows.length > 0;
}

export async function deleteGroup(tx: Tx, id: string): Promise<void> {
  await tx.delete(groups).where(eq(groups.id, id));
}

/** The workspace's "Everyone from <name>" group, which the database creates with the workspace. */
export async function everyoneGroupOf(tx: Tx, workspaceId: string): Promise<GroupRow> {
  const [row] = await tx.select().from(groups).where(and(eq(groups.workspaceId, workspaceId), eq(groups.system, true)));
  return row!;
}
