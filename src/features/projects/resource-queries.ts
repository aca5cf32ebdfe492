import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import {
  builds,
  libraryVersions,
  processInstances,
  processOperations,
  projectResources,
  type BuildRow,
  type ProcessInstanceRow,
  type ProcessOperationRow,
  type ProjectResourceRow,
} from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';

export type { ResourceKind } from './configuration.js';
import type { ResourceKind } from './configuration.js';

/** A project, named by its organization and id: what every project-level finder is given. */
export interface InProject {
  organizationId: string;
  id: string;
}

/** Every resource of every kind of the projects, in name order: one statement whichever lists a query asks for. */
export async function resourcesOfProjects(db: Db | Tx, projectIds: readonly string[], tenants: readonly string[]): Promise<ProjectResourceRow[]> {
  return db
    .select()
    .from(projectResources)
    .where(and(inArray(projectResources.projectId, [...projectIds]), inArray(projectResources.organizationId, [...tenants])))
    .orderBy(projectResources.name);
}

export async function upsertProjectResource(
  tx: Tx,
  values: { organizationId: string; workspaceId: string; projectId: string; kind: ResourceKind; name: string; body: Record<string, unknown> },
): Promise<ProjectResourceRow> {
  const rows = await tx
    .insert(projectResources)
    .values(values)
    .onConflictDoUpdate({
      target: [projectResources.projectId, projectResources.kind, projectResources.name],
      set: { body: values.body, updatedAt: sql`now()` },
    })
    .returning();
  return theRow(rows, 'upsertProjectResource');
}

/** One resource of a project, by kind and name, in its tenant. */
const resourceNamed = (project: InProject, kind: ResourceKind, name: string) =>
  and(eq(projectResources.organizationId, project.organizationId), eq(projectResources.projectId, project.id), eq(projectResources.kind, kind), eq(projectResources.name, name));

export async function deleteProjectResource(tx: Tx, project: InProject, kind: ResourceKind, name: string): Promise<boolean> {
  const rows = await tx
    .delete(projectResources)
    .where(
      resourceNamed(project, kind, name),
    )
    .returning({ id: projectResources.id });
  return rows.length > 0;
}

export async function findProjectResource(tx: Tx, project: InProject, kind: ResourceKind, name: string): Promise<ProjectResourceRow | null> {
  const [row] = await tx
    .select()
    .from(projectResources)
    .where(
      resourceNamed(project, kind, name),
    );
  return row ?? null;
}

export async function buildsOfProjects(db: Db, projectIds: readonly string[], tenants: readonly string[]): Promise<BuildRow[]> {
  return db
    .select()
    .from(builds)
    .where(and(inArray(builds.projectId, [...projectIds]), inArray(builds.organizationId, [...tenants])))
    .orderBy(builds.createdAt, builds.id);
}

export async function buildsByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<BuildRow[]> {
  return db
    .select()
    .from(builds)
    .where(and(inArray(builds.id, [...ids]), inArray(builds.organizationId, [...tenants])));
}

export async function findBuild(tx: Tx, project: InProject, id: string): Promise<BuildRow | null> {
  const [row] = await tx
    .select()
    .from(builds)
    .where(and(eq(builds.id, id), eq(builds.organizationId, project.organizationId), eq(builds.projectId, project.id)));
  return row ?? null;
}

export async function insertBuild(tx: Tx, values: typeof builds.$inferInsert): Promise<BuildRow | null> {
  const [row] = await tx.insert(builds).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

/** Pages of process instances of projects, or of whole workspaces (operations and runtime editors see them all). */
export function instancesOf(parent: 'projectId' | 'workspaceId') {
  const list: ChildList<typeof processInstances> = {
    table: processInstances,
    parent: processInstances[parent],
    order: [processInstances.createdAt, processInstances.id],
    tenant: processInstances.organizationId,
  };
  return (db: Db, parentIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) => pageChildren(db, list, parentIds, page, { tenants });
}

export async function findProcessInstance(tx: Tx, { organizationId, id }: { organizationId: string; id: string }): Promise<ProcessInstanceRow | null> {
  const [row] = await tx
    .select()
    .from(processInstances)
    .where(and(eq(processInstances.id, id), eq(processInstances.organizationId, organizationId)));
  return row ?? null;
}

export async function insertProcessInstance(tx: Tx, values: typeof processInstances.$inferInsert): Promise<ProcessInstanceRow> {
  return theRow(await tx.insert(processInstances).values(values).returning(), 'insertProcessInstance');
}

/** Sets one variable of an instance read under its organization's lock. */
export async function setInstanceVariable(tx: Tx, instance: ProcessInstanceRow, name: string, value: unknown): Promise<ProcessInstanceRow> {
  const rows = await tx
    .update(processInstances)
    .set({ variables: sql`${processInstances.variables} || jsonb_build_object(${name}::text, ${JSON.stringify(value)}::jsonb)` })
    .where(and(eq(processInstances.id, instance.id), eq(processInstances.organizationId, instance.organizationId)))
    .returning();
  return theRow(rows, 'setInstanceVariable');
}

export async function operationsOfInstances(db: Db, instanceIds: readonly string[], tenants: readonly string[]): Promise<ProcessOperationRow[]> {
  return db
    .select()
    .from(processOperations)
    .where(and(inArray(processOperations.processInstanceId, [...instanceIds]), inArray(processOperations.organizationId, [...tenants])))
    .orderBy(processOperations.createdAt, processOperations.id);
}

export async function insertOperation(tx: Tx, values: typeof processOperations.$inferInsert): Promise<ProcessOperationRow> {
  return theRow(await tx.insert(processOperations).values(values).returning(), 'insertOperation');
}

/** A published version of a library in the project's workspace. */
export async function findLibraryVersionInWorkspace(tx: Tx, project: { organizationId: string; workspaceId: string }, id: string) {
  const [row] = await tx
    .select()
    .from(libraryVersions)
    .where(and(eq(libraryVersions.id, id), eq(libraryVersions.organizationId, project.organizationId), eq(libraryVersions.workspaceId, project.workspaceId)));
  return row ?? null;
}
