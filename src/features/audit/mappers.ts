/** The rows behind the audit log's GraphQL types (read by `npm run codegen`: each `<Type>Mapper`). */
import type { AuditEventRow } from '../../db/schema.js';

export type AuditEventMapper = AuditEventRow;
