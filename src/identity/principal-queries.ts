/**
 * What a token's identity finds in the database: a user (created on first
 * sight) with the organization roles it acts with, or a machine client that
 * is still active. One statement for a steady caller.
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { decoderOf, prefixedColumns } from '../db/rows.js';
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

/** The organizations a user acts in: its role in each, and their rows by slug. */
export interface ActingOrganizations {
  organizationRoles: OrganizationRoles;
  organizations: Map<string, OrganizationRow>;
}

const userWithOrganizations = new Statements();
const decodeUser = decoderOf(users);
/** The joined organization's alias; its cells are named `acting_organization.<column>`. */
const ORGANIZATION = 'acting_organization';
const decodeOrganization = decoderOf(organizations, [], `${ORGANIZATION}.`);

/**
 * The users row for a subject, if any, with the organizations it acts in
 * (narrowed by `org_id`), their rows included: one statement, built once per
 * shape (narrowed or not), answers every `organization(slug:)` of the request too.
 */
async function userWithOrganizationsOf(db: Db, subject: string, narrowedTo: string | null): Promise<{ user: UserRow | undefined } & ActingOrganizations> {
  const statement = userWithOrganizations.of(narrowedTo === null ? 'all' : 'narrowed', () => {
    const acting = actingMemberships(narrowedTo === null ? null : sql.placeholder('narrowedTo')).as('acting');
    const organization = sql.identifier(ORGANIZATION);
    return sql`select ${users}.*, ${acting.role} as acting_role${prefixedColumns(organizations, ORGANIZATION, `${ORGANIZATION}.`)}
      from ${users} left join ${acting} on ${eq(acting.userId, users.id)}
      left join ${organizations} ${organization} on ${organization}.${sql.identifier(organizations.id.name)} = ${acting.organizationId}
      where ${eq(users.subject, sql.placeholder('subject'))}`;
  });
  const rows = await statement.rows(db, { subject, narrowedTo });
  const acting: ActingOrganizations = { organizationRoles: new Map(), organizations: new Map() };
  for (const raw of rows) {
    if (raw.acting_role === null) continue; // the user, without a membership it acts with
    const organization = decodeOrganization(raw) as OrganizationRow;
    acting.organizationRoles.set(organization.id, raw.acting_role as OrganizationRole);
    acting.organizations.set(organization.slug, organization);
  }
  return { user: rows[0] && (decodeUser(rows[0]) as UserRow), ...acting };
}

/**
 * The users row for a token's subject, created on first sight, with the
 * organizations it acts in: one statement for a steady caller, so no request
 * pays a separate look-up of its roles or of the organization it names. The
 * profile is refreshed only when the token says something new.
 */
export async function upsertUserFromToken(
  db: Db,
  profile: UserProfile,
  narrowedTo: string | null,
): Promise<{ user: UserRow; wrote: boolean } & ActingOrganizations> {
  const { user: existing, ...acting } = await userWithOrganizationsOf(db, profile.subject, narrowedTo);
  // A token without an email keeps the one known, with what was known of it.
  const email = profile.email ?? existing?.email ?? null;
  const emailVerified = profile.email !== null ? profile.emailVerified : (existing?.emailVerified ?? false);
  const name = profile.name ?? existing?.name ?? null;
  if (existing && existing.email === email && existing.emailVerified === emailVerified && existing.name === name) {
    return { user: existing, wrote: false, ...acting };
  }
  const [row] = await db
    .insert(users)
    .values({ subject: profile.subject, email, emailVerified, name })
    .onConflictDoUpdate({ target: users.subject, set: { email, emailVerified, name } })
    .returning();
  return { user: row!, wrote: true, ...acting };
}

/** The organizations a user acts in, read again after a mutation that may have changed them. */
export async function actingOrganizationsOf(db: Db, subject: string, narrowedTo: string | null): Promise<ActingOrganizations> {
  const { organizationRoles, organizations } = await userWithOrganizationsOf(db, subject, narrowedTo);
  return { organizationRoles, organizations };
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
