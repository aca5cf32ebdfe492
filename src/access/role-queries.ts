/**
 * The roles a principal holds, read from the database: a user's workspace
 * and project roles (direct and through groups) for many scopes in one
 * statement each, the look-ups behind @requiresRole; and, inside a
 * mutation's transaction, its organization role again.
 */
import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { groupMembers, machineClients, projectGrants, workspaceRoles, type OrganizationRole, type ProjectRole, type WorkspaceRole } from '../db/schema.js';
import { actingMemberships } from '../identity/memberships.js';
import type { UserPrincipal } from '../identity/principal.js';

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

/** A user's roles in the given organizations, as its token lets it act (narrowed by `org_id`). */
export async function userOrganizationRoles(db: Db | Tx, principal: UserPrincipal, organizationIds: readonly string[]): Promise<Map<string, OrganizationRole>> {
  const acting = actingMemberships(principal.organizationExternalId, { userId: principal.userId, organizationIds }).as('acting');
  const rows = await db.select({ organizationId: acting.organizationId, role: acting.role }).from(acting);
  return new Map(rows.map((r) => [r.organizationId, r.role]));
}

/** A machine client's role in its organization, or null once revoked. */
export async function activeMachineClientRole(tx: Tx, machineClientId: string, organizationId: string): Promise<OrganizationRole | null> {
  const [row] = await tx
    .select({ role: machineClients.role, revokedAt: machineClients.revokedAt })
    .from(machineClients)
    .where(and(eq(machineClients.id, machineClientId), eq(machineClients.organizationId, organizationId)));
  return row && row.revokedAt === null ? row.role : null;
}
