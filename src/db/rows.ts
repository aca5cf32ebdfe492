/**
 * Rows of one table read through `db.execute`, decoded column by column as
 * Drizzle's select would, with the decoders looked up once per table instead
 * of once per cell: on lists of a hundred rows Drizzle's own mapping (a
 * prototype walk per cell) costs more than the query.
 */
import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client.js';

type Decode = (raw: Record<string, unknown>) => Record<string, unknown>;

const decoders = new WeakMap<PgTable, Map<string, Decode>>();

/** Decodes a row of `table` (but the columns `omit` names) from its columns' SQL names, each after `prefix`. */
export function decoderOf(table: PgTable, omit: readonly string[] = [], prefix = ''): Decode {
  const ofTable = decoders.get(table) ?? new Map<string, Decode>();
  decoders.set(table, ofTable);
  const shape = `${prefix}|${omit.join(',')}`;
  let decode = ofTable.get(shape);
  if (!decode) {
    const columns = Object.entries(getTableColumns(table))
      .filter(([key]) => !omit.includes(key))
      .map(([key, column]) => ({ key, name: prefix + column.name, column }));
    decode = (raw) => {
      const row: Record<string, unknown> = {};
      for (const { key, name, column } of columns) {
        const value = raw[name];
        row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
      }
      return row;
    };
    ofTable.set(shape, decode);
  }
  return decode;
}

/** `, alias.column as "prefix.column"` for every column of `table`: a joined row's cells, for `decoderOf(table, [], prefix)`. */
export function prefixedColumns(table: PgTable, alias: string, prefix: string): SQL {
  return sql.join(Object.values(getTableColumns(table)).map((c) => sql`, ${sql.identifier(alias)}.${sql.identifier(c.name)} as ${sql.identifier(prefix + c.name)}`));
}

/** Runs `query`, whose rows carry every column of `table` (but those omitted) under its SQL name, and decodes them. */
export async function selectRows<T extends PgTable>(db: Db, table: T, query: SQL, omit?: readonly string[]): Promise<T['$inferSelect'][]> {
  const { rows } = (await db.execute(query)) as unknown as { rows: Record<string, unknown>[] };
  const decode = decoderOf(table, omit);
  return rows.map(decode) as T['$inferSelect'][];
}

/**
 * The row a statement returns by construction (an INSERT ... RETURNING, an
 * upsert, an UPDATE of a row read under the organization's lock): its
 * absence would be a bug, and is reported as one rather than asserted away.
 */
export function theRow<T>(rows: T[], what: string): T {
  const [row] = rows;
  if (row === undefined) throw new Error(`${what} returned no row`);
  return row;
}
