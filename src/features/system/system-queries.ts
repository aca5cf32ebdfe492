import { readFileSync } from 'node:fs';
import { and, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { migrationsFolder } from '../../db/migrate.js';
import { theRow } from '../../db/rows.js';
import { organizationResources, type OrganizationResourceRow } from '../../db/schema.js';

type Kind = OrganizationResourceRow['kind'];

export async function resourcesOfOrganizations(db: Db, organizationIds: readonly string[], kind: Kind): Promise<OrganizationResourceRow[]> {
  return db
    .select()
    .from(organizationResources)
    .where(and(inArray(organizationResources.organizationId, [...organizationIds]), sql`${organizationResources.kind} = ${kind}`))
    .orderBy(organizationResources.name);
}

export async function upsertOrganizationResource(tx: Tx, values: { organizationId: string; kind: Kind; name: string; body: Record<string, unknown> }) {
  const rows = await tx
    .insert(organizationResources)
    .values(values)
    .onConflictDoUpdate({
      target: [organizationResources.organizationId, organizationResources.kind, organizationResources.name],
      set: { body: values.body, updatedAt: sql`now()` },
    })
    .returning();
  return theRow(rows, 'upsertOrganizationResource');
}

/** Migrations the database records as applied (drizzle's journal table, on either engine). */
export async function appliedMigrationCount(db: Db): Promise<number> {
  const result = (await db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)) as unknown as { rows: { n: number }[] };
  return result.rows[0]?.n ?? 0;
}

/** Migrations this server ships (drizzle-kit's journal). */
export const knownMigrationCount = (): number =>
  (JSON.parse(readFileSync(`${migrationsFolder}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }).entries.length;
