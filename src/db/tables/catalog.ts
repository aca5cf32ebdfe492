/** An organization's catalog: environments with generations and history, packages with versions. */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, machineClients, organizations, users } from './foundation.js';

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
