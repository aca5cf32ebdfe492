/**
 * The per-request DataLoaders, built by the context for one principal. Reads
 * of related rows go through them, so no field costs a query per row.
 */
import type { Principal } from './auth/principal.js';
import type { Db } from './db/client.js';
import type { PackageVersionRow } from './db/schema.js';
import { groupsByParent, pagesByParent, rowsById, rowsByKey, type OnBatch } from './graphql/batch.js';
import {
  environmentsOfOrganizations,
  eventsOfEnvironments,
  generationsByNumber,
  generationsOfEnvironments,
  liveEnvironmentsByIds,
  liveEnvironmentsByName,
} from './features/environments/queries.js';
import { packagesByIds, packagesByName, packagesOfOrganizations, versionsOfPackages } from './features/packages/queries.js';
import { machineClientsByIds, machineClientsOfOrganizations } from './features/machine-clients/queries.js';
import { membersOfOrganizations } from './features/members/queries.js';
import { visibleOrganizationsByIds } from './features/organizations/queries.js';
import { usersByIds } from './features/users/queries.js';

type Named = { organizationId: string; name: string };
const byOrgAndName = (k: Named) => `${k.organizationId}/${k.name}`;

export function createLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  return {
    environmentsPage: pagesByParent('environmentsPage', onBatch, (ids, page) => environmentsOfOrganizations(db, ids, page)),
    environmentById: rowsById('environmentById', onBatch, (ids) => liveEnvironmentsByIds(db, ids)),
    environmentByName: rowsByKey('environmentByName', onBatch, byOrgAndName, (keys: readonly Named[]) => liveEnvironmentsByName(db, keys)),
    generationsPage: pagesByParent('generationsPage', onBatch, (ids, page, tenants) => generationsOfEnvironments(db, ids, page, tenants)),
    generationByNumber: rowsByKey(
      'generationByNumber',
      onBatch,
      (k: { environmentId: string; number: number }) => `${k.environmentId}#${k.number}`,
      (keys) => generationsByNumber(db, keys),
    ),
    environmentEventsPage: pagesByParent('environmentEventsPage', onBatch, (ids, page, tenants) => eventsOfEnvironments(db, ids, page, tenants)),
    packagesPage: pagesByParent('packagesPage', onBatch, (ids, page) => packagesOfOrganizations(db, ids, page)),
    packageById: rowsById('packageById', onBatch, (ids) => packagesByIds(db, ids)),
    packageByName: rowsByKey('packageByName', onBatch, byOrgAndName, (keys: readonly Named[]) => packagesByName(db, keys)),
    packageVersions: groupsByParent('packageVersions', onBatch, (v: PackageVersionRow) => v.packageId, (ids, tenants) => versionsOfPackages(db, ids, tenants)),
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
