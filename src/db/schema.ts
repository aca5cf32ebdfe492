/**
 * The tables, as Drizzle sees them. drizzle-kit generates `migrations/` from
 * this file; what SQL cannot say here (triggers, the last-owner backstop,
 * the append-only audit log) lives in hand-written migrations beside them.
 */
export * from './tables/foundation.js';
export * from './tables/catalog.js';
export * from './tables/workspaces.js';
export * from './tables/idempotency.js';

import { auditEvents, machineClients, organizationMembers, organizationRole, organizations, users } from './tables/foundation.js';
import { environmentEvents, environmentGenerations, environments, packages, packageVersions } from './tables/catalog.js';
import {
  builds,
  groups,
  libraryVersions,
  organizationResources,
  scheduledProcesses,
  processInstances,
  processOperations,
  projectGrants,
  projectResources,
  projectRole,
  projects,
  workspaceResources,
  workspaceRole,
  workspaceRoles,
  workspaces,
} from './tables/workspaces.js';

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
export type LibraryVersionRow = typeof libraryVersions.$inferSelect;
export type ScheduledProcessRow = typeof scheduledProcesses.$inferSelect;
export type OrganizationResourceRow = typeof organizationResources.$inferSelect;
