/**
 * The tables, as Drizzle sees them. drizzle-kit generates `migrations/` from
 * this file; what SQL cannot say here (triggers, the last-owner backstop,
 * the append-only audit log) lives in hand-written migrations beside them.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
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

const createdAt = () => timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow();

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    subject: text('subject').notNull(),
    email: text('email'),
    name: text('name'),
    createdAt: createdAt(),
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
    operation: text('operation').notNull(),
    actorKind: principalKind('actor_kind').notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id),
    actorMachineClientId: uuid('actor_machine_client_id').references(() => machineClients.id),
    /** Global ID of the object the operation changed. */
    targetId: text('target_id'),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [index('audit_events_org_idx').on(t.organizationId, t.id)],
);

export type UserRow = typeof users.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;
export type OrganizationMemberRow = typeof organizationMembers.$inferSelect;
export type MachineClientRow = typeof machineClients.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type OrganizationRole = (typeof organizationRole.enumValues)[number];
