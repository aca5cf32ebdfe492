import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Principal } from '../../identity/principal.js';
import { workspaceIsVisible } from '../../access/visibility.js';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
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
import type { Page, SortKey } from '../../lib/connection.js';

const workspaceList: ChildList<typeof workspaces> = { table: workspaces, parent: workspaces.organizationId, order: [workspaces.createdAt, workspaces.id] };

export function visibleWorkspacesOfOrganizations(db: Db, principal: Principal, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, workspaceList, organizationIds, page, { visible: workspaceIsVisible(principal) });
}

export async function workspacesByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<WorkspaceRow[]> {
  return db
    .select()
    .from(workspaces)
    .where(and(inArray(workspaces.id, [...ids]), inArray(workspaces.organizationId, [...tenants])));
}

/** A workspace, named by its organization and id: what every workspace-level finder is given. */
export interface InWorkspace {
  organizationId: string;
  workspaceId: string;
}

/** Who a workspace or project role is given to: one user or one group of the workspace, exactly one. */
export type Grantee = { userId: string; groupId: null } | { userId: null; groupId: string };

const workspaceRoleIn = (ws: InWorkspace) => and(eq(workspaceRoles.organizationId, ws.organizationId), eq(workspaceRoles.workspaceId, ws.workspaceId));

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

/** A workspace role given to a user (not a group): a workspace member. */
export type WorkspaceMemberRow = WorkspaceRoleRow & { userId: string };

/** Workspace members: users with a workspace role of their own. */
const workspaceMemberList: ChildList<typeof workspaceRoles> = {
  table: workspaceRoles,
  parent: workspaceRoles.workspaceId,
  order: [workspaceRoles.createdAt, workspaceRoles.id],
  // Users' roles only: every row has its user.
  where: isNotNull(workspaceRoles.userId),
};

export async function membersOfWorkspaces(db: Db, workspaceIds: readonly string[], page: Page<SortKey>): Promise<Map<string, WorkspaceMemberRow[]>> {
  return (await pageChildren(db, workspaceMemberList, workspaceIds, page)) as Map<string, WorkspaceMemberRow[]>;
}

/** A workspace role given to a group. */
export type GroupRoleRow = WorkspaceRoleRow & { groupId: string };

/** The workspace role of each group (at most one), kept inside the given tenants. */
export async function roleRowsOfGroups(db: Db, groupIds: readonly string[], tenants: readonly string[]): Promise<GroupRoleRow[]> {
  const rows = await db
    .select()
    .from(workspaceRoles)
    .where(and(inArray(workspaceRoles.groupId, [...groupIds]), inArray(workspaceRoles.organizationId, [...tenants])));
  return rows as GroupRoleRow[]; // the WHERE names groups: every row has its group
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
export async function setWorkspaceRole(tx: Tx, ws: InWorkspace, grantee: Grantee, role: WorkspaceRole): Promise<void> {
  const whose = grantee.userId !== null ? eq(workspaceRoles.userId, grantee.userId) : eq(workspaceRoles.groupId, grantee.groupId);
  const updated = await tx
    .update(workspaceRoles)
    .set({ role })
    .where(and(workspaceRoleIn(ws), whose))
    .returning({ id: workspaceRoles.id });
  if (updated.length === 0) await tx.insert(workspaceRoles).values({ ...ws, ...grantee, role });
}

export async function isWorkspaceMember(tx: Tx, ws: InWorkspace, userId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: workspaceRoles.id })
    .from(workspaceRoles)
    .where(and(workspaceRoleIn(ws), eq(workspaceRoles.userId, userId)));
  return row !== undefined;
}

/** Which of these users are members of the workspace: one statement for all of them. */
export async function workspaceMembersAmong(tx: Tx, ws: InWorkspace, userIds: readonly string[]): Promise<Set<string>> {
  const rows = await tx
    .select({ userId: workspaceRoles.userId })
    .from(workspaceRoles)
    .where(and(workspaceRoleIn(ws), inArray(workspaceRoles.userId, [...userIds])));
  return new Set(rows.map((r) => r.userId!));
}

/**
 * Removes a user from a workspace: the database trigger takes them out of its
 * groups; their grants on its projects go too (ownership must be transferred first).
 */
export async function removeWorkspaceMember(tx: Tx, ws: InWorkspace, userId: string): Promise<boolean> {
  await tx
    .delete(projectGrants)
    .where(
      and(
        eq(projectGrants.organizationId, ws.organizationId),
        eq(projectGrants.workspaceId, ws.workspaceId),
        eq(projectGrants.userId, userId),
        sql`${projectGrants.role} <> 'PROJECT_OWNER'`,
      ),
    );
  const removed = await tx
    .delete(workspaceRoles)
    .where(and(workspaceRoleIn(ws), eq(workspaceRoles.userId, userId)))
    .returning({ id: workspaceRoles.id });
  return removed.length > 0;
}

/** Projects that this user owns in an organization, or in one of its workspaces. */
export async function ownedProjectCount(tx: Tx, userId: string, scope: { organizationId: string; workspaceId?: string }): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(projectGrants)
    .where(
      and(
        eq(projectGrants.userId, userId),
        eq(projectGrants.role, 'PROJECT_OWNER'),
        eq(projectGrants.organizationId, scope.organizationId),
        scope.workspaceId === undefined ? undefined : eq(projectGrants.workspaceId, scope.workspaceId),
      ),
    );
  return row?.n ?? 0;
}

export async function upsertWorkspaceResource(
  tx: Tx,
  values: { organizationId: string; workspaceId: string; kind: WorkspaceResourceRow['kind']; name: string; body: Record<string, unknown> },
): Promise<WorkspaceResourceRow> {
  const rows = await tx
    .insert(workspaceResources)
    .values(values)
    .onConflictDoUpdate({
      target: [workspaceResources.workspaceId, workspaceResources.kind, workspaceResources.name],
      // Merged, not replaced: a theme saved again keeps its sections (saveThemeSection).
      set: { body: sql`${workspaceResources.body} || excluded.body`, updatedAt: sql`now()` },
    })
    .returning();
  return theRow(rows, 'upsertWorkspaceResource');
}

export async function findWorkspace(tx: Tx, { organizationId, id }: { organizationId: string; id: string }): Promise<WorkspaceRow | null> {
  const [row] = await tx
    .select()
    .from(workspaces)
    .where(and(eq(workspaces.id, id), eq(workspaces.organizationId, organizationId)));
  return row ?? null;
}

/** Takes a user out of every workspace of an organization (and so out of its groups and project grants). */
export async function removeFromAllWorkspaces(tx: Tx, organizationId: string, userId: string): Promise<void> {
  await tx.delete(projectGrants).where(and(eq(projectGrants.organizationId, organizationId), eq(projectGrants.userId, userId)));
  await tx.delete(workspaceRoles).where(and(eq(workspaceRoles.organizationId, organizationId), eq(workspaceRoles.userId, userId)));
}

const resourceNamed = (ws: InWorkspace, kind: WorkspaceResourceRow['kind'], name: string) =>
  and(
    eq(workspaceResources.organizationId, ws.organizationId),
    eq(workspaceResources.workspaceId, ws.workspaceId),
    eq(workspaceResources.kind, kind),
    eq(workspaceResources.name, name),
  );

export async function findWorkspaceResource(tx: Tx, ws: InWorkspace, kind: WorkspaceResourceRow['kind'], name: string): Promise<WorkspaceResourceRow | null> {
  const [row] = await tx.select().from(workspaceResources).where(resourceNamed(ws, kind, name));
  return row ?? null;
}

/** Sets one section of a theme; null when the workspace has no theme of that name. */
export async function putThemeSection(tx: Tx, ws: InWorkspace, themeName: string, section: string, tokens: Record<string, unknown>) {
  const sections = sql`coalesce(${workspaceResources.body}->'sections', '{}'::jsonb) || jsonb_build_object(${section}::text, ${JSON.stringify(tokens)}::jsonb)`;
  const [row] = await tx
    .update(workspaceResources)
    .set({ body: sql`jsonb_set(${workspaceResources.body}, '{sections}', ${sections})`, updatedAt: sql`now()` })
    .where(resourceNamed(ws, 'THEME', themeName))
    .returning();
  return row ?? null;
}

export async function updateWorkspaceRow(tx: Tx, ws: WorkspaceRow, values: Partial<Pick<WorkspaceRow, 'name' | 'settings' | 'defaultThemeId'>>): Promise<WorkspaceRow> {
  const rows = await tx
    .update(workspaces)
    .set(values)
    .where(and(eq(workspaces.id, ws.id), eq(workspaces.organizationId, ws.organizationId)))
    .returning();
  return theRow(rows, 'updateWorkspaceRow');
}

export async function workspaceResourcesByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<WorkspaceResourceRow[]> {
  return db
    .select()
    .from(workspaceResources)
    .where(and(inArray(workspaceResources.id, [...ids]), inArray(workspaceResources.organizationId, [...tenants])));
}

export async function deleteWorkspaceResource(tx: Tx, ws: InWorkspace, kind: WorkspaceResourceRow['kind'], name: string): Promise<boolean> {
  const rows = await tx.delete(workspaceResources).where(resourceNamed(ws, kind, name)).returning({ id: workspaceResources.id });
  return rows.length > 0;
}
