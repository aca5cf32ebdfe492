import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren } from '../../db/paging.js';
import {
  builds,
  processInstances,
  processOperations,
  projectResources,
  type BuildRow,
  type ProcessInstanceRow,
  type ProcessOperationRow,
  type ProjectResourceRow,
} from '../../db/schema.js';
import type { Page, SortKey } from '../../graphql/connection.js';

export type ResourceKind = ProjectResourceRow['kind'];

export async function resourcesOfProjects(
  db: Db,
  projectIds: readonly string[],
  tenants: readonly string[],
  kind: ResourceKind,
): Promise<ProjectResourceRow[]> {
  return db
    .select()
    .from(projectResources)
    .where(and(inArray(projectResources.projectId, [...projectIds]), inArray(projectResources.organizationId, [...tenants]), eq(projectResources.kind, kind)))
    .orderBy(projectResources.name);
}

export async function upsertProjectResource(
  tx: Tx,
  values: { organizationId: string; workspaceId: string; projectId: string; kind: ResourceKind; name: string; body: Record<string, unknown> },
): Promise<ProjectResourceRow> {
  const [row] = await tx
    .insert(projectResources)
    .values(values)
    .onConflictDoUpdate({
      target: [projectResources.projectId, projectResources.kind, projectResources.name],
      set: { body: values.body, updatedAt: sql`now()` },
    })
    .returning();
  return row!;
}

export async function findProjectResource(tx: Tx, projectId: string, kind: ResourceKind, name: string): Promise<ProjectResourceRow | null> {
  const [row] = await tx
    .select()
    .from(projectResources)
    .where(and(eq(projectResources.projectId, projectId), eq(projectResources.kind, kind), eq(projectResources.name, name)));
  return row ?? null;
}

export async function buildsOfProjects(db: Db, projectIds: readonly string[], tenants: readonly string[]): Promise<BuildRow[]> {
  return db
    .select()
    .from(builds)
    .where(and(inArray(builds.projectId, [...projectIds]), inArray(builds.organizationId, [...tenants])))
    .orderBy(builds.createdAt, builds.id);
}

export async function buildsByIds(db: Db | Tx, ids: readonly string[]): Promise<BuildRow[]> {
  return db.select().from(builds).where(inArray(builds.id, [...ids]));
}

export async function insertBuild(tx: Tx, values: typeof builds.$inferInsert): Promise<BuildRow | null> {
  const [row] = await tx.insert(builds).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export function instancesOfProjects(db: Db, projectIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) {
  return pageChildren(
    db,
    {
      table: processInstances,
      parent: processInstances.projectId,
      order: [processInstances.createdAt, processInstances.id],
      where: inArray(processInstances.organizationId, [...tenants]),
    },
    projectIds,
    page,
  );
}

export async function processInstancesByIds(db: Db, ids: readonly string[]): Promise<ProcessInstanceRow[]> {
  return db.select().from(processInstances).where(inArray(processInstances.id, [...ids]));
}

export async function findProcessInstance(tx: Tx, id: string): Promise<ProcessInstanceRow | null> {
  const [row] = await tx.select().from(processInstances).where(eq(processInstances.id, id));
  return row ?? null;
}

export async function insertProcessInstance(tx: Tx, values: typeof processInstances.$inferInsert): Promise<ProcessInstanceRow> {
  const [row] = await tx.insert(processInstances).values(values).returning();
  return row!;
}

export async function setInstanceVariable(tx: Tx, id: string, name: string, value: unknown): Promise<ProcessInstanceRow> {
  const [row] = await tx
    .update(processInstances)
    .set({ variables: sql`${processInstances.variables} || jsonb_build_object(${name}::text, ${JSON.stringify(value)}::jsonb)` })
    .where(eq(processInstances.id, id))
    .returning();
  return row!;
}

export async function operationsOfInstances(db: Db, instanceIds: readonly string[], tenants: readonly string[]): Promise<ProcessOperationRow[]> {
  return db
    .select()
    .from(processOperations)
    .where(and(inArray(processOperations.processInstanceId, [...instanceIds]), inArray(processOperations.organizationId, [...tenants])))
    .orderBy(processOperations.createdAt, processOperations.id);
}

export async function insertOperation(tx: Tx, values: typeof processOperations.$inferInsert): Promise<ProcessOperationRow> {
  const [row] = await tx.insert(processOperations).values(values).returning();
  return row!;
}
