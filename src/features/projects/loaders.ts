/** Per-request loaders of projects, their grants and resources. */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import {
  builds,
  processInstances,
  projectResources as projectResourcesTable,
  projects,
  scheduledProcesses,
  type BuildRow,
  type ProcessInstanceRow,
  type ProcessOperationRow,
  type ProjectGrantRow,
  type ProjectResourceRow,
  type ProjectRow,
  type ScheduledProcessRow,
} from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { groupsByParent, pagesByParent, referencedRows, rowsByKey, type OnBatch } from '../../lib/batch.js';
import { visibleRowsById, visibleRowsByKind } from '../visible-rows.js';
import { CONFIGURATION } from './configuration.js';
import { grantsOfProjects, projectsByIds, visibleProjectsBySlug, visibleProjectsOfWorkspaces, type ProjectKind } from './project-queries.js';
import { buildsByIds, buildsOfProjects, instancesOf, operationsOfInstances, resourcesOfProjects } from './resource-queries.js';
import { scheduledProcessesOfProjects } from './schedule-queries.js';

/** Projects or libraries (one table, by kind): by id, a workspace's page of them, by slug, as the principal sees them. */
export function projectKindLoaders(db: Db, principal: Principal, onBatch: OnBatch, kind: ProjectKind, name: string) {
  const visibleById = visibleRowsById(db, principal, onBatch);
  return {
    byId: visibleById<ProjectRow>(`visible${name}ById`, { table: projects, id: projects.id, level: 'project', at: projects.id, where: eq(projects.kind, kind) }),
    page: pagesByParent(`${name}Page`, onBatch, (ids, page) => visibleProjectsOfWorkspaces(db, principal, ids, page, kind)),
    bySlug: rowsByKey(
      `${name}BySlug`,
      onBatch,
      (k: { workspaceId: string; slug: string }) => `${k.workspaceId}/${k.slug}`,
      (keys) => visibleProjectsBySlug(db, principal, keys, kind),
    ),
  };
}

/** Every kind of project resource a global ID can name. */
const PROJECT_RESOURCE_KINDS = [...CONFIGURATION.map((c) => c.kind), 'CONFIG_PARAMETER'] as const satisfies readonly ProjectResourceRow['kind'][];

export function projectLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  const visibleById = visibleRowsById(db, principal, onBatch);
  const ofProjects = projectKindLoaders(db, principal, onBatch, 'PROJECT', 'project');
  return {
    visibleProjectById: ofProjects.byId,
    visibleBuildById: visibleById<BuildRow>('visibleBuildById', { table: builds, id: builds.id, level: 'project', at: builds.projectId }),
    visibleProjectResourceById: visibleRowsByKind<(typeof PROJECT_RESOURCE_KINDS)[number], ProjectResourceRow>(visibleById, 'Project', PROJECT_RESOURCE_KINDS, {
      table: projectResourcesTable,
      id: projectResourcesTable.id,
      level: 'project',
      at: projectResourcesTable.projectId,
      kind: projectResourcesTable.kind,
    }),
    visibleProcessInstanceById: visibleById<ProcessInstanceRow>('visibleProcessInstanceById', {
      table: processInstances,
      id: processInstances.id,
      level: 'project',
      at: processInstances.projectId,
    }),
    visibleScheduledProcessById: visibleById<ScheduledProcessRow>('visibleScheduledProcessById', {
      table: scheduledProcesses,
      id: scheduledProcesses.id,
      level: 'project',
      at: scheduledProcesses.projectId,
    }),
    projectsPage: ofProjects.page,
    projectById: referencedRows('projectById', onBatch, (ids, tenants) => projectsByIds(db, ids, tenants)),
    projectBySlug: ofProjects.bySlug,
    projectGrants: groupsByParent('projectGrants', onBatch, (g: ProjectGrantRow) => g.projectId, (ids, tenants) => grantsOfProjects(db, ids, tenants)),
    projectResources: groupsByParent('projectResources', onBatch, (r: ProjectResourceRow) => r.projectId, (ids, tenants) => resourcesOfProjects(db, ids, tenants)),
    scheduledProcesses: groupsByParent(
      'scheduledProcesses',
      onBatch,
      (r: ScheduledProcessRow) => r.projectId,
      (ids, tenants) => scheduledProcessesOfProjects(db, ids, tenants),
    ),
    builds: groupsByParent('builds', onBatch, (b: BuildRow) => b.projectId, (ids, tenants) => buildsOfProjects(db, ids, tenants)),
    buildById: referencedRows('buildById', onBatch, (ids, tenants) => buildsByIds(db, ids, tenants)),
    processInstancesPage: pagesByParent('processInstancesPage', onBatch, (ids, page, tenants) => instancesOf('projectId')(db, ids, page, tenants)),
    workspaceInstancesPage: pagesByParent('workspaceInstancesPage', onBatch, (ids, page, tenants) => instancesOf('workspaceId')(db, ids, page, tenants)),
    operations: groupsByParent('operations', onBatch, (o: ProcessOperationRow) => o.processInstanceId, (ids, tenants) => operationsOfInstances(db, ids, tenants)),
  };
}
