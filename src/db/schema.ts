/**
 * The tables, as Drizzle sees them. drizzle-kit generates `migrations/` from
 * this file; what SQL cannot say here (triggers, the last-owner backstop,
 * the append-only audit log) lives in hand-written migrations beside them.
 */
import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
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
export const auditOutcome = pgEnum('audit_outcome', ['SUCCEEDED', 'DENIED']);

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

// ---------------------------------------------------------------------------
// FlowX workspaces and projects
// ---------------------------------------------------------------------------

export const workspaceRole = pgEnum('workspace_role', [
  'WORKSPACE_ADMIN',
  'WORKSPACE_USER',
  'THEME_EDITOR',
  'RUNTIME_EDITOR',
  'OPERATIONS_EDITOR',
]);
export const projectRole = pgEnum('project_role', ['PROJECT_OWNER', 'PROJECT_EDITOR', 'PROJECT_VIEWER']);
export const workspaceResourceKind = pgEnum('workspace_resource_kind', ['THEME', 'FONT']);
export const projectResourceKind = pgEnum('project_resource_kind', ['PROCESS', 'TEMPLATE', 'INTEGRATION', 'CONFIG_PARAMETER']);
export const operationKind = pgEnum('operation_kind', ['MIGRATION', 'MOVE_TOKEN']);

const inOrganization = () =>
  uuid('organization_id')
    .notNull()
    .references(() => organizations.id, { onDelete: 'cascade' });
const inWorkspace = () =>
  uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });
const inProject = () =>
  uuid('project_id')
    .notNull()
    .references(() => projects.id, { onDelete: 'cascade' });
/** The tenant columns of a row that lives in a project: kept on every such row so that queries scope by them. */
const inProjectScope = () => ({ organizationId: inOrganization(), workspaceId: inWorkspace(), projectId: inProject() });
/** A named JSON document (theme, process, template...), saved over in place. */
const namedDocument = () => ({
  name: text('name').notNull(),
  body: jsonb('body').$type<Record<string, unknown>>().notNull(),
  createdAt: createdAt(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
});
/** A user or a group, exactly one of them: whom a role is given to. */
const grantee = () => ({
  userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
  groupId: uuid('group_id').references(() => groups.id, { onDelete: 'cascade' }),
});
const oneGrantee = (t: { userId: unknown; groupId: unknown }, name: string) =>
  check(name, sql`num_nonnulls(${t.userId}, ${t.groupId}) = 1`);

export const workspaces = pgTable(
  'workspaces',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: inOrganization(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workspaces_org_slug_key').on(t.organizationId, t.slug), index('workspaces_org_idx').on(t.organizationId, t.createdAt, t.id)],
);

export const groups = pgTable(
  'groups',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: inOrganization(),
    workspaceId: inWorkspace(),
    name: text('name').notNull(),
    description: text('description'),
    /** The workspace's "Everyone from <name>" group: membership kept by the database, never edited by hand. */
    system: boolean('system').notNull().default(false),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('groups_workspace_name_key').on(t.workspaceId, t.name),
    uniqueIndex('groups_one_system_group_key').on(t.workspaceId).where(sql`${t.system}`),
  ],
);

export const groupMembers = pgTable(
  'group_members',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => groups.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    organizationId: inOrganization(),
    workspaceId: inWorkspace(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.groupId, t.userId] }), index('group_members_user_idx').on(t.userId, t.workspaceId)],
);

/** Workspace roles of users (which makes them workspace members) and of groups. */
export const workspaceRoles = pgTable(
  'workspace_roles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: inOrganization(),
    workspaceId: inWorkspace(),
    ...grantee(),
    role: workspaceRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('workspace_roles_user_key').on(t.workspaceId, t.userId).where(sql`${t.userId} is not null`),
    uniqueIndex('workspace_roles_group_key').on(t.workspaceId, t.groupId).where(sql`${t.groupId} is not null`),
    index('workspace_roles_user_idx').on(t.userId),
    oneGrantee(t, 'workspace_roles_one_grantee'),
  ],
);

export const projects = pgTable(
  'projects',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: inOrganization(),
    workspaceId: inWorkspace(),
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    /** The build the active policy runs. */
    activeBuildId: uuid('active_build_id'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('projects_workspace_slug_key').on(t.workspaceId, t.slug), index('projects_workspace_idx').on(t.workspaceId, t.createdAt, t.id)],
);

/** Project roles of users and groups; exactly one PROJECT_OWNER, a user, per project. */
export const projectGrants = pgTable(
  'project_grants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...inProjectScope(),
    ...grantee(),
    role: projectRole('role').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('project_grants_user_key').on(t.projectId, t.userId).where(sql`${t.userId} is not null`),
    uniqueIndex('project_grants_group_key').on(t.projectId, t.groupId).where(sql`${t.groupId} is not null`),
    uniqueIndex('project_grants_one_owner_key').on(t.projectId).where(sql`${t.role} = 'PROJECT_OWNER'`),
    index('project_grants_user_idx').on(t.userId),
    oneGrantee(t, 'project_grants_one_grantee'),
    check('project_grants_owner_is_a_user', sql`${t.role} <> 'PROJECT_OWNER' or ${t.userId} is not null`),
  ],
);

export const workspaceResources = pgTable(
  'workspace_resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: inOrganization(),
    workspaceId: inWorkspace(),
    kind: workspaceResourceKind('kind').notNull(),
    ...namedDocument(),
  },
  (t) => [uniqueIndex('workspace_resources_key').on(t.workspaceId, t.kind, t.name)],
);

export const projectResources = pgTable(
  'project_resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...inProjectScope(),
    kind: projectResourceKind('kind').notNull(),
    ...namedDocument(),
  },
  (t) => [uniqueIndex('project_resources_key').on(t.projectId, t.kind, t.name)],
);

export const builds = pgTable(
  'builds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...inProjectScope(),
    version: text('version').notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('builds_project_version_key').on(t.projectId, t.version)],
);

export const processInstances = pgTable('process_instances', {
  id: uuid('id').primaryKey().defaultRandom(),
  ...inProjectScope(),
  processName: text('process_name').notNull(),
  variables: jsonb('variables').$type<Record<string, unknown>>().notNull().default({}),
  startedByUserId: uuid('started_by_user_id').references(() => users.id),
  createdAt: createdAt(),
});

export const processOperations = pgTable('process_operations', {
  id: uuid('id').primaryKey().defaultRandom(),
  ...inProjectScope(),
  processInstanceId: uuid('process_instance_id')
    .notNull()
    .references(() => processInstances.id, { onDelete: 'cascade' }),
  kind: operationKind('kind').notNull(),
  createdByUserId: uuid('created_by_user_id').references(() => users.id),
  createdAt: createdAt(),
});

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
export type WorkspaceRow = typeof workspaces.$inferSelect;
export type GroupRow = typeof groups.$inferSelect;
export type WorkspaceRoleRow = typeof workspaceRoles.$inferSelect;
export type ProjectRow = typeof projects.$inferSelect;
export type ProjectGrantRow = typeof projectGrants.$inferSelect;
export type WorkspaceResourceRow = typeof workspaceResources.$inferSelect;
export type ProjectResourceRow = typeof projectResources.$inferSelect;
export type BuildRow = typeof builds.$inferSelect;
export type ProcessInstanceRow = typeof processInstances.$inferSelect;
export type ProcessOperationRow = typeof processOperations.$inferSelect;
export type WorkspaceRole = (typeof workspaceRole.enumValues)[number];
export type ProjectRole = (typeof projectRole.enumValues)[number];
