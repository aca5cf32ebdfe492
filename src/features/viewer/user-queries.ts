import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { theRow } from '../../db/rows.js';
import { organizationMembers, organizations, users, type UserRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { organizationIsVisible } from '../../access/visibility.js';

export async function usersByIds(db: Db, ids: readonly string[]): Promise<UserRow[]> {
  return db.select().from(users).where(inArray(users.id, [...ids]));
}

/** Creates the users row for a subject that has not signed in yet. */
export async function findOrCreateUserBySubject(tx: Tx, subject: string): Promise<UserRow> {
  const [created] = await tx.insert(users).values({ subject }).onConflictDoNothing().returning();
  if (created) return created;
  // Another transaction created it in between: it is there to read.
  return theRow(await tx.select().from(users).where(eq(users.subject, subject)), 'findOrCreateUserBySubject');
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
