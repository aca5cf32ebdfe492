/** Per-request loaders of projects, their grants and resources. */
import type { Db } from '../../db/client.js';
import { eq } from 'drizzle-orm';
import { builds, processInstances, projectResources as projectResourcesTable, projects, type BuildRow, type ProcessInstanceRow, type ProcessOperationRow, type ProjectGrantRow, type ProjectResourceRow, type ProjectRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { byKind, groupsByParent, pagesByParent, referencedRows, rowsByKey, type OnBatch } from '../../lib/batch.js';
import { visibleRowsById } from '../visible-rows.js';
import { grantsOfProjects, projectsByIds, visibleProjectsBySlug, visibleProjectsOfWorkspaces } from './project-queries.js';
import { buildsByIds, buildsOfProjects, instancesOfProjects, operationsOfInstances, resourcesOfProjects, type ResourceKind } from './resource-queries.js';

const PROJECT_RESOURCE_KINDS = ['PROCESS', 'TEMPLATE', 'INTEGRATION', 'CONFIG_PARAMETER'] as const satisfies readonly ProjectResourceRow['kind'][];

export function projectLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  const visibleById = visibleRowsById(db, principal, onBatch);
  const projectResources = (kind: ResourceKind) =>
    groupsByParent(`project${kind}`, onBatch, (r: ProjectResourceRow) => r.projectId, (ids, tenants) => resourcesOfProjects(db, ids, tenants, kind));
  return {
    visibleProjectById: visibleById<ProjectRow>('visibleProjectById', { table: projects, id: projects.id, level: 'project', at: projects.id }),
    visibleBuildById: visibleById<BuildRow>('visibleBuildById', { table: builds, id: builds.id, level: 'project', at: builds.projectId }),
    visibleProjectResourceById: byKind(PROJECT_RESOURCE_KINDS, (kind) =>
      visibleById<ProjectResourceRow>(`visibleProject${kind}ById`, {
        table: projectResourcesTable,
        id: projectResourcesTable.id,
        level: 'project',
        at: projectResourcesTable.projectId,
        where: eq(projectResourcesTable.kind, kind),
      }),
    ),
    visibleProcessInstanceById: visibleById<ProcessInstanceRow>('visibleProcessInstanceById', {
      table: processInstances,
      id: processInstances.id,
      level: 'project',
      at: processInstances.projectId,
    }),
    projectsPage: pagesByParent('projectsPage', onBatch, (ids, page) => visibleProjectsOfWorkspaces(db, principal, ids, page)),
    projectById: referencedRows('projectById', onBatch, (ids, tenants) => projectsByIds(db, ids, tenants)),
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
    buildById: referencedRows('buildById', onBatch, (ids, tenants) => buildsByIds(db, ids, tenants)),
    processInstancesPage: pagesByParent('processInstancesPage', onBatch, (ids, page, tenants) => instancesOfProjects(db, ids, page, tenants)),
    operations: groupsByParent('operations', onBatch, (o: ProcessOperationRow) => o.processInstanceId, (ids, tenants) => operationsOfInstances(db, ids, tenants)),
  };
}
