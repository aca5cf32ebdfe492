/**
 * Keyset pages of child rows for many parents in one statement: the rows are
 * ranked per parent with a window function, so a list field under a list of
 * parents costs one query however many parents there are.
 */
import { and, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Page, SortKey } from '../lib/connection.js';
import type { Db } from './client.js';
import { selectRows } from './rows.js';

/** `(columns) > (after)`: the rows that follow the cursor in the list's order. */
export function afterKey(columns: readonly PgColumn[], after: SortKey | null): SQL | undefined {
  if (!after) return undefined;
  // Casts make the parameters' types explicit: a cursor arrives as JSON text and numbers.
  const values = after.map((value, i) => sql`${value}::${sql.raw(castType(columns[i]!))}`);
  return sql`(${sql.join([...columns], sql`, `)}) > (${sql.join(values, sql`, `)})`;
}

/**
 * `column = any($1)`: one array parameter, however many values; `in (...)`
 * with a parameter per value costs more to build than the rest of the query.
 */
export function isAnyOf(column: PgColumn, values: readonly string[]): SQL {
  return sql`${column} = any(${sql.param([...values])}::${sql.raw(castType(column))}[])`;
}

/** The type a column's values have: serial columns are plain integers once created. */
function castType(column: PgColumn): string {
  const type = column.getSQLType();
  return { bigserial: 'bigint', serial: 'integer', smallserial: 'smallint' }[type] ?? type;
}

export interface ChildList<T extends PgTable> {
  table: T;
  parent: PgColumn;
  /** The list's order; a cursor holds these columns' values. */
  order: readonly PgColumn[];
  /** Narrows the children further (tenant, soft deletion). */
  where?: SQL | undefined;
  /** Columns (keys) left out of the rows: large ones a list seldom shows, read on their own where asked for. */
  omit?: readonly string[] | undefined;
}

export async function pageChildren<T extends PgTable>(
  db: Db,
  list: ChildList<T>,
  parentIds: readonly string[],
  page: Page<SortKey>,
): Promise<Map<string, T['$inferSelect'][]>> {
  const columns = list.omit ? selectedColumns(list.table, list.omit) : sql`${list.table}.*`;
  const ranked = sql`select ${columns}, row_number() over (partition by ${list.parent} order by ${sql.join([...list.order], sql`, `)}) as orgraph_rank
    from ${list.table} where ${and(isAnyOf(list.parent, parentIds), afterKey(list.order, page.after), list.where)}`;
  const rows = await selectRows(db, list.table, sql`select * from (${ranked}) ranked where orgraph_rank <= ${page.limit} order by orgraph_rank`, list.omit);
  const parentKey = parentKeyOf(list);
  const byParent = new Map<string, T['$inferSelect'][]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(row[parentKey] as string)?.push(row);
  return byParent;
}

function selectedColumns(table: PgTable, omit: readonly string[]): SQL {
  const kept = Object.entries(getTableColumns(table)).filter(([key]) => !omit.includes(key));
  return sql.join(
    kept.map(([, column]) => column),
    sql`, `,
  );
}

const parentKeys = new WeakMap<PgColumn, string>();

/** The property of a row that holds the list's parent id. */
function parentKeyOf(list: ChildList<PgTable>): string {
  let key = parentKeys.get(list.parent);
  if (key === undefined) {
    key = Object.entries(getTableColumns(list.table)).find(([, c]) => c === list.parent)![0];
    parentKeys.set(list.parent, key);
  }
  return key;
}
