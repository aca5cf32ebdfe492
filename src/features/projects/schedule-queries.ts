import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { theRow } from '../../db/rows.js';
import { scheduledProcesses, type ScheduledProcessRow } from '../../db/schema.js';

export async function scheduledProcessesOfProjects(db: Db, projectIds: readonly string[], tenants: readonly string[]): Promise<ScheduledProcessRow[]> {
  return db
    .select()
    .from(scheduledProcesses)
    .where(and(inArray(scheduledProcesses.projectId, [...projectIds]), inArray(scheduledProcesses.organizationId, [...tenants])))
    .orderBy(scheduledProcesses.name);
}

export async function findScheduledProcess(tx: Tx, { organizationId, id }: { organizationId: string; id: string }): Promise<ScheduledProcessRow | null> {
  const [row] = await tx
    .select()
    .from(scheduledProcesses)
    .where(and(eq(scheduledProcesses.id, id), eq(scheduledProcesses.organizationId, organizationId)));
  return row ?? null;
}

/** Creates a schedule (inactive) or changes the process and schedule of the one with this name. */
export async function upsertScheduledProcess(tx: Tx, values: typeof scheduledProcesses.$inferInsert): Promise<ScheduledProcessRow> {
  const rows = await tx
    .insert(scheduledProcesses)
    .values(values)
    .onConflictDoUpdate({
      target: [scheduledProcesses.projectId, scheduledProcesses.name],
      set: { processName: values.processName, schedule: values.schedule, updatedAt: sql`now()` },
    })
    .returning();
  return theRow(rows, 'upsertScheduledProcess');
}

const theOne = (row: ScheduledProcessRow) => and(eq(scheduledProcesses.id, row.id), eq(scheduledProcesses.organizationId, row.organizationId));

export async function setScheduledProcessActive(tx: Tx, row: ScheduledProcessRow, active: boolean): Promise<ScheduledProcessRow> {
  return theRow(await tx.update(scheduledProcesses).set({ active, updatedAt: sql`now()` }).where(theOne(row)).returning(), 'setScheduledProcessActive');
}

export async function deleteScheduledProcess(tx: Tx, row: ScheduledProcessRow): Promise<void> {
  await tx.delete(scheduledProcesses).where(theOne(row));
}
