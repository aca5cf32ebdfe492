/**
 * A user's workspace and project roles, direct and through groups, for many
 * scopes in one statement each: the look-ups behind @requiresRole.
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { groupMembers, projectGrants, workspaceRoles, type ProjectRole, type WorkspaceRole } from '../../db/schema.js';

function collect<K, V>(rows: { key: K; role: V }[]): Map<K, V[]> {
  const map = new Map<K, V[]>();
  for (const { key, role } of rows) map.set(key, [...(map.get(key) ?? []), role]);
  return map;
}

export async function userWorkspaceRoles(db: Db | Tx, userId: string, workspaceIds: readonly string[]): Promise<Map<string, WorkspaceRole[]>> {
  const direct = db
    .select({ key: workspaceRoles.workspaceId, role: workspaceRoles.role })
    .from(workspaceRoles)
    .where(and(eq(workspaceRoles.userId, userId), inArray(workspaceRoles.workspaceId, [...workspaceIds])));
  const viaGroups = db
    .select({ key: workspaceRoles.workspaceId, role: workspaceRoles.role })
    .from(workspaceRoles)
    .innerJoin(groupMembers, eq(groupMembers.groupId, workspaceRoles.groupId))
    .where(and(eq(groupMembers.userId, userId), inArray(workspaceRoles.workspaceId, [...workspaceIds]), isNotNull(workspaceRoles.groupId)));
  return collect(await direct.union(viaGroups));
}

export async function userProjectRoles(db: Db | Tx, userId: string, projectIds: readonly string[]): Promise<Map<string, ProjectRole[]>> {
  const direct = db
    .select({ key: projectGrants.projectId, role: projectGrants.role })
    .from(projectGrants)
    .where(and(eq(projectGrants.userId, userId), inArray(projectGrants.projectId, [...projectIds])));
  const viaGroups = db
    .select({ key: projectGrants.projectId, role: projectGrants.role })
    .from(projectGrants)
    .innerJoin(groupMembers, eq(groupMembers.groupId, projectGrants.groupId))
    .where(and(eq(groupMembers.userId, userId), inArray(projectGrants.projectId, [...projectIds])));
  return collect(await direct.union(viaGroups));
}
