import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren } from '../../db/paging.js';
import {
  environmentEvents,
  environmentGenerations,
  environments,
  type EnvironmentGenerationRow,
  type EnvironmentRow,
} from '../../db/schema.js';
import type { Page, SortKey } from '../../graphql/connection.js';

const live = isNull(environments.deletedAt);

export function environmentsOfOrganizations(db: Db, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(
    db,
    { table: environments, parent: environments.organizationId, order: [environments.createdAt, environments.id], where: live },
    organizationIds,
    page,
  );
}

/** Generations, oldest first. `tenants` keeps a look-up inside the organizations it was asked for. */
export function generationsOfEnvironments(db: Db, environmentIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) {
  return pageChildren(
    db,
    {
      table: environmentGenerations,
      parent: environmentGenerations.environmentId,
      order: [environmentGenerations.number, environmentGenerations.id],
      where: inArray(environmentGenerations.organizationId, [...tenants]),
    },
    environmentIds,
    page,
  );
}

export function eventsOfEnvironments(db: Db, environmentIds: readonly string[], page: Page<SortKey>, tenants: readonly string[]) {
  return pageChildren(
    db,
    {
      table: environmentEvents,
      parent: environmentEvents.environmentId,
      order: [environmentEvents.id],
      where: inArray(environmentEvents.organizationId, [...tenants]),
    },
    environmentIds,
    page,
  );
}

/** Live environments by id; the caller's role in each one's organization decides visibility. */
export async function liveEnvironmentsByIds(db: Db, ids: readonly string[]): Promise<EnvironmentRow[]> {
  return db.select().from(environments).where(and(inArray(environments.id, [...ids]), live));
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
export async function generationsByNumber(
  db: Db,
  keys: readonly { environmentId: string; number: number }[],
): Promise<EnvironmentGenerationRow[]> {
  const pairs = sql.join(
    keys.map((k) => sql`(${k.environmentId}::uuid, ${k.number}::int)`),
    sql`, `,
  );
  return db
    .select()
    .from(environmentGenerations)
    .where(sql`(${environmentGenerations.environmentId}, ${environmentGenerations.number}) in (${pairs})`);
}

export async function findLiveEnvironment(tx: Tx, id: string): Promise<EnvironmentRow | null> {
  const [row] = await tx.select().from(environments).where(and(eq(environments.id, id), live));
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
  const [row] = await tx.insert(environments).values(values).returning();
  return row!;
}

export async function updateEnvironment(tx: Tx, id: string, patch: Partial<typeof environments.$inferInsert>): Promise<EnvironmentRow> {
  const [row] = await tx.update(environments).set(patch).where(eq(environments.id, id)).returning();
  return row!;
}

export async function insertGeneration(tx: Tx, values: typeof environmentGenerations.$inferInsert): Promise<EnvironmentGenerationRow> {
  const [row] = await tx.insert(environmentGenerations).values(values).returning();
  return row!;
}

export async function latestGenerationNumber(tx: Tx, environmentId: string): Promise<number> {
  const [row] = await tx
    .select({ n: sql<number>`coalesce(max(${environmentGenerations.number}), 0)::int` })
    .from(environmentGenerations)
    .where(eq(environmentGenerations.environmentId, environmentId));
  return row?.n ?? 0;
}

export async function generationExists(tx: Tx, environmentId: string, number: number): Promise<boolean> {
  const [row] = await tx
    .select({ number: environmentGenerations.number })
    .from(environmentGenerations)
    .where(and(eq(environmentGenerations.environmentId, environmentId), eq(environmentGenerations.number, number)))
    .orderBy(asc(environmentGenerations.number));
  return row !== undefined;
}

export async function appendEnvironmentEvent(tx: Tx, values: typeof environmentEvents.$inferInsert): Promise<void> {
  await tx.insert(environmentEvents).values(values);
}
