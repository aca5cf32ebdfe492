import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Principal } from '../../identity/principal.js';
import { projectIsVisible } from '../../access/visibility.js';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import { builds, libraryVersions, projectGrants, projects, type ProjectGrantRow, type ProjectRole, type ProjectRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';
import type { Grantee } from '../workspaces/grantee.js';

export type ProjectKind = ProjectRow['kind'];

const projectList: ChildList<typeof projects> = { table: projects, parent: projects.workspaceId, order: [projects.createdAt, projects.id] };

/** The projects (or libraries) of the workspaces that the principal can see. */
export function visibleProjectsOfWorkspaces(db: Db, principal: Principal, workspaceIds: readonly string[], page: Page<SortKey>, kind: ProjectKind) {
  return pageChildren(db, projectList, workspaceIds, page, { visible: and(eq(projects.kind, kind), projectIsVisible(principal)) });
}

export async function projectsByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<ProjectRow[]> {
  return db
    .select()
    .from(projects)
    .where(and(inArray(projects.id, [...ids]), inArray(projects.organizationId, [...tenants])));
}

export async function visibleProjectsBySlug(
  db: Db,
  principal: Principal,
  keys: readonly { workspaceId: string; slug: string }[],
  kind: ProjectKind,
): Promise<ProjectRow[]> {
  const pairs = sql.join(keys.map((k) => sql`(${k.workspaceId}::uuid, ${k.slug})`), sql`, `);
  return db
    .select()
    .from(projects)
    .where(and(sql`(${projects.workspaceId}, ${projects.slug}) in (${pairs})`, eq(projects.kind, kind), projectIsVisible(principal)));
}

export async function grantsOfProjects(db: Db, projectIds: readonly string[], tenants: readonly string[]): Promise<ProjectGrantRow[]> {
  return db
    .select()
    .from(projectGrants)
    .where(and(inArray(projectGrants.projectId, [...projectIds]), inArray(projectGrants.organizationId, [...tenants])))
    .orderBy(projectGrants.createdAt, projectGrants.id);
}

export async function insertProject(tx: Tx, values: { organizationId: string; workspaceId: string; slug: string; name: string; kind: ProjectKind }) {
  const [row] = await tx.insert(projects).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function findProject(tx: Tx, { organizationId, id }: { organizationId: string; id: string }): Promise<ProjectRow | null> {
  const [row] = await tx
    .select()
    .from(projects)
    .where(and(eq(projects.id, id), eq(projects.organizationId, organizationId)));
  return row ?? null;
}

const grantOf = (project: ProjectRow, grantee: Grantee) =>
  and(
    eq(projectGrants.organizationId, project.organizationId),
    eq(projectGrants.projectId, project.id),
    grantee.userId !== null ? eq(projectGrants.userId, grantee.userId) : eq(projectGrants.groupId, grantee.groupId),
  );

export async function findGrant(tx: Tx, project: ProjectRow, grantee: Grantee): Promise<ProjectGrantRow | null> {
  const [row] = await tx.select().from(projectGrants).where(grantOf(project, grantee));
  return row ?? null;
}

/** Gives a user or group a project role, replacing the one it had. */
export async function putGrant(tx: Tx, project: ProjectRow, grantee: Grantee, role: ProjectRole): Promise<void> {
  const updated = await tx.update(projectGrants).set({ role }).where(grantOf(project, grantee)).returning({ id: projectGrants.id });
  if (updated.length === 0) {
    await tx.insert(projectGrants).values({ organizationId: project.organizationId, workspaceId: project.workspaceId, projectId: project.id, ...grantee, role });
  }
}

export async function deleteGrant(tx: Tx, project: ProjectRow, grantee: Grantee): Promise<boolean> {
  const rows = await tx.delete(projectGrants).where(grantOf(project, grantee)).returning({ id: projectGrants.id });
  return rows.length > 0;
}

/** The grant of the project's one owner, which the database keeps (a deferred trigger refuses a commit without it). */
export async function projectOwnerGrant(tx: Tx, project: ProjectRow): Promise<ProjectGrantRow & { userId: string }> {
  const rows = await tx
    .select()
    .from(projectGrants)
    .where(and(eq(projectGrants.organizationId, project.organizationId), eq(projectGrants.projectId, project.id), eq(projectGrants.role, 'PROJECT_OWNER')));
  // Ownership is given to users only (grantProjectAccess refuses PROJECT_OWNER): the owner grant names its user.
  return theRow(rows, 'projectOwnerGrant') as ProjectGrantRow & { userId: string };
}

export async function setActiveBuild(tx: Tx, project: ProjectRow, buildId: string): Promise<ProjectRow> {
  const rows = await tx
    .update(projects)
    .set({ activeBuildId: buildId })
    .where(and(eq(projects.id, project.id), eq(projects.organizationId, project.organizationId)))
    .returning();
  return theRow(rows, 'setActiveBuild');
}

/**
 * Deletes a project (or library): its grants, resources, builds, instances,
 * schedules and versions go with it (foreign keys cascade); audit events
 * have no foreign key to it and stay.
 */
export async function deleteProjectRow(tx: Tx, project: ProjectRow): Promise<void> {
  await tx.delete(projects).where(and(eq(projects.id, project.id), eq(projects.organizationId, project.organizationId)));
}

/** Builds of other projects made from one of this library's versions (which deleting it would orphan). */
export async function buildsFromLibrary(tx: Tx, library: ProjectRow): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(builds)
    .innerJoin(libraryVersions, eq(libraryVersions.id, builds.libraryVersionId))
    .where(and(eq(libraryVersions.projectId, library.id), eq(libraryVersions.organizationId, library.organizationId), eq(builds.organizationId, library.organizationId)));
  return row?.n ?? 0;
}
