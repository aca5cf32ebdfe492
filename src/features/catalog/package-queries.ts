import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { pageChildren, type ChildList } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import { packages, packageVersions, type PackageRow, type PackageVersionRow } from '../../db/schema.js';
import type { Page, SortKey } from '../../lib/connection.js';

const packageList: ChildList<typeof packages> = { table: packages, parent: packages.organizationId, order: [packages.createdAt, packages.id] };

export function packagesOfOrganizations(db: Db, organizationIds: readonly string[], page: Page<SortKey>) {
  return pageChildren(db, packageList, organizationIds, page);
}

/** Every version of each package, oldest first, kept inside the given tenants. */
export async function versionsOfPackages(
  db: Db,
  packageIds: readonly string[],
  tenants: readonly string[],
): Promise<PackageVersionRow[]> {
  return db
    .select()
    .from(packageVersions)
    .where(and(inArray(packageVersions.packageId, [...packageIds]), inArray(packageVersions.organizationId, [...tenants])))
    .orderBy(asc(packageVersions.createdAt), asc(packageVersions.id));
}

export async function packagesByName(db: Db, keys: readonly { organizationId: string; name: string }[]): Promise<PackageRow[]> {
  const pairs = sql.join(
    keys.map((k) => sql`(${k.organizationId}::uuid, ${k.name})`),
    sql`, `,
  );
  return db.select().from(packages).where(sql`(${packages.organizationId}, ${packages.name}) in (${pairs})`);
}

/** The package, created on its first version; its description is the latest publication's. */
export async function upsertPackage(
  tx: Tx,
  values: { organizationId: string; name: string; description: string | null },
): Promise<PackageRow> {
  const rows = await tx
    .insert(packages)
    .values(values)
    .onConflictDoUpdate({
      target: [packages.organizationId, packages.name],
      set: { description: sql`excluded.description` },
    })
    .returning();
  return theRow(rows, 'upsertPackage');
}

export async function insertPackageVersion(
  tx: Tx,
  values: typeof packageVersions.$inferInsert,
): Promise<PackageVersionRow | null> {
  const [row] = await tx.insert(packageVersions).values(values).onConflictDoNothing().returning();
  return row ?? null;
}
