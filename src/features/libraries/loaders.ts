/** Per-request loaders of libraries and their versions. */
import type { Db } from '../../db/client.js';
import { libraryVersions, type LibraryVersionRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import { groupsByParent, referencedRows, type OnBatch } from '../../lib/batch.js';
import { projectKindLoaders } from '../projects/loaders.js';
import { visibleRowsById } from '../visible-rows.js';
import { libraryVersionsByIds, versionsOfLibraries } from './library-queries.js';

export function libraryLoaders(db: Db, principal: Principal, onBatch: OnBatch) {
  const libraries = projectKindLoaders(db, principal, onBatch, 'LIBRARY', 'library');
  return {
    visibleLibraryById: libraries.byId,
    librariesPage: libraries.page,
    libraryBySlug: libraries.bySlug,
    visibleLibraryVersionById: visibleRowsById(db, principal, onBatch)<LibraryVersionRow>('visibleLibraryVersionById', {
      table: libraryVersions,
      id: libraryVersions.id,
      level: 'project',
      at: libraryVersions.projectId,
    }),
    libraryVersions: groupsByParent('libraryVersions', onBatch, (v: LibraryVersionRow) => v.projectId, (ids, tenants) => versionsOfLibraries(db, ids, tenants)),
    libraryVersionById: referencedRows('libraryVersionById', onBatch, (ids, tenants) => libraryVersionsByIds(db, ids, tenants)),
  };
}
