import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import { machineClients, type MachineClientRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';

const machineClientList: ChildList<typeof machineClients> = { table: machineClients, parent: machineClients.organizationId, order: [machineClients.createdAt, machineClients.id] };

export function machineClientsOfOrganizations(db: Db, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, machineClientList, organizationIds, page);
}

export async function machineClientsByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<MachineClientRow[]> {
  return db
    .select()
    .from(machineClients)
    .where(and(inArray(machineClients.id, [...ids]), inArray(machineClients.organizationId, [...tenants])));
}

export async function insertMachineClient(
  tx: Tx,
  values: Pick<MachineClientRow, 'organizationId' | 'clientId' | 'name' | 'role'>,
): Promise<MachineClientRow | null> {
  const [row] = await tx.insert(machineClients).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function findMachineClient(tx: Tx, organizationId: string, clientId: string): Promise<MachineClientRow | null> {
  const [row] = await tx
    .select()
    .from(machineClients)
    .where(and(eq(machineClients.organizationId, organizationId), eq(machineClients.clientId, clientId)));
  return row ?? null;
}

/** Revokes a client read under its organization's lock. */
export async function revokeMachineClient(tx: Tx, client: MachineClientRow): Promise<MachineClientRow> {
  const rows = await tx
    .update(machineClients)
    .set({ revokedAt: new Date() })
    .where(and(eq(machineClients.id, client.id), eq(machineClients.organizationId, client.organizationId)))
    .returning();
  return theRow(rows, 'revokeMachineClient');
}
