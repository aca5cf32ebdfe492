import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Principal } from '../../auth/principal.js';
import { organizationIsVisible } from '../../auth/visibility.js';
import type { Db, Tx } from '../../db/client.js';
import { afterKey } from '../../db/paging.js';
import { organizationMembers, organizations, type OrganizationRole, type OrganizationRow } from '../../db/schema.js';
import type { Page, TimeKey } from '../../graphql/connection.js';

export async function visibleOrganizations(db: Db, principal: Principal, page: Page<TimeKey>): Promise<OrganizationRow[]> {
  return db
    .select()
    .from(organizations)
    .where(and(organizationIsVisible(principal), afterKey([organizations.createdAt, organizations.id], page.after)))
    .orderBy(asc(organizations.createdAt), asc(organizations.id))
    .limit(page.limit);
}

export async function visibleOrganizationBySlug(db: Db, principal: Principal, slug: string): Promise<OrganizationRow | null> {
  const [row] = await db
    .select()
    .from(organizations)
    .where(and(eq(organizations.slug, slug), organizationIsVisible(principal)));
  return row ?? null;
}

export async function visibleOrganizationsByIds(db: Db, principal: Principal, ids: readonly string[]): Promise<OrganizationRow[]> {
  return db
    .select()
    .from(organizations)
    .where(and(inArray(organizations.id, [...ids]), organizationIsVisible(principal)));
}

/** A user's roles in the given organizations, honouring an `org_id`-narrowed token. */
export async function userOrganizationRoles(
  db: Db | Tx,
  principal: Extract<Principal, { kind: 'user' }>,
  organizationIds: readonly string[],
): Promise<Map<string, OrganizationRole>> {
  const rows = await db
    .select({ organizationId: organizationMembers.organizationId, role: organizationMembers.role })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(
      and(
        eq(organizationMembers.userId, principal.userId),
        inArray(organizationMembers.organizationId, [...organizationIds]),
        principal.organizationExternalId === null ? undefined : eq(organizations.externalId, principal.organizationExternalId),
      ),
    );
  return new Map(rows.map((r) => [r.organizationId, r.role]));
}

/**
 * Locks the organization row for the rest of the transaction. Every mutation
 * in an organization takes this lock first, so mutations of one tenant run one
 * after another and the authorization read after it cannot go stale.
 */
export async function lockOrganization(tx: Tx, id: string): Promise<OrganizationRow | null> {
  const [row] = await tx.select().from(organizations).where(eq(organizations.id, id)).for('update');
  return row ?? null;
}

export async function insertOrganization(tx: Tx, values: { slug: string; name: string }): Promise<OrganizationRow | null> {
  const [row] = await tx.insert(organizations).values(values).onConflictDoNothing().returning();
  return row ?? null;
}

export async function updateOrganization(
  tx: Tx,
  id: string,
  patch: { name?: string; externalId?: string | null },
): Promise<OrganizationRow | null> {
  const [row] = await tx.update(organizations).set(patch).where(eq(organizations.id, id)).returning();
  return row ?? null;
}

export async function organizationExternalIdTaken(tx: Tx, externalId: string, exceptId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(and(eq(organizations.externalId, externalId), sql`${organizations.id} <> ${exceptId}`));
  return row !== undefined;
}
