/** Per-request loaders of users, who live outside every organization. */
import type { Db } from '../../db/client.js';
import { referencedGlobalRows, type OnBatch } from '../../lib/batch.js';
import { usersByIds } from './user-queries.js';

export function viewerLoaders(db: Db, onBatch: OnBatch) {
  return {
    /** Users that rows of the principal's organizations reference (members, authors, owners). */
    userById: referencedGlobalRows('userById', onBatch, (ids) => usersByIds(db, ids)),
  };
}
