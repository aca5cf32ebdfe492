import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Principal } from '../../identity/principal.js';
import { organizationIsVisible } from '../../access/visibility.js';
import type { Db, Tx } from '../../db/client.js';
import { afterKey } from '../../db/paging.js';
import { theRow } from '../../db/rows.js';
import { organizations, type OrganizationRow } from '../../db/schema.js';
import type { Page, TimeKey } from '../../lib/connection.js';

export async function visibleOrganizations(db: Db, principal: Principal, page: Page<TimeKey>): Promise<OrganizationRow[]> {
  return db
    .select()
    .from(organizations)
    .where(and(organizationIsVisible(principal), afterKey([organizations.createdAt, organizations.id], page.after)))
    .orderBy(asc(organizations.createdAt), asc(organizations.id))
    .limit(page.limit);
}

export async function visibleOrganizationsByIds(db: Db, principal: Principal, ids: readonly string[]): Promise<OrganizationRow[]> {
  return db
    .select()
    .from(organizations)
    .where(and(inArray(organizations.id, [...ids]), organizationIsVisible(principal)));
}

export async function insertOrganization(tx: Tx, values: { slug: string; name: string }): Promise<OrganizationRow | null> {
  const [row] = await tx.insert(organizations).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

/** Changes an organization whose row the mutation holds locked. */
export async function updateOrganization(tx: Tx, id: string, patch: { name?: string; externalId?: string | null }): Promise<OrganizationRow> {
  return theRow(await tx.update(organizations).set(patch).where(eq(organizations.id, id)).returning(), 'updateOrganization');
}

/** Organizations by id: each is its own tenant, which the caller reached through a visible object. */
export async function organizationsByIds(db: Db, ids: readonly string[]): Promise<OrganizationRow[]> {
  return db.select().from(organizations).where(inArray(organizations.id, [...ids]));
}

export async function organizationExternalIdTaken(tx: Tx, externalId: string, exceptId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.externalId, externalId), sql`${organizations.id} <> ${exceptId}`));
  return row !== undefined;
}
