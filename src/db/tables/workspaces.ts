/** FlowX workspaces, groups, projects, their grants and the resources of the permission matrix. */
import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  check,
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
import { createdAt, organizations, users } from './foundation.js';

export const workspaceRole = pgEnum('workspace_role', [
  'WORKSPACE_ADMIN',
  'WORKSPACE_USER',
  'THEME_EDITOR',
  'RUNTIME_EDITOR',
  'OPERATIONS_EDITOR',
]);
export const projectRole = pgEnum('project_role', ['PROJECT_OWNER', 'PROJECT_EDITOR', 'PROJECT_VIEWER']);
export const workspaceResourceKind = pgEnum('workspace_resource_kind', ['THEME', 'FONT', 'MEDIA']);
export const projectResourceKind = pgEnum('project_resource_kind', [
  'PROCESS',
  'TEMPLATE',
  'INTEGRATION',
  'CONFIG_PARAMETER',
  'WORKFLOW',
  'ENUMERATION',
  'MEDIA',
  'AI_AGENT',
  'REUSABLE_RESOURCE',
  'SETTING',
]);
/** A project holds configuration and runs; a library holds reusable resources that projects' builds take by version. */
export const projectKind = pgEnum('project_kind', ['PROJECT', 'LIBRARY']);
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
    /** Workspace-level settings (updateWorkspace), a JSON object. */
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    /** The theme new applications start from (setDefaultTheme). */
    defaultThemeId: uuid('default_theme_id').references((): AnyPgColumn => workspaceResources.id, { onDelete: 'set null' }),
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
    kind: projectKind('kind').notNull().default('PROJECT'),
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
    /** The library version the build was made from, if any. */
    libraryVersionId: uuid('library_version_id').references(() => libraryVersions.id),
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

/** A published version of a library: its reusable resources as they were when it was published. */
export const libraryVersions = pgTable(
  'library_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...inProjectScope(),
    version: text('version').notNull(),
    description: text('description'),
    resources: jsonb('resources').$type<Record<string, unknown>>().notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('library_versions_key').on(t.projectId, t.version)],
);

/** A process run on a schedule; the scheduler runs it in its organization (the row's tenant). */
export const scheduledProcesses = pgTable(
  'scheduled_processes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ...inProjectScope(),
    name: text('name').notNull(),
    processName: text('process_name').notNull(),
    /** A cron expression (five fields). */
    schedule: text('schedule').notNull(),
    active: boolean('active').notNull().default(false),
    createdByUserId: uuid('created_by_user_id').references(() => users.id),
    createdAt: createdAt(),
    updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('scheduled_processes_key').on(t.projectId, t.name), index('scheduled_processes_org_idx').on(t.organizationId)],
);

export const organizationResourceKind = pgEnum('organization_resource_kind', ['FONT', 'OUT_OF_OFFICE_POLICY']);

/** The organization admin's system settings: global fonts and out-of-office policies. */
export const organizationResources = pgTable(
  'organization_resources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organizationId: inOrganization(),
    kind: organizationResourceKind('kind').notNull(),
    ...namedDocument(),
  },
  (t) => [uniqueIndex('organization_resources_key').on(t.organizationId, t.kind, t.name)],
);
