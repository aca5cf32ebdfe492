/**
 * The tables, as Drizzle sees them. drizzle-kit generates `migrations/` from
 * this file; what SQL cannot say here (triggers, the last-owner backstop,
 * the append-only audit log) lives in hand-written migrations beside them.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
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

export const environmentEventKind = pgEnum('environment_event_kind', [
  'CREATED',
  'GENERATION_PUSHED',
  'GENERATION_SWITCHED',
  'RENAMED',
  'OWNER_CHANGED',
]);

/** Who wrote a catalog row: a user or a machine client, exactly one of them. */
const authoredBy = () => ({
  authorUserId: uuid('author_user_id').references(() => users.id),
  authorMachineClientId: uuid('author_machine_client_id').references(() => machineClients.id),
});
const oneAuthor = (t: { authorUserId: unknown; authorMachineClientId: unknown }, name: string) =>
  check(name, sql`num_nonnulls(${t.authorUserId}, ${t.authorMachineClientId}) = 1`);

export const environments = pgTable(
  'environments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    ownerUserId: uuid('owner_user_id').references(() => users.id),
    currentGeneration: integer('current_generation').notNull().default(1),
    createdAt: createdAt(),
    /** Deleted environments read as null everywhere; their rows stay for the audit trail. */
    deletedAt: timestamp('deleted_at', { withTimezone: true, mode: 'date', precision: 3 }),
  },
  (t) => [
    uniqueIndex('environments_org_name_key').on(t.organizationId, t.name).where(sql`${t.deletedAt} is null`),
    index('environments_org_idx').on(t.organizationId, t.createdAt, t.id),
  ],
);

export const environmentGenerations = pgTable(
  'environment_generations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    environmentId: uuid('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    number: integer('number').notNull(),
    manifest: jsonb('manifest').$type<Record<string, unknown>>().notNull(),
    description: text('description'),
    ...authoredBy(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('environment_generations_env_number_key').on(t.environmentId, t.number),
    index('environment_generations_env_idx').on(t.environmentId, t.createdAt, t.id),
    oneAuthor(t, 'environment_generations_one_author'),
  ],
);

export const environmentEvents = pgTable(
  'environment_events',
  {
    /** A sequence, so events of one transaction keep the order they happened in. */
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    environmentId: uuid('environment_id')
      .notNull()
      .references(() => environments.id, { onDelete: 'cascade' }),
    kind: environmentEventKind('kind').notNull(),
    /** The generation current after the event. */
    generation: integer('generation').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
    ...authoredBy(),
    createdAt: createdAt(),
  },
  (t) => [index('environment_events_env_idx').on(t.environmentId, t.createdAt, t.id), oneAuthor(t, 'environment_events_one_author')],
);

export const packages = pgTable(
  'packages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    description: text('description'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('packages_org_name_key').on(t.organizationId, t.name), index('packages_org_idx').on(t.organizationId, t.createdAt, t.id)],
);

export const packageVersions = pgTable(
  'package_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    packageId: uuid('package_id')
      .notNull()
      .references(() => packages.id, { onDelete: 'cascade' }),
    version: text('version').notNull(),
    systems: text('systems').array().notNull(),
    description: text('description'),
    ...authoredBy(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('package_versions_package_version_key').on(t.packageId, t.version),
    oneAuthor(t, 'package_versions_one_author'),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;
export type OrganizationMemberRow = typeof organizationMembers.$inferSelect;
export type MachineClientRow = typeof machineClients.$inferSelect;
export type AuditEventRow = typeof auditEvents.$inferSelect;
export type OrganizationRole = (typeof organizationRole.enumValues)[number];
export type EnvironmentRow = typeof environments.$inferSelect;
export type EnvironmentGenerationRow = typeof environmentGenerations.$inferSelect;
export type EnvironmentEventRow = typeof environmentEvents.$inferSelect;
export type PackageRow = typeof packages.$inferSelect;
export type PackageVersionRow = typeof packageVersions.$inferSelect;
