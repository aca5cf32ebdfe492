import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { organizationMembers, organizations, users, type OrganizationRole, type UserRow } from '../../db/schema.js';
import type { Principal } from '../../auth/principal.js';
import { organizationIsVisible } from '../../auth/visibility.js';

export interface UserProfile {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** A user's membership as the principal carries it: enough to apply an `org_id`-narrowed token. */
export interface Membership {
  organizationId: string;
  organizationExternalId: string | null;
  role: OrganizationRole;
}

/**
 * The users row for a token's subject, created on first sight, with the
 * user's memberships: one statement for a steady caller, so no request pays a
 * separate look-up of its organization roles. The profile is refreshed only
 * when the token says something new.
 */
export async function upsertUserFromToken(db: Db, profile: UserProfile): Promise<{ user: UserRow; memberships: Membership[]; wrote: boolean }> {
  const rows = await db
    .select({
      user: users,
      organizationId: organizationMembers.organizationId,
      organizationExternalId: organizations.externalId,
      role: organizationMembers.role,
    })
    .from(users)
    .leftJoin(organizationMembers, eq(organizationMembers.userId, users.id))
    .leftJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(eq(users.subject, profile.subject));
  const existing = rows[0]?.user;
  const memberships = rows.flatMap(({ organizationId, organizationExternalId, role }) =>
    organizationId && role ? [{ organizationId, organizationExternalId, role }] : [],
  );
  // A token without an email keeps the one known, with what was known of it.
  const email = profile.email ?? existing?.email ?? null;
  const emailVerified = profile.email !== null ? profile.emailVerified : (existing?.emailVerified ?? false);
  const name = profile.name ?? existing?.name ?? null;
  if (existing && existing.email === email && existing.emailVerified === emailVerified && existing.name === name) {
    return { user: existing, memberships, wrote: false };
  }
  const [row] = await db
    .insert(users)
    .values({ subject: profile.subject, email, emailVerified, name })
    .onConflictDoUpdate({ target: users.subject, set: { email, emailVerified, name } })
    .returning();
  return { user: row!, memberships, wrote: true };
}

/** A user's memberships, read again after a mutation that may have changed them. */
export async function membershipsOfUser(db: Db, userId: string): Promise<Membership[]> {
  return db
    .select({
      organizationId: organizationMembers.organizationId,
      organizationExternalId: organizations.externalId,
      role: organizationMembers.role,
    })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(eq(organizationMembers.userId, userId));
}

export async function usersByIds(db: Db, ids: readonly string[]): Promise<UserRow[]> {
  return db.select().from(users).where(inArray(users.id, [...ids]));
}

/** Creates the users row for a subject that has not signed in yet. */
export async function findOrCreateUserBySubject(tx: Tx, subject: string): Promise<UserRow> {
  const [created] = await tx.insert(users).values({ subject }).onConflictDoNothing().returning();
  if (created) return created;
  const [existing] = await tx.select().from(users).where(eq(users.subject, subject));
  return existing!;
}

/** Users whose verified email this is: an unverified one is as unknown as no email. */
export async function usersByVerifiedEmail(tx: Tx, email: string): Promise<UserRow[]> {
  return tx
    .select()
    .from(users)
    .where(and(eq(sql`lower(${users.email})`, email.toLowerCase()), eq(users.emailVerified, true)))
    .limit(2);
}

/** Of `candidateIds`, the users the principal may see: itself, and members of organizations it sees. */
export async function visibleUserIds(db: Db, principal: Principal, candidateIds: readonly string[]): Promise<Set<string>> {
  const rows = await db
    .selectDistinct({ userId: organizationMembers.userId })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(and(inArray(organizationMembers.userId, [...candidateIds]), organizationIsVisible(principal)));
  const visible = new Set(rows.map((r) => r.userId));
  if (principal.kind === 'user' && candidateIds.includes(principal.userId)) visible.add(principal.userId);
  return visible;
}
