/** Per-request loaders of workspaces, their members, groups and resources. */
import type { Db } from '../../db/client.js';
import { groups, workspaceResources as workspaceResourcesTable, workspaces, type GroupRow, type WorkspaceResourceRow, type WorkspaceRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { groupsByParent, pagesByParent, referencedRows, rowsByKey, type OnBatch } from '../../lib/batch.js';
import { visibleRowsById, visibleRowsByKind } from '../visible-rows.js';
import { principalSearch } from './search-loader.js';
import { groupsByIds, groupsOfWorkspaces, membersOfGroups } from './group-queries.js';
import {
  membersOfWorkspaces,
  resourcesOfWorkspaces,
  roleRowsOfGroups,
  visibleWorkspacesBySlug,
  visibleWorkspacesOfOrganizations,
  workspaceResourcesByIds,
  workspacesByIds,
  type GroupRoleRow,
} from './workspace-queries.js';

const WORKSPACE_RESOURCE_KINDS = ['THEME', 'FONT', 'MEDIA'] as const satisfies readonly WorkspaceResourceRow['kind'][];

export function workspaceLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  const visibleById = visibleRowsById(db, principal, onBatch);
  const workspaceResources = (kind: WorkspaceResourceRow['kind']) =>
    groupsByParent(`workspace${kind}`, onBatch, (r: WorkspaceResourceRow) => r.workspaceId, (ids, tenants) => resourcesOfWorkspaces(db, ids, tenants, kind));
  return {
    visibleWorkspaceById: visibleById<WorkspaceRow>('visibleWorkspaceById', { table: workspaces, id: workspaces.id, level: 'workspace', at: workspaces.id }),
    visibleWorkspaceResourceById: visibleRowsByKind<(typeof WORKSPACE_RESOURCE_KINDS)[number], WorkspaceResourceRow>(visibleById, 'Workspace', WORKSPACE_RESOURCE_KINDS, {
      table: workspaceResourcesTable,
      id: workspaceResourcesTable.id,
      level: 'workspace',
      at: workspaceResourcesTable.workspaceId,
      kind: workspaceResourcesTable.kind,
    }),
    visibleGroupById: visibleById<GroupRow>('visibleGroupById', { table: groups, id: groups.id, level: 'workspace', at: groups.workspaceId }),
    workspacesPage: pagesByParent('workspacesPage', onBatch, (ids, page) => visibleWorkspacesOfOrganizations(db, principal, ids, page)),
    workspaceById: referencedRows('workspaceById', onBatch, (ids, tenants) => workspacesByIds(db, ids, tenants)),
    workspaceBySlug: rowsByKey(
      'workspaceBySlug',
      onBatch,
      (k: { organizationId: string; slug: string }) => `${k.organizationId}/${k.slug}`,
      (keys) => visibleWorkspacesBySlug(db, principal, keys),
    ),
    workspaceMembersPage: pagesByParent('workspaceMembersPage', onBatch, (ids, page) => membersOfWorkspaces(db, ids, page)),
    themes: workspaceResources('THEME'),
    fonts: workspaceResources('FONT'),
    workspaceMedia: workspaceResources('MEDIA'),
    workspaceResourceById: referencedRows('workspaceResourceById', onBatch, (ids, tenants) => workspaceResourcesByIds(db, ids, tenants)),
    searchPrincipals: principalSearch(db, onBatch),
    groupsPage: pagesByParent('groupsPage', onBatch, (ids, page) => groupsOfWorkspaces(db, ids, page)),
    groupById: referencedRows('groupById', onBatch, (ids, tenants) => groupsByIds(db, ids, tenants)),
    groupMembersPage: pagesByParent('groupMembersPage', onBatch, (ids, page, tenants) => membersOfGroups(db, ids, page, tenants)),
    groupRoles: groupsByParent('groupRoles', onBatch, (r: GroupRoleRow) => r.groupId, (ids, tenants) => roleRowsOfGroups(db, ids, tenants)),
  };
}
