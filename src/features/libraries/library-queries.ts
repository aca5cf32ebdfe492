import { and, inArray } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { libraryVersions, type LibraryVersionRow } from '../../db/schema.js';

export async function versionsOfLibraries(db: Db, libraryIds: readonly string[], tenants: readonly string[]): Promise<LibraryVersionRow[]> {
  return db
    .select()
    .from(libraryVersions)
    .where(and(inArray(libraryVersions.projectId, [...libraryIds]), inArray(libraryVersions.organizationId, [...tenants])))
    .orderBy(libraryVersions.createdAt, libraryVersions.id);
}

export async function libraryVersionsByIds(db: Db, ids: readonly string[], tenants: readonly string[]): Promise<LibraryVersionRow[]> {
  return db
    .select()
    .from(libraryVersions)
    .where(and(inArray(libraryVersions.id, [...ids]), inArray(libraryVersions.organizationId, [...tenants])));
}

export async function insertLibraryVersion(tx: Tx, values: typeof libraryVersions.$inferInsert): Promise<LibraryVersionRow | null> {
  const [row] = await tx.insert(libraryVersions).values(values).onConflictDoNothing().returning();
  return row ?? null;
}
