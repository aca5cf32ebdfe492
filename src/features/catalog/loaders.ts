/** The catalog's per-request loaders: one statement per batch, pages per parent in one statement. */
import type { Db } from '../../db/client.js';
import { environments, packages, type EnvironmentRow, type PackageRow, type PackageVersionRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { groupsByParent, pagesByParent, referencedRows, rowsByKey, type OnBatch } from '../../lib/batch.js';
import { visibleRowsById } from '../visible-rows.js';
import {
  environmentsOfOrganizations,
  eventsOfEnvironments,
  generationsByNumber,
  generationsOfEnvironments,
  type GenerationKey,
  live,
  liveEnvironmentsByName,
  manifestsOfGenerations,
} from './environment-queries.js';
import { packagesByName, packagesOfOrganizations, versionsOfPackages } from './package-queries.js';

type Named = { organizationId: string; name: string };
const byOrgAndName = (k: Named) => `${k.organizationId}/${k.name}`;

export function catalogLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  const visibleById = visibleRowsById(db, principal, onBatch);
  return {
    visibleEnvironmentById: visibleById<EnvironmentRow>('visibleEnvironmentById', {
      table: environments,
      id: environments.id,
      level: 'organization',
      at: environments.organizationId,
      where: live,
    }),
    visiblePackageById: visibleById<PackageRow>('visiblePackageById', { table: packages, id: packages.id, level: 'organization', at: packages.organizationId }),
    environmentsPage: pagesByParent('environmentsPage', onBatch, (ids, page) => environmentsOfOrganizations(db, ids, page)),
    environmentByName: rowsByKey('environmentByName', onBatch, byOrgAndName, (keys: readonly Named[]) => liveEnvironmentsByName(db, keys)),
    generationsPage: pagesByParent('generationsPage', onBatch, (ids, page, tenants) => generationsOfEnvironments(db, ids, page, tenants)),
    generationManifest: referencedRows('generationManifest', onBatch, (ids, tenants) => manifestsOfGenerations(db, ids, tenants)),
    generationByNumber: rowsByKey(
      'generationByNumber',
      onBatch,
      (k: GenerationKey) => `${k.organizationId}/${k.environmentId}#${k.number}`,
      (keys) => generationsByNumber(db, keys),
    ),
    environmentEventsPage: pagesByParent('environmentEventsPage', onBatch, (ids, page, tenants) => eventsOfEnvironments(db, ids, page, tenants)),
    packagesPage: pagesByParent('packagesPage', onBatch, (ids, page) => packagesOfOrganizations(db, ids, page)),
    packageByName: rowsByKey('packageByName', onBatch, byOrgAndName, (keys: readonly Named[]) => packagesByName(db, keys)),
    packageVersions: groupsByParent('packageVersions', onBatch, (v: PackageVersionRow) => v.packageId, (ids, tenants) => versionsOfPackages(db, ids, tenants)),
  };
}
