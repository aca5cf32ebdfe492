import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren } from '../../db/paging.js';
import { machineClients, organizations, type MachineClientRow, type OrganizationRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../graphql/connection.js';

/** The client a machine token names, with its organization; revoked clients are not returned. */
export async function activeMachineClient(
  db: Db,
  clientId: string,
): Promise<{ client: MachineClientRow; organization: OrganizationRow } | null> {
  const [row] = await db
    .select({ client: machineClients, organization: organizations })
    .from(machineClients)
    .innerJoin(organizations, eq(organizations.id, machineClients.organizationId))
    .where(eq(machineClients.clientId, clientId));
  return row && row.client.revokedAt === null ? row : null;
}

export function machineClientsOfOrganizations(db: Db, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(
    db,
    { table: machineClients, parent: machineClients.organizationId, order: [machineClients.createdAt, machineClients.id] },
    organizationIds,
    page,
  );
}

export async function machineClientsByIds(db: Db, ids: readonly string[]): Promise<MachineClientRow[]> {
  return db.select().from(machineClients).where(inArray(machineClients.id, [...ids]));
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

export async function revokeMachineClient(tx: Tx, id: string): Promise<MachineClientRow> {
  const [row] = await tx.update(machineClients).set({ revokedAt: new Date() }).where(eq(machineClients.id, id)).returning();
  return row!;
}

/** A machine client's role in its organization, or null once revoked. */
export async function activeMachineClientRole(
  tx: Tx,
  machineClientId: string,
  organizationId: string,
): Promise<MachineClientRow['role'] | null> {
  const [row] = await tx
    .select({ role: machineClients.role, revokedAt: machineClients.revokedAt })
    .from(machineClients)
    .where(and(eq(machineClients.id, machineClientId), eq(machineClients.organizationId, organizationId)));
  return row && row.revokedAt === null ? row.role : null;
}
