import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import { workspaceIsVisible } from '../../auth/visibility.js';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren } from '../../db/paging.js';
import {
  projectGrants,
  workspaceResources,
  workspaceRoles,
  workspaces,
  type WorkspaceResourceRow,
  type WorkspaceRole,
  type WorkspaceRoleRow,
  type WorkspaceRow,
} from '../../db/schema.js';
import type { Page, SortKey } from '../../graphql/connection.js';

export function visibleWorkspacesOfOrganizations(db: Db, principal: Principal, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(
    db,
    { table: workspaces, parent: workspaces.organizationId, order: [workspaces.createdAt, workspaces.id], where: workspaceIsVisible(principal) },
    organizationIds,
    page,
  );
}

export async function workspacesByIds(db: Db, ids: readonly string[]): Promise<WorkspaceRow[]> {
  return db.select().from(workspaces).where(inArray(workspaces.id, [...ids]));
}

export async function visibleWorkspacesBySlug(
  db: Db,
  principal: Principal,
  keys: readonly { organizationId: string; slug: string }[],
): Promise<WorkspaceRow[]> {
  const pairs = sql.join(keys.map((k) => sql`(${k.organizationId}::uuid, ${k.slug})`), sql`, `);
  return db
    .select()
    .from(workspaces)
    .where(and(sql`(${workspaces.organizationId}, ${workspaces.slug}) in (${pairs})`, workspaceIsVisible(principal)));
}

/** Workspace members: users with a workspace role of their own. */
export function membersOfWorkspaces(db: Db, workspaceIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(
    db,
    { table: workspaceRoles, parent: workspaceRoles.workspaceId, order: [workspaceRoles.createdAt, workspaceRoles.id], where: isNotNull(workspaceRoles.userId) },
    workspaceIds,
    page,
  );
}

export async function roleRowsOfGroups(db: Db, groupIds: readonly string[]): Promise<WorkspaceRoleRow[]> {
  return db.select().from(workspaceRoles).where(inArray(workspaceRoles.groupId, [...groupIds]));
}

export async function resourcesOfWorkspaces(
  db: Db,
  workspaceIds: readonly string[],
  tenants: readonly string[],
  kind: WorkspaceResourceRow['kind'],
): Promise<WorkspaceResourceRow[]> {
  return db
    .select()
    .from(workspaceResources)
    .where(
      and(
        inArray(workspaceResources.workspaceId, [...workspaceIds]),
        inArray(workspaceResources.organizationId, [...tenants]),
        eq(workspaceResources.kind, kind),
      ),
    )
    .orderBy(workspaceResources.name);
}

export async function insertWorkspace(tx: Tx, values: { organizationId: string; slug: string; name: string }): Promise<WorkspaceRow | null> {
  const [row] = await tx.insert(workspaces).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

/** Gives a user or a group its (only) workspace role, replacing an earlier one. */
export async function setWorkspaceRole(
  tx: Tx,
  values: { organizationId: string; workspaceId: string; userId: string | null; groupId: string | null; role: WorkspaceRole },
): Promise<void> {
  const grantee = values.userId ? eq(workspaceRoles.userId, values.userId) : eq(workspaceRoles.groupId, values.groupId!);
  const updated = await tx
    .update(workspaceRoles)
    .set({ role: values.role })
    .where(and(eq(workspaceRoles.workspaceId, values.workspaceId), grantee))
    .returning({ id: workspaceRoles.id });
  if (updated.length === 0) await tx.insert(workspaceRoles).values(values);
}

export async function isWorkspaceMember(tx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: workspaceRoles.id })
    .from(workspaceRoles)
    .where(and(eq(workspaceRoles.workspaceId, workspaceId), eq(workspaceRoles.userId, userId)));
  return row !== undefined;
}

/**
 * Removes a user from a workspace: the database trigger takes them out of its
 * groups; their grants on its projects go too (ownership must be transferred first).
 */
export async function removeWorkspaceMember(tx: Tx, workspaceId: string, userId: string): Promise<boolean> {
  await tx.delete(projectGrants).where(and(eq(projectGrants.workspaceId, workspaceId), eq(projectGrants.userId, userId), sql`${projectGrants.role} <> 'PROJECT_OWNER'`));
  const removed = await tx
    .delete(workspaceRoles)
    .where(and(eq(workspaceRoles.workspaceId, workspaceId), eq(workspaceRoles.userId, userId)))
    .returning({ id: workspaceRoles.id });
  return removed.length > 0;
}

/** Projects of the scope (a workspace, or every workspace of an organization) that this user owns. */
export async function ownedProjectCount(tx: Tx, userId: string, scope: { workspaceId?: string; organizationId?: string }): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(projectGrants)
    .where(
      and(
        eq(projectGrants.userId, userId),
        eq(projectGrants.role, 'PROJECT_OWNER'),
        scope.workspaceId ? eq(projectGrants.workspaceId, scope.workspaceId) : eq(projectGrants.organizationId, scope.organizationId!),
      ),
    );
  return row?.n ?? 0;
}

export async function upsertWorkspaceResource(
  tx: Tx,
  values: { organizationId: string; workspaceId: string; kind: WorkspaceResourceRow['kind']; name: string; body: Record<string, unknown> },
): Promise<WorkspaceResourceRow> {
  const [row] = await tx
    .insert(workspaceResources)
    .values(values)
    .onConflictDoUpdate({
      target: [workspaceResources.workspaceId, workspaceResources.kind, workspaceResources.name],
      set: { body: values.body, updatedAt: sql`now()` },
    })
    .returning();
  return row!;
}

export async function findWorkspace(tx: Tx, id: string): Promise<WorkspaceRow> {
  const [row] = await tx.select().from(workspaces).where(eq(workspaces.id, id));
  // Callers pass the workspace their mutation's scope was resolved from, and workspaces are never deleted.
  return row!;
}

/** Takes a user out of every workspace of an organization (and so out of its groups and project grants). */
export async function removeFromAllWorkspaces(tx: Tx, organizationId: string, userId: string): Promise<void> {
  await tx.delete(projectGrants).where(and(eq(projectGrants.organizationId, organizationId), eq(projectGrants.userId, userId)));
  await tx.delete(workspaceRoles).where(and(eq(workspaceRoles.organizationId, organizationId), eq(workspaceRoles.userId, userId)));
}
