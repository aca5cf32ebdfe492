import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import { projectIsVisible } from '../../auth/visibility.js';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren } from '../../db/paging.js';
import { projectGrants, projects, type ProjectGrantRow, type ProjectRole, type ProjectRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../graphql/connection.js';

export function visibleProjectsOfWorkspaces(db: Db, principal: Principal, workspaceIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(
    db,
    { table: projects, parent: projects.workspaceId, order: [projects.createdAt, projects.id], where: projectIsVisible(principal) },
    workspaceIds,
    page,
  );
}

export async function projectsByIds(db: Db, ids: readonly string[]): Promise<ProjectRow[]> {
  return db.select().from(projects).where(inArray(projects.id, [...ids]));
}

export async function visibleProjectsBySlug(
  db: Db,
  principal: Principal,
  keys: readonly { workspaceId: string; slug: string }[],
): Promise<ProjectRow[]> {
  const pairs = sql.join(keys.map((k) => sql`(${k.workspaceId}::uuid, ${k.slug})`), sql`, `);
  return db
    .select()
    .from(projects)
    .where(and(sql`(${projects.workspaceId}, ${projects.slug}) in (${pairs})`, projectIsVisible(principal)));
}

export async function grantsOfProjects(db: Db, projectIds: readonly string[], tenants: readonly string[]): Promise<ProjectGrantRow[]> {
  return db
    .select()
    .from(projectGrants)
    .where(and(inArray(projectGrants.projectId, [...projectIds]), inArray(projectGrants.organizationId, [...tenants])))
    .orderBy(projectGrants.createdAt, projectGrants.id);
}

export async function insertProject(tx: Tx, values: { organizationId: string; workspaceId: string; slug: string; name: string }) {
  const [row] = await tx.insert(projects).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function findProject(tx: Tx, id: string): Promise<ProjectRow | null> {
  const [row] = await tx.select().from(projects).where(eq(projects.id, id));
  return row ?? null;
}

type Grantee = { userId: string; groupId?: null } | { groupId: string; userId?: null };

const granteeIs = (g: Grantee) => (g.userId ? eq(projectGrants.userId, g.userId) : eq(projectGrants.groupId, g.groupId!));

export async function findGrant(tx: Tx, projectId: string, grantee: Grantee): Promise<ProjectGrantRow | null> {
  const [row] = await tx.select().from(projectGrants).where(and(eq(projectGrants.projectId, projectId), granteeIs(grantee)));
  return row ?? null;
}

/** Gives a user or group a project role, replacing the one it had. */
export async function putGrant(tx: Tx, project: ProjectRow, grantee: Grantee, role: ProjectRole): Promise<void> {
  const updated = await tx
    .update(projectGrants)
    .set({ role })
    .where(and(eq(projectGrants.projectId, project.id), granteeIs(grantee)))
    .returning({ id: projectGrants.id });
  if (updated.length === 0) {
    await tx.insert(projectGrants).values({
      organizationId: project.organizationId,
      workspaceId: project.workspaceId,
      projectId: project.id,
      userId: grantee.userId ?? null,
      groupId: grantee.groupId ?? null,
      role,
    });
  }
}

export async function deleteGrant(tx: Tx, projectId: string, grantee: Grantee): Promise<boolean> {
  const rows = await tx
    .delete(projectGrants)
    .where(and(eq(projectGrants.projectId, projectId), granteeIs(grantee)))
    .returning({ id: projectGrants.id });
  return rows.length > 0;
}

export async function projectOwnerGrant(tx: Tx, projectId: string): Promise<ProjectGrantRow> {
  const [row] = await tx
    .select()
    .from(projectGrants)
    .where(and(eq(projectGrants.projectId, projectId), eq(projectGrants.role, 'PROJECT_OWNER')));
  return row!;
}

export async function setActiveBuild(tx: Tx, projectId: string, buildId: string): Promise<ProjectRow> {
  const [row] = await tx.update(projects).set({ activeBuildId: buildId }).where(eq(projects.id, projectId)).returning();
  return row!;
}
