/** The SQLSTATE of database errors, whichever engine raised them. */

/** The SQLSTATE of a database error, whichever driver (and Drizzle wrapper) raised it. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** Postgres refused a write: the database is read-only (a replica, or default_transaction_read_only). */
export const isReadOnly = (error: unknown) => sqlState(error) === '25006';
