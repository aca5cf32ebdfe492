/** The values behind the access feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { Explanation } from './explanation.js';

export type AccessExplanationMapper = Explanation;
export type AccessGrantMapper = Explanation['grants'][number];
