/**
 * Loaders of rows by id that only find what the principal can see
 * (access/visibility.ts): what `node(id:)` and a mutation's scope argument
 * look objects up with, so an invisible row costs and reads exactly as a row
 * that does not exist.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { ScopeLevel } from '../access/roles.js';
import { isVisibleAt } from '../access/visibility.js';
import type { Db } from '../db/client.js';
import { isAnyOf } from '../db/paging.js';
import { selectRows } from '../db/rows.js';
import type { Principal } from '../identity/principal.js';
import { byKind, rowsById, type OnBatch } from '../lib/batch.js';

export interface VisibleRows {
  table: PgTable;
  id: PgColumn;
  /** The level where these rows are seen, and the column holding the id of their object of that level. */
  level: ScopeLevel;
  at: PgColumn;
  /** Narrows further (e.g. not deleted). */
  where?: SQL;
}

export function visibleRowsById(db: Db, principal: Principal, onBatch: OnBatch) {
  return <R extends { id: string }>(name: string, rows: VisibleRows) =>
    rowsById<R>(name, onBatch, async (ids) => {
      const condition = and(isAnyOf(rows.id, ids), isVisibleAt(principal, rows.level, rows.at), rows.where);
      return (await selectRows(db, rows.table, sql`select * from ${rows.table} where ${condition}`)) as R[];
    });
}

/** A table of resources of several kinds (one `kind` column): one loader of visible rows by id per kind. */
export function visibleRowsByKind<K extends string, R extends { id: string }>(
  visibleById: ReturnType<typeof visibleRowsById>,
  name: string,
  kinds: readonly K[],
  rows: Omit<VisibleRows, 'where'> & { kind: PgColumn },
): Record<K, ReturnType<typeof rowsById<R>>> {
  return byKind(kinds, (kind) => visibleById<R>(`visible${name}${kind}ById`, { table: rows.table, id: rows.id, level: rows.level, at: rows.at, where: eq(rows.kind, kind) }));
}
