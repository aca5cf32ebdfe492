/** Per-request loaders of organizations, their members and machine clients. */
import type { Db } from '../../db/client.js';
import { machineClients, type MachineClientRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { pagesByParent, referencedGlobalRows, referencedRows, rowsById, type OnBatch } from '../../lib/batch.js';
import { visibleRowsById } from '../visible-rows.js';
import { machineClientsByIds, machineClientsOfOrganizations } from './machine-client-queries.js';
import { membersOfOrganizations } from './member-queries.js';
import { organizationsByIds, visibleOrganizationsByIds } from './organization-queries.js';

export function organizationLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  return {
    visibleOrganizationById: rowsById('visibleOrganizationById', onBatch, (ids) => visibleOrganizationsByIds(db, principal, ids)),
    /** The organization of an object the principal reached: its rule is checked where it enters the response. */
    organizationById: referencedGlobalRows('organizationById', onBatch, (ids) => organizationsByIds(db, ids)),
    visibleMachineClientById: visibleRowsById(db, principal, onBatch)<MachineClientRow>('visibleMachineClientById', {
      table: machineClients,
      id: machineClients.id,
      level: 'organization',
      at: machineClients.organizationId,
    }),
    machineClientById: referencedRows('machineClientById', onBatch, (ids, tenants) => machineClientsByIds(db, ids, tenants)),
    membersPage: pagesByParent('membersPage', onBatch, (ids, page) => membersOfOrganizations(db, ids, page)),
    machineClientsPage: pagesByParent('machineClientsPage', onBatch, (ids, page) => machineClientsOfOrganizations(db, ids, page)),
  };
}
