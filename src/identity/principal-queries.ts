/**
 * What a token's identity finds in the database: a user (created on first
 * sight) with the organization roles it acts with, or a machine client that
 * is still active. One statement for a steady caller.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { decoderOf } from '../db/rows.js';
import { Statements } from '../db/statements.js';
import { machineClients, organizations, users, type MachineClientRow, type OrganizationRole, type OrganizationRow, type UserRow } from '../db/schema.js';
import { actingMemberships } from './memberships.js';

export interface UserProfile {
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** Organization id -> the role the user acts with there. */
export type OrganizationRoles = Map<string, OrganizationRole>;

const userWithRoles = new Statements();
const decodeUser = decoderOf(users);

/**
 * The users row for a token's subject, created on first sight, with the
 * organization roles it acts with (narrowed by `org_id`): one statement for
 * a steady caller, so no request pays a separate look-up of its roles. The
 * profile is refreshed only when the token says something new.
 */
export async function upsertUserFromToken(
  db: Db,
  profile: UserProfile,
  narrowedTo: string | null,
): Promise<{ user: UserRow; organizationRoles: OrganizationRoles; wrote: boolean }> {
  const statement = userWithRoles.of(narrowedTo === null ? 'all' : 'narrowed', () => {
    const acting = actingMemberships(narrowedTo === null ? null : sql.placeholder('narrowedTo')).as('acting');
    return sql`select ${users}.*, ${acting.organizationId} as acting_organization_id, ${acting.role} as acting_role
      from ${users} left join ${acting} on ${eq(acting.userId, users.id)} where ${eq(users.subject, sql.placeholder('subject'))}`;
  });
  const rows = (await statement.rows(db, { subject: profile.subject, narrowedTo })).map((raw) => ({
    user: decodeUser(raw) as UserRow,
    organizationId: raw.acting_organization_id as string | null,
    role: raw.acting_role as OrganizationRole | null,
  }));
  const existing = rows[0]?.user;
  const organizationRoles: OrganizationRoles = new Map(rows.flatMap(({ organizationId, role }) => (organizationId && role ? [[organizationId, role] as const] : [])));
  // A token without an email keeps the one known, with what was known of it.
  const email = profile.email ?? existing?.email ?? null;
  const emailVerified = profile.email !== null ? profile.emailVerified : (existing?.emailVerified ?? false);
  const name = profile.name ?? existing?.name ?? null;
  if (existing && existing.email === email && existing.emailVerified === emailVerified && existing.name === name) {
    return { user: existing, organizationRoles, wrote: false };
  }
  const [row] = await db
    .insert(users)
    .values({ subject: profile.subject, email, emailVerified, name })
    .onConflictDoUpdate({ target: users.subject, set: { email, emailVerified, name } })
    .returning();
  return { user: row!, organizationRoles, wrote: true };
}

/** A user's organization roles read again, after a mutation that may have changed them. */
export async function actingRolesOf(db: Db, userId: string, narrowedTo: string | null): Promise<OrganizationRoles> {
  const acting = actingMemberships(narrowedTo, { userId }).as('acting');
  const rows = await db.select({ organizationId: acting.organizationId, role: acting.role }).from(acting);
  return new Map(rows.map((r) => [r.organizationId, r.role]));
}

/** The client a machine token names, with its organization; revoked clients are not returned. */
export async function activeMachineClient(db: Db, clientId: string): Promise<{ client: MachineClientRow; organization: OrganizationRow } | null> {
  const [row] = await db
    .select({ client: machineClients, organization: organizations })
    .from(machineClients)
    .innerJoin(organizations, eq(organizations.id, machineClients.organizationId))
    .where(eq(machineClients.clientId, clientId));
  return row && row.client.revokedAt === null ? row : null;
}
