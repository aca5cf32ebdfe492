/**
 * The principal's roles. Its organization roles come with the principal (a
 * user's are read with its users row, a machine client's role is on its
 * client row), so a check at the organization level is decided on the spot,
 * without a promise. Workspace and project roles are looked up per request
 * through DataLoaders (one query per kind of scope for a whole list) and kept
 * once known, so every later check in the same scope is synchronous too.
 */
import DataLoader from 'dataloader';
import type { Db, Tx } from '../db/client.js';
import type { OrganizationRole, ProjectRole, WorkspaceRole } from '../db/schema.js';
import { activeMachineClientRole, userOrganizationRoles, userProjectRoles, userWorkspaceRoles } from './role-queries.js';
import type { OnBatch } from '../lib/batch.js';
import type { Principal, UserPrincipal } from '../identity/principal.js';
import type { HeldRoles } from './roles.js';
import type { Scope } from './scopes.js';

export interface Access {
  /** The principal's role in the organization; null when it cannot see it at all. */
  organizationRole(organizationId: string): OrganizationRole | null;
  /** Everything the principal holds in a scope; a value, not a promise, once the scope's roles are known. */
  rolesIn(scope: Scope): HeldRoles | Promise<HeldRoles>;
  /** The same, read inside a mutation's transaction after the organization lock. */
  rolesInTx(tx: Tx, scope: Scope): Promise<HeldRoles>;
}

const NONE = Object.freeze([]) as readonly never[];

export function createAccess(db: Db, principal: Principal, onBatch: OnBatch): Access {
  switch (principal.kind) {
    case 'anonymous': {
      const held: HeldRoles = Object.freeze({ principal: 'anonymous', organization: null, workspace: NONE, project: NONE });
      return { organizationRole: () => null, rolesIn: () => held, rolesInTx: async () => held };
    }
    case 'machine': {
      const mine: HeldRoles = Object.freeze({ principal: 'machine', organization: principal.role, workspace: NONE, project: NONE });
      const elsewhere: HeldRoles = Object.freeze({ ...mine, organization: null });
      return {
        organizationRole: (id) => (id === principal.organizationId ? principal.role : null),
        rolesIn: (scope) => (scope.organizationId === principal.organizationId ? mine : elsewhere),
        // Re-read under the lock: a client revoked while this request ran must not write.
        rolesInTx: async (tx, scope) => ({
          ...mine,
          organization: await activeMachineClientRole(tx, principal.machineClientId, scope.organizationId),
        }),
      };
    }
    case 'user':
      return userAccess(db, principal, onBatch);
  }
}

function userAccess(db: Db, principal: UserPrincipal, onBatch: OnBatch): Access {
  /** Roles by workspace or project id, filled as the loaders answer, so a scope is looked up once. */
  const known = new Map<string, readonly (WorkspaceRole | ProjectRole)[]>();
  const batched = <R extends WorkspaceRole | ProjectRole>(name: string, fetch: (ids: readonly string[]) => Promise<Map<string, readonly R[]>>) =>
    new DataLoader<string, readonly R[]>(async (ids) => {
      onBatch(name);
      const found = await fetch(ids);
      return ids.map((id) => {
        const roles = found.get(id) ?? NONE;
        known.set(id, roles);
        return roles;
      });
    });
  const workspace = batched<WorkspaceRole>('workspaceRoles', (ids) => userWorkspaceRoles(db, principal.userId, ids));
  const project = batched<ProjectRole>('projectRoles', (ids) => userProjectRoles(db, principal.userId, ids));
  const organizationRole = (id: string) => principal.organizationRoles.get(id) ?? null;
  const held = (scope: Scope, workspaceRoles: readonly WorkspaceRole[], projectRoles: readonly ProjectRole[]): HeldRoles => ({
    principal: 'user',
    organization: organizationRole(scope.organizationId),
    workspace: workspaceRoles,
    project: projectRoles,
  });
  const atOrganization = new Map<string, HeldRoles>();

  return {
    organizationRole,
    rolesIn: (scope) => {
      const { organizationId, workspaceId, projectId } = scope;
      if (!workspaceId && !projectId) {
        let roles = atOrganization.get(organizationId);
        if (!roles) atOrganization.set(organizationId, (roles = held(scope, NONE, NONE)));
        return roles;
      }
      // Outside its organizations a user holds nothing, whatever rows say: no look-up needed.
      if (organizationRole(organizationId) === null) return held(scope, NONE, NONE);
      const ws = workspaceId ? (known.get(workspaceId) as readonly WorkspaceRole[] | undefined) : NONE;
      const proj = projectId ? (known.get(projectId) as readonly ProjectRole[] | undefined) : NONE;
      if (ws && proj) return held(scope, ws, proj);
      return Promise.all([ws ?? workspace.load(workspaceId!), proj ?? project.load(projectId!)]).then(([w, p]) => held(scope, w, p));
    },
    rolesInTx: async (tx, scope) => {
      const org = (await userOrganizationRoles(tx, principal, [scope.organizationId])).get(scope.organizationId) ?? null;
      const ws = scope.workspaceId ? ((await userWorkspaceRoles(tx, principal.userId, [scope.workspaceId])).get(scope.workspaceId) ?? NONE) : NONE;
      const proj = scope.projectId ? ((await userProjectRoles(tx, principal.userId, [scope.projectId])).get(scope.projectId) ?? NONE) : NONE;
      return { principal: 'user', organization: org, workspace: ws, project: proj };
    },
  };
}
