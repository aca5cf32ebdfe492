/**
 * The per-request DataLoaders, built by the context for one principal. Reads
 * of related rows go through them, so no field costs a query per row.
 */
import type { Principal } from './auth/principal.js';
import type { Db } from './db/client.js';
import { rowsById, pagesByParent, type OnBatch } from './graphql/batch.js';
import { machineClientsByIds, machineClientsOfOrganizations } from './features/machine-clients/queries.js';
import { membersOfOrganizations } from './features/members/queries.js';
import { visibleOrganizationsByIds } from './features/organizations/queries.js';
import { usersByIds } from './features/users/queries.js';

export function createLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  return {
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
