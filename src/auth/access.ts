/**
 * The principal's roles, looked up per request through a DataLoader: a role
 * check on every row of a list costs one query for the whole list. A machine
 * principal's role is in its token's client row already, so it costs none.
 */
import DataLoader from 'dataloader';
import type { Db, Tx } from '../db/client.js';
import type { OrganizationRole } from '../db/schema.js';
import { activeMachineClientRole } from '../features/machine-clients/queries.js';
import { userOrganizationRoles } from '../features/organizations/queries.js';
import type { Principal } from './principal.js';

export interface Access {
  /** The principal's role in the organization; null when it cannot see it at all. */
  organizationRole(organizationId: string): Promise<OrganizationRole | null>;
  /** The same, read inside a mutation's transaction after the organization lock. */
  organizationRoleIn(tx: Tx, organizationId: string): Promise<OrganizationRole | null>;
}

export function createAccess(db: Db, principal: Principal, onBatch: () => void): Access {
  switch (principal.kind) {
    case 'anonymous':
      return { organizationRole: async () => null, organizationRoleIn: async () => null };
    case 'machine':
      return {
        organizationRole: async (id) => (id === principal.organizationId ? principal.role : null),
        // Re-read under the lock: a client revoked while this request ran must not write.
        organizationRoleIn: (tx, id) => activeMachineClientRole(tx, principal.machineClientId, id),
      };
    case 'user': {
      const loader = new DataLoader<string, OrganizationRole | null>(async (ids) => {
        onBatch();
        const roles = await userOrganizationRoles(db, principal, ids);
        return ids.map((id) => roles.get(id) ?? null);
      });
      return {
        organizationRole: (id) => loader.load(id),
        organizationRoleIn: async (tx, id) => (await userOrganizationRoles(tx, principal, [id])).get(id) ?? null,
      };
    }
  }
}
