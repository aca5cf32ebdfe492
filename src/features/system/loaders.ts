/** Per-request loaders of the organizations' system settings. */
import type { Db } from '../../db/client.js';
import type { OrganizationResourceRow } from '../../db/schema.js';
import { groupsByParent, type OnBatch } from '../../lib/batch.js';
import { resourcesOfOrganizations } from './system-queries.js';

export function systemLoaders(db: Db, onBatch: OnBatch) {
  const of = (kind: OrganizationResourceRow['kind']) =>
    groupsByParent(`organization${kind}`, onBatch, (r: OrganizationResourceRow) => r.organizationId, (ids) => resourcesOfOrganizations(db, ids, kind));
  return { globalFonts: of('FONT'), outOfOfficePolicies: of('OUT_OF_OFFICE_POLICY') };
}
