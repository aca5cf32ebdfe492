import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { isAnyOf, pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import {
  environmentEvents,
  environmentGenerations,
  environments,
  machineClients,
  users,
  type EnvironmentGenerationRow,
  type EnvironmentRow,
  type MachineClientRow,
  type UserRow,
} from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';

export const live = isNull(environments.deletedAt);

const environmentList: ChildList<typeof environments> = {
  table: environments,
  parent: environments.organizationId,
  order: [environments.createdAt, environments.id],
  where: live,
};

export function environmentsOfOrganizations(db: Db, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, environmentList, organizationIds, page);
}

/** Who wrote a generation (actor.ts reads it back as an `Actor`). */
type Author = UserRow | MachineClientRow;

/** A generation as lists read it: without its manifest, which `manifest` reads on its own when asked for, and with its author. */
export type ListedGeneration = Omit<EnvironmentGenerationRow, 'manifest'> & Partial<Pick<EnvironmentGenerationRow, 'manifest'>> & { author?: Author };

const generationList: ChildList<typeof environmentGenerations> = {
  table: environmentGenerations,
  parent: environmentGenerations.environmentId,
  order: [environmentGenerations.number, environmentGenerations.id],
  tenant: environmentGenerations.organizationId,
  // The largest column, which a list of generations seldom shows.
  omit: ['manifest'],
  // Every generation's author, a user or a machine client of its organization, in the page's own statement.
  references: [
    { as: 'author', table: users, on: [[environmentGenerations.authorUserId, users.id]] },
    {
      as: 'author',
      table: machineClients,
      on: [
        [environmentGenerations.authorMachineClientId, machineClients.id],
        [environmentGenerations.organizationId, machineClients.organizationId],
      ],
    },
  ],
};

/** Generations, oldest first, with their authors. `tenants` keeps a look-up inside the organizations it was asked for. */
export function generationsOfEnvironments(
  db: Db,
  environmentIds: readonly string[],
  page: Page<SortKey>,
  tenants: readonly string[],
): Promise<Map<string, ListedGeneration[]>> {
  return pageChildren<typeof environmentGenerations, { author?: Author }>(db, generationList, environmentIds, page, { tenants });
}

/** The manifests of generations, by id inside their organizations. */
export async function manifestsOfGenerations(db: Db, ids: readonly string[], tenants: readonly string[]) {
  return db
    .select({ id: environmentGenerations.id, organizationId: environmentGenerations.organizationId, manifest: environmentGenerations.manifest })
    .from(environmentGenerations)
    .where(and(isAnyOf(environmentGenerations.id, ids), isAnyOf(environmentGenerations.organizationId, tenants)));
}

const eventList: ChildList<typeof environmentEvents> = {
  table: environmentEvents,
  parent: environmentEvents.environmentId,
  order: [environmentEvents.id],
  tenant: environmentEvents.organizationId,
};

export function eventsOfEnvironments(db: Db, environmentIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) {
  return pageChildren(db, eventList, environmentIds, page, { tenants });
}

export async function liveEnvironmentsByName(db: Db, keys: readonly { organizationId: string; name: string }[]): Promise<EnvironmentRow[]> {
  const pairs = sql.join(
    keys.map((k) => sql`(${k.organizationId}::uuid, ${k.name})`),
    sql`, `,
  );
  return db
    .select()
    .from(environments)
    .where(and(sql`(${environments.organizationId}, ${environments.name}) in (${pairs})`, live));
}

/** The generations with these (environment, number) pairs, in one statement. */
export interface GenerationKey {
  organizationId: string;
  environmentId: string;
  number: number;
}

/** The generations with these (organization, environment, number) keys, in one statement. */
export async function generationsByNumber(db: Db, keys: readonly GenerationKey[]): Promise<EnvironmentGenerationRow[]> {
  const triples = sql.join(
    keys.map((k) => sql`(${k.organizationId}::uuid, ${k.environmentId}::uuid, ${k.number}::int)`),
    sql`, `,
  );
  return db
    .select()
    .from(environmentGenerations)
    .where(sql`(${environmentGenerations.organizationId}, ${environmentGenerations.environmentId}, ${environmentGenerations.number}) in (${triples})`);
}

export async function findLiveEnvironment(tx: Tx, { organizationId, id }: { organizationId: string; id: string }): Promise<EnvironmentRow | null> {
  const [row] = await tx.select().from(environments).where(and(eq(environments.id, id), eq(environments.organizationId, organizationId), live));
  return row ?? null;
}

export async function liveEnvironmentNamed(tx: Tx, organizationId: string, name: string): Promise<EnvironmentRow | null> {
  const [row] = await tx
    .select()
    .from(environments)
    .where(and(eq(environments.organizationId, organizationId), eq(environments.name, name), live));
  return row ?? null;
}

export async function insertEnvironment(tx: Tx, values: typeof environments.$inferInsert): Promise<EnvironmentRow> {
  return theRow(await tx.insert(environments).values(values).returning(), 'insertEnvironment');
}

/** Changes a row the caller has read under the organization's lock, so it is there to change. */
export async function updateEnvironment(tx: Tx, current: EnvironmentRow, patch: Partial<typeof environments.$inferInsert>): Promise<EnvironmentRow> {
  const rows = await tx
    .update(environments)
    .set(patch)
    .where(and(eq(environments.id, current.id), eq(environments.organizationId, current.organizationId)))
    .returning();
  return theRow(rows, 'updateEnvironment');
}

export async function insertGeneration(tx: Tx, values: typeof environmentGenerations.$inferInsert): Promise<EnvironmentGenerationRow> {
  return theRow(await tx.insert(environmentGenerations).values(values).returning(), 'insertGeneration');
}

const ofEnvironment = (environment: EnvironmentRow) =>
  and(eq(environmentGenerations.environmentId, environment.id), eq(environmentGenerations.organizationId, environment.organizationId));

export async function latestGenerationNumber(tx: Tx, environment: EnvironmentRow): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`coalesce(max(${environmentGenerations.number}), 0)::int` })
    .from(environmentGenerations)
    .where(ofEnvironment(environment));
  return row?.n ?? 0;
}

export async function generationExists(tx: Tx, environment: EnvironmentRow, number: number): Promise<boolean> {
  const [row] = await tx
    .select({ number: environmentGenerations.number })
    .from(environmentGenerations)
    .where(and(ofEnvironment(environment), eq(environmentGenerations.number, number)));
  return row !== undefined;
}

export async function appendEnvironmentEvent(tx: Tx, values: typeof environmentEvents.$inferInsert): Promise<void> {
  await tx.insert(environmentEvents).values(values);
}
