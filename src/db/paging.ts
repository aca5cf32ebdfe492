/**
 * Keyset pages of child rows for many parents in one statement: the rows are
 * ranked per parent with a window function, so a list field under a list of
 * parents costs one query however many parents there are.
 */
import { and, getTableColumns, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Page, SortKey } from '../graphql/connection.js';
import type { Db } from './client.js';

/** `(columns) > (after)`: the rows that follow the cursor in the list's order. */
export function afterKey(columns: readonly PgColumn[], after: SortKey | null): SQL | undefined {
  if (!after) return undefined;
  // Casts make the parameters' types explicit: a cursor arrives as JSON text and numbers.
  const values = after.map((value, i) => sql`${value}::${sql.raw(castType(columns[i]!))}`);
  return sql`(${sql.join([...columns], sql`, `)}) > (${sql.join(values, sql`, `)})`;
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
}

export async function pageChildren<T extends PgTable>(
  db: Db,
  list: ChildList<T>,
  parentIds: readonly string[],
  page: Page<SortKey>,
): Promise<Map<string, T['$inferSelect'][]>> {
  // Drizzle cannot type a subquery over a generic table; the shape is the table's own row plus `rank`.
  const ranked: any = db
    .select({
      ...getTableColumns(list.table),
      rank: sql<number>`row_number() over (partition by ${list.parent} order by ${sql.join([...list.order], sql`, `)})`.as('rank'),
    })
    .from(list.table as PgTable)
    .where(and(inArray(list.parent, [...parentIds]), afterKey(list.order, page.after), list.where))
    .as('ranked');
  const rows: Record<string, unknown>[] = await db.select().from(ranked).where(lte(ranked.rank, page.limit));
  const parentKey = Object.entries(getTableColumns(list.table)).find(([, c]) => c === list.parent)![0];
  const byParent = new Map<string, T['$inferSelect'][]>(parentIds.map((id) => [id, []]));
  rows
    .sort((a, b) => Number(a.rank) - Number(b.rank))
    .forEach(({ rank: _rank, ...row }) => byParent.get(row[parentKey] as string)?.push(row as T['$inferSelect']));
  return byParent;
}
