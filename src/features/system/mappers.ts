/** The rows behind the system feature's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { OrganizationResourceRow } from '../../db/schema.js';

export type GlobalFontMapper = OrganizationResourceRow;
export type OutOfOfficePolicyMapper = OrganizationResourceRow;
