/** Users, organizations, their members and machine clients, and the audit trail. */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

export const organizationRole = pgEnum('organization_role', ['OWNER', 'WRITER', 'READER']);
export const principalKind = pgEnum('principal_kind', ['USER', 'MACHINE']);
export const auditOutcome = pgEnum('audit_outcome', ['SUCCEEDED', 'DENIED']);

export const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subject: text('subject').notNull(),
    email: text('email'),
    /** Whether the issuer said it verified `email` (`email_verified`); only verified emails find a user. */
    emailVerified: boolean('email_verified').notNull().default(false),
    name: text('name'),
    createdAt: createdAt(),
    /**
     * When a token of this principal was last accepted, for access reviews: written at
     * most once per few minutes (identity/last-seen.ts), and heard by no cache.
     */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (t) => [
    uniqueIndex('users_subject_key').on(t.subject),
    index('users_email_lower_idx').on(sql`lower(${t.email})`),
  ],
);

export const organizations = pgTable(
  'organizations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** The identity provider's organization id (Auth0 `org_...`), matched against a token's `org_id`. */
    externalId: text('external_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('organizations_slug_key').on(t.slug), uniqueIndex('organizations_external_id_key').on(t.externalId)],
);

export const organizationMembers = pgTable(
  'organization_members',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: organizationRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.organizationId, t.userId] }),
    index('organization_members_user_idx').on(t.userId),
  ],
);

export const machineClients = pgTable(
  'machine_clients',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** The OAuth client id (`azp` of its tokens); unique across tenants so a token maps to one organization. */
    clientId: text('client_id').notNull(),
    name: text('name').notNull(),
    role: organizationRole('role').notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date', precision: 3 }),
    /**
     * When a token of this principal was last accepted, for access reviews: written at
     * most once per few minutes (identity/last-seen.ts), and heard by no cache.
     */
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (t) => [uniqueIndex('machine_clients_client_id_key').on(t.clientId), index('machine_clients_org_idx').on(t.organizationId)],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigserial('id', { mode: 'bigint' }).primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id),
    /** Set when the change happened inside a workspace (and project). */
    workspaceId: uuid('workspace_id'),
    projectId: uuid('project_id'),
    operation: text('operation').notNull(),
    /** DENIED: the principal lacked the role (or could not see the object); nothing else was written. */
    outcome: auditOutcome('outcome').notNull().default('SUCCEEDED'),
    actorKind: principalKind('actor_kind').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorMachineClientId: uuid('actor_machine_client_id').references(() => machineClients.id),
    /** Global ID of the object the operation changed. */
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    createdAt: createdAt(),
    /** The previous event's hash in this organization's chain (null for its first event). */
    previousHash: text('previous_hash'),
    /** sha256 over the previous hash and this event's content: `npm run audit:verify` recomputes the chain. */
    hash: text('hash'),
  },
  (t) => [index('audit_events_org_idx').on(t.organizationId, t.id), index('audit_events_workspace_idx').on(t.workspaceId, t.id)],
);
