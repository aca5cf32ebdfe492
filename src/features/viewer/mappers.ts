/** The rows behind the viewer's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { UserRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';

export type ViewerMapper = Principal;
export type UserMapper = UserRow;
