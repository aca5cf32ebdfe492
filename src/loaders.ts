/**
 * The per-request DataLoaders, built by the context for one principal. Reads
 * of related rows go through them, so no field costs a query per row.
 */
import { and, isNull, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Principal } from './auth/principal.js';
import type { ScopeLevel } from './auth/roles.js';
import { isVisibleAt } from './auth/visibility.js';
import type { Db } from './db/client.js';
import { isAnyOf } from './db/paging.js';
import { selectRows } from './db/rows.js';
import {
  builds,
  environments,
  groups,
  machineClients,
  packages,
  processInstances,
  projects,
  workspaces,
  type BuildRow,
  type EnvironmentRow,
  type GroupRow,
  type MachineClientRow,
  type PackageRow,
  type PackageVersionRow,
  type ProcessInstanceRow,
  type ProcessOperationRow,
  type ProjectGrantRow,
  type ProjectResourceRow,
  type ProjectRow,
  type WorkspaceResourceRow,
  type WorkspaceRoleRow,
  type WorkspaceRow,
} from './db/schema.js';
import { groupsByIds, groupsOfWorkspaces, membersOfGroups } from './features/groups/queries.js';
import {
  buildsByIds,
  buildsOfProjects,
  instancesOfProjects,
  operationsOfInstances,
  processInstancesByIds,
  resourcesOfProjects,
  type ResourceKind,
} from './features/project-resources/queries.js';
import { grantsOfProjects, projectsByIds, visibleProjectsBySlug, visibleProjectsOfWorkspaces } from './features/projects/queries.js';
import {
  membersOfWorkspaces,
  resourcesOfWorkspaces,
  roleRowsOfGroups,
  visibleWorkspacesBySlug,
  visibleWorkspacesOfOrganizations,
  workspacesByIds,
} from './features/workspaces/queries.js';
import { groupsByParent, pagesByParent, rowsById, rowsByKey, type OnBatch } from './graphql/batch.js';
import {
  environmentsOfOrganizations,
  eventsOfEnvironments,
  generationsByNumber,
  generationsOfEnvironments,
  liveEnvironmentsByIds,
  liveEnvironmentsByName,
} from './features/environments/queries.js';
import { packagesByIds, packagesByName, packagesOfOrganizations, versionsOfPackages } from './features/packages/queries.js';
import { machineClientsByIds, machineClientsOfOrganizations } from './features/machine-clients/queries.js';
import { membersOfOrganizations } from './features/members/queries.js';
import { visibleOrganizationsByIds } from './features/organizations/queries.js';
import { usersByIds } from './features/users/queries.js';

type Named = { organizationId: string; name: string };
const byOrgAndName = (k: Named) => `${k.organizationId}/${k.name}`;

export function createLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  const projectResources = (kind: ResourceKind) =>
    groupsByParent(`project${kind}`, onBatch, (r: ProjectResourceRow) => r.projectId, (ids, tenants) => resourcesOfProjects(db, ids, tenants, kind));
  const workspaceResources = (kind: WorkspaceResourceRow['kind']) =>
    groupsByParent(`workspace${kind}`, onBatch, (r: WorkspaceResourceRow) => r.workspaceId, (ids, tenants) => resourcesOfWorkspaces(db, ids, tenants, kind));
  /** Rows by id that the principal can see where they live (`at`, of `level`): an invisible row is no row. */
  const visibleById = <R extends { id: string }>(name: string, table: PgTable, id: PgColumn, level: ScopeLevel, at: PgColumn, where?: SQL) =>
    rowsById<R>(name, onBatch, async (ids) => {
      const condition = and(isAnyOf(id, ids), isVisibleAt(principal, level, at), where);
      return (await selectRows(db, table, sql`select * from ${table} where ${condition}`)) as R[];
    });
  return {
    visibleMachineClientById: visibleById<MachineClientRow>('visibleMachineClientById', machineClients, machineClients.id, 'organization', machineClients.organizationId),
    visibleEnvironmentById: visibleById<EnvironmentRow>(
      'visibleEnvironmentById',
      environments,
      environments.id,
      'organization',
      environments.organizationId,
      isNull(environments.deletedAt),
    ),
    visiblePackageById: visibleById<PackageRow>('visiblePackageById', packages, packages.id, 'organization', packages.organizationId),
    visibleWorkspaceById: visibleById<WorkspaceRow>('visibleWorkspaceById', workspaces, workspaces.id, 'workspace', workspaces.id),
    visibleGroupById: visibleById<GroupRow>('visibleGroupById', groups, groups.id, 'workspace', groups.workspaceId),
    visibleProjectById: visibleById<ProjectRow>('visibleProjectById', projects, projects.id, 'project', projects.id),
    visibleBuildById: visibleById<BuildRow>('visibleBuildById', builds, builds.id, 'project', builds.projectId),
    visibleProcessInstanceById: visibleById<ProcessInstanceRow>(
      'visibleProcessInstanceById',
      processInstances,
      processInstances.id,
      'project',
      processInstances.projectId,
    ),
    workspacesPage: pagesByParent('workspacesPage', onBatch, (ids, page) => visibleWorkspacesOfOrganizations(db, principal, ids, page)),
    workspaceById: rowsById('workspaceById', onBatch, (ids) => workspacesByIds(db, ids)),
    workspaceBySlug: rowsByKey(
      'workspaceBySlug',
      onBatch,
      (k: { organizationId: string; slug: string }) => `${k.organizationId}/${k.slug}`,
      (keys) => visibleWorkspacesBySlug(db, principal, keys),
    ),
    workspaceMembersPage: pagesByParent('workspaceMembersPage', onBatch, (ids, page) => membersOfWorkspaces(db, ids, page)),
    themes: workspaceResources('THEME'),
    fonts: workspaceResources('FONT'),
    groupsPage: pagesByParent('groupsPage', onBatch, (ids, page) => groupsOfWorkspaces(db, ids, page)),
    groupById: rowsById('groupById', onBatch, (ids) => groupsByIds(db, ids)),
    groupMembersPage: pagesByParent('groupMembersPage', onBatch, (ids, page, tenants) => membersOfGroups(db, ids, page, tenants)),
    groupRole: rowsByKey(
      'groupRole',
      onBatch,
      (k: string | WorkspaceRoleRow) => (typeof k === 'string' ? k : k.groupId!),
      (ids) => roleRowsOfGroups(db, ids as string[]),
    ),
    projectsPage: pagesByParent('projectsPage', onBatch, (ids, page) => visibleProjectsOfWorkspaces(db, principal, ids, page)),
    projectById: rowsById('projectById', onBatch, (ids) => projectsByIds(db, ids)),
    projectBySlug: rowsByKey(
      'projectBySlug',
      onBatch,
      (k: { workspaceId: string; slug: string }) => `${k.workspaceId}/${k.slug}`,
      (keys) => visibleProjectsBySlug(db, principal, keys),
    ),
    projectGrants: groupsByParent('projectGrants', onBatch, (g: ProjectGrantRow) => g.projectId, (ids, tenants) => grantsOfProjects(db, ids, tenants)),
    processes: projectResources('PROCESS'),
    templates: projectResources('TEMPLATE'),
    integrations: projectResources('INTEGRATION'),
    configParameters: projectResources('CONFIG_PARAMETER'),
    builds: groupsByParent('builds', onBatch, (b: BuildRow) => b.projectId, (ids, tenants) => buildsOfProjects(db, ids, tenants)),
    buildById: rowsById('buildById', onBatch, (ids) => buildsByIds(db, ids)),
    processInstancesPage: pagesByParent('processInstancesPage', onBatch, (ids, page, tenants) => instancesOfProjects(db, ids, page, tenants)),
    processInstanceById: rowsById('processInstanceById', onBatch, (ids) => processInstancesByIds(db, ids)),
    operations: groupsByParent(
      'operations',
      onBatch,
      (o: ProcessOperationRow) => o.processInstanceId,
      (ids, tenants) => operationsOfInstances(db, ids, tenants),
    ),
    environmentsPage: pagesByParent('environmentsPage', onBatch, (ids, page) => environmentsOfOrganizations(db, ids, page)),
    environmentById: rowsById('environmentById', onBatch, (ids) => liveEnvironmentsByIds(db, ids)),
    environmentByName: rowsByKey('environmentByName', onBatch, byOrgAndName, (keys: readonly Named[]) => liveEnvironmentsByName(db, keys)),
    generationsPage: pagesByParent('generationsPage', onBatch, (ids, page, tenants) => generationsOfEnvironments(db, ids, page, tenants)),
    generationByNumber: rowsByKey(
      'generationByNumber',
      onBatch,
      (k: { environmentId: string; number: number }) => `${k.environmentId}#${k.number}`,
      (keys) => generationsByNumber(db, keys),
    ),
    environmentEventsPage: pagesByParent('environmentEventsPage', onBatch, (ids, page, tenants) => eventsOfEnvironments(db, ids, page, tenants)),
    packagesPage: pagesByParent('packagesPage', onBatch, (ids, page) => packagesOfOrganizations(db, ids, page)),
    packageById: rowsById('packageById', onBatch, (ids) => packagesByIds(db, ids)),
    packageByName: rowsByKey('packageByName', onBatch, byOrgAndName, (keys: readonly Named[]) => packagesByName(db, keys)),
    packageVersions: groupsByParent('packageVersions', onBatch, (v: PackageVersionRow) => v.packageId, (ids, tenants) => versionsOfPackages(db, ids, tenants)),
    userById: rowsById('userById', onBatch, (ids) => usersByIds(db, ids)),
    visibleOrganizationById: rowsById('visibleOrganizationById', onBatch, (ids) =>
      visibleOrganizationsByIds(db, principal, ids),
    ),
    machineClientById: rowsById('machineClientById', onBatch, (ids) => machineClientsByIds(db, ids)),
    membersPage: pagesByParent('membersPage', onBatch, (ids, page) => membersOfOrganizations(db, ids, page)),
    machineClientsPage: pagesByParent('machineClientsPage', onBatch, (ids, page) =>
      machineClientsOfOrganizations(db, ids, page),
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
