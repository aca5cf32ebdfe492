/** The values behind the access feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { Connection } from '../../lib/connection.js';
import type { Explanation } from './explanation.js';
import type { ReviewEntry } from './review.js';

export type AccessExplanationMapper = Explanation;
export type AccessGrantMapper = Explanation['grants'][number];
export type AccessReviewEntryMapper = ReviewEntry;
export type AccessReviewConnectionMapper = Connection<ReviewEntry>;
