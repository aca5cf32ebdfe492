import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import { groupMembers, groups, type GroupRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';
import type { InWorkspace } from './workspace-queries.js';

const groupList: ChildList<typeof groups> = { table: groups, parent: groups.workspaceId, order: [groups.createdAt, groups.id] };
const groupMemberList: ChildList<typeof groupMembers> = {
  table: groupMembers,
  parent: groupMembers.groupId,
  order: [groupMembers.createdAt, groupMembers.userId],
  tenant: groupMembers.organizationId,
};

export function groupsOfWorkspaces(db: Db, workspaceIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, groupList, workspaceIds, page);
}

export function membersOfGroups(db: Db, groupIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) {
  return pageChildren(db, groupMemberList, groupIds, page, { tenants });
}

export async function groupsByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<GroupRow[]> {
  return db
    .select()
    .from(groups)
    .where(and(inArray(groups.id, [...ids]), inArray(groups.organizationId, [...tenants])));
}

export async function findGroup(tx: Tx, { organizationId, id }: { organizationId: string; id: string }): Promise<GroupRow | null> {
  const [row] = await tx
    .select()
    .from(groups)
    .where(and(eq(groups.id, id), eq(groups.organizationId, organizationId)));
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

export async function deleteGroupMember(tx: Tx, group: GroupRow, userId: string): Promise<boolean> {
  const rows = await tx
    .delete(groupMembers)
    .where(and(eq(groupMembers.groupId, group.id), eq(groupMembers.organizationId, group.organizationId), eq(groupMembers.userId, userId)))
    .returning({ userId: groupMembers.userId });
  return rows.length > 0;
}

export async function deleteGroup(tx: Tx, group: GroupRow): Promise<void> {
  await tx.delete(groups).where(and(eq(groups.id, group.id), eq(groups.organizationId, group.organizationId)));
}

/** The workspace's "Everyone from <name>" group, which the database creates with the workspace and never lets go. */
export async function everyoneGroupOf(tx: Tx, ws: InWorkspace): Promise<GroupRow> {
  const rows = await tx
    .select()
    .from(groups)
    .where(and(eq(groups.organizationId, ws.organizationId), eq(groups.workspaceId, ws.workspaceId), eq(groups.system, true)));
  return theRow(rows, 'everyoneGroupOf');
}

/** Adds many users to a group in one statement; returns how many were not in it yet. */
export async function insertGroupMembers(tx: Tx, group: GroupRow, userIds: readonly string[]): Promise<number> {
  const rows = await tx
    .insert(groupMembers)
    .values(userIds.map((userId) => ({ groupId: group.id, userId, organizationId: group.organizationId, workspaceId: group.workspaceId })))
    .onConflictDoNothing()
    .returning({ userId: groupMembers.userId });
  return rows.length;
}
