/**
 * The principal's roles, looked up per request through DataLoaders: a role
 * check on every row of a list costs one query per kind of scope for the
 * whole list. A machine principal's role is in its token's client row
 * already, and it holds no workspace or project roles, so it costs none.
 */
import DataLoader from 'dataloader';
import type { Db, Tx } from '../db/client.js';
import type { OrganizationRole, ProjectRole, WorkspaceRole } from '../db/schema.js';
import { activeMachineClientRole } from '../features/machine-clients/queries.js';
import { userOrganizationRoles } from '../features/organizations/queries.js';
import { userProjectRoles, userWorkspaceRoles } from '../features/workspaces/role-queries.js';
import type { Principal, UserPrincipal } from './principal.js';
import type { HeldRoles } from './roles.js';
import type { Scope } from './scope.js';

export interface Access {
  /** The principal's role in the organization; null when it cannot see it at all. */
  organizationRole(organizationId: string): Promise<OrganizationRole | null>;
  /** Everything the principal holds in a scope. */
  rolesIn(scope: Scope): Promise<HeldRoles>;
  /** The same, read inside a mutation's transaction after the organization lock. */
  rolesInTx(tx: Tx, scope: Scope): Promise<HeldRoles>;
}

const NONE = Object.freeze([]) as readonly never[];

export function createAccess(db: Db, principal: Principal, onBatch: (loader: string) => void): Access {
  switch (principal.kind) {
    case 'anonymous': {
      const held: HeldRoles = { principal: 'anonymous', organization: null, workspace: NONE, project: NONE };
      return { organizationRole: async () => null, rolesIn: async () => held, rolesInTx: async () => held };
    }
    case 'machine': {
      const organizationRole = async (id: string) => (id === principal.organizationId ? principal.role : null);
      const held = (organization: OrganizationRole | null): HeldRoles => ({ principal: 'machine', organization, workspace: NONE, project: NONE });
      return {
        organizationRole,
        rolesIn: async (scope) => held(await organizationRole(scope.organizationId)),
        // Re-read under the lock: a client revoked while this request ran must not write.
        rolesInTx: async (tx, scope) => held(await activeMachineClientRole(tx, principal.machineClientId, scope.organizationId)),
      };
    }
    case 'user':
      return userAccess(db, principal, onBatch);
  }
}

function userAccess(db: Db, principal: UserPrincipal, onBatch: (loader: string) => void): Access {
  const batched = <V>(name: string, fetch: (ids: readonly string[]) => Promise<Map<string, V>>, absent: V) =>
    new DataLoader<string, V>(async (ids) => {
      onBatch(name);
      const found = await fetch(ids);
      return ids.map((id) => found.get(id) ?? absent);
    });
  const organization = batched('organizationRole', (ids) => userOrganizationRoles(db, principal, ids), null);
  const workspace = batched<readonly WorkspaceRole[]>('workspaceRoles', (ids) => userWorkspaceRoles(db, principal.userId, ids), NONE);
  const project = batched<readonly ProjectRole[]>('projectRoles', (ids) => userProjectRoles(db, principal.userId, ids), NONE);

  return {
    organizationRole: (id) => organization.load(id),
    rolesIn: async (scope) => {
      const [org, ws, proj] = await Promise.all([
        organization.load(scope.organizationId),
        scope.workspaceId ? workspace.load(scope.workspaceId) : NONE,
        scope.projectId ? project.load(scope.projectId) : NONE,
      ]);
      return { principal: 'user', organization: org, workspace: ws, project: proj };
    },
    rolesInTx: async (tx, scope) => {
      const org = (await userOrganizationRoles(tx, principal, [scope.organizationId])).get(scope.organizationId) ?? null;
      const ws = scope.workspaceId ? ((await userWorkspaceRoles(tx, principal.userId, [scope.workspaceId])).get(scope.workspaceId) ?? NONE) : NONE;
      const proj = scope.projectId ? ((await userProjectRoles(tx, principal.userId, [scope.projectId])).get(scope.projectId) ?? NONE) : NONE;
      return { principal: 'user', organization: org, workspace: ws, project: proj };
    },
  };
}
