/**
 * Keyset pages of child rows for many parents in one statement: the rows are
 * ranked per parent with a window function, so a list field under a list of
 * parents costs one query however many parents there are. A list's statement
 * is built once per shape (first page, or after a cursor) and only bound
 * afterwards (statements.ts), unless a request adds a predicate of its own.
 */
import { and, getTableColumns, sql, type Placeholder, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Page, SortKey } from '../lib/connection.js';
import type { Db } from './client.js';
import { decoderOf, prefixedColumns } from './rows.js';
import { Statement, type RawRow } from './statements.js';

/** `(columns) > (after)`: the rows that follow the cursor (its values, or their placeholders) in the list's order. */
export function afterKey(columns: readonly PgColumn[], after: readonly unknown[] | null): SQL | undefined {
  if (!after) return undefined;
  // Casts make the parameters' types explicit: a cursor arrives as JSON text and numbers.
  const values = after.map((value, i) => sql`${value}::${sql.raw(castType(columns[i]!))}`);
  return sql`(${sql.join([...columns], sql`, `)}) > (${sql.join(values, sql`, `)})`;
}

/**
 * `column = any($1)`: one array parameter, however many values; `in (...)`
 * with a parameter per value costs more to build than the rest of the query.
 */
export function isAnyOf(column: PgColumn, values: readonly string[] | Placeholder): SQL {
  const array = Array.isArray(values) ? sql.param([...values]) : (values as Placeholder);
  return sql`${column} = any(${array}::${sql.raw(castType(column))}[])`;
}

/** The type a column's values have: serial columns are plain integers once created. */
function castType(column: PgColumn): string {
  const type = column.getSQLType();
  return { bigserial: 'bigint', serial: 'integer', smallserial: 'smallint' }[type] ?? type;
}

/** A row each child points to, read with it: a join instead of a look-up by id afterwards. */
export interface Reference {
  /** The child's property that gets the referenced row; it stays unset where the reference is null. */
  as: string;
  table: PgTable;
  /** (child column, referenced column) pairs that must be equal: the reference first, then the tenant where there is one. */
  on: readonly (readonly [PgColumn, PgColumn])[];
}

/** A list of children, the same for every request: a module-level constant, so that its statements are built once. */
export interface ChildList<T extends PgTable> {
  table: T;
  parent: PgColumn;
  /** The list's order; a cursor holds these columns' values. */
  order: readonly PgColumn[];
  /** Narrows the children further, alike for every request (soft deletion). */
  where?: SQL | undefined;
  /** The children's organization: a look-up stays inside the tenants it was asked for. */
  tenant?: PgColumn | undefined;
  /** Columns (keys) left out of the rows: large ones a list seldom shows, read on their own where asked for. */
  omit?: readonly string[] | undefined;
  references?: readonly Reference[] | undefined;
}

export interface PageOptions {
  /** The organizations the parents belong to (for a list with a `tenant`). */
  tenants?: readonly string[] | undefined;
  /** A predicate of this request alone (what its principal may see): the statement is built for this call. */
  visible?: SQL | undefined;
}

export async function pageChildren<T extends PgTable, Extra = unknown>(
  db: Db,
  list: ChildList<T>,
  parentIds: readonly string[],
  page: Page<SortKey>,
  options: PageOptions = {},
): Promise<Map<string, (T['$inferSelect'] & Extra)[]>> {
  if (list.tenant && !options.tenants) throw new Error('a list inside its tenants needs the tenants asked for');
  const statement = options.visible ? new Statement(() => pageSql(list, page.after !== null, options.visible)) : statementOf(list, page.after !== null);
  const values: Record<string, unknown> = { parents: [...parentIds], tenants: options.tenants ? [...options.tenants] : [], limit: page.limit };
  page.after?.forEach((value, i) => (values[`after${i}`] = value));
  const rows = decodePage(list, await statement.rows(db, values));
  const parentKey = parentKeyOf(list);
  const byParent = new Map<string, (T['$inferSelect'] & Extra)[]>(parentIds.map((id) => [id, []]));
  for (const row of rows) byParent.get(row[parentKey] as string)?.push(row as T['$inferSelect'] & Extra);
  return byParent;
}

const statements = new WeakMap<ChildList<PgTable>, Statement[]>();

/** The list's statement for a first page (0) or a page after a cursor (1). */
function statementOf(list: ChildList<PgTable>, after: boolean): Statement {
  let shapes = statements.get(list);
  if (!shapes) statements.set(list, (shapes = []));
  return (shapes[after ? 1 : 0] ??= new Statement(() => pageSql(list, after)));
}

const alias = (i: number) => sql.identifier(`r${i}`);

function pageSql(list: ChildList<PgTable>, after: boolean, visible?: SQL): SQL {
  const columns = list.omit ? selectedColumns(list.table, list.omit) : sql`${list.table}.*`;
  const where = and(
    isAnyOf(list.parent, sql.placeholder('parents')),
    list.tenant && isAnyOf(list.tenant, sql.placeholder('tenants')),
    afterKey(list.order, after ? list.order.map((_, i) => sql.placeholder(`after${i}`)) : null),
    list.where,
    visible,
  );
  const ranked = sql`select ${columns}, row_number() over (partition by ${list.parent} order by ${sql.join([...list.order], sql`, `)}) as orgraph_rank
    from ${list.table} where ${where}`;
  const references = list.references ?? [];
  const referenced = references.map((ref, i) => prefixedColumns(ref.table, `r${i}`, `r${i}.`));
  const joins = references.map(
    (ref, i) =>
      sql` left join ${ref.table} ${alias(i)} on ${sql.join(
        ref.on.map(([child, target]) => sql`${alias(i)}.${sql.identifier(target.name)} = ranked.${sql.identifier(child.name)}`),
        sql` and `,
      )}`,
  );
  return sql`select ranked.*${sql.join(referenced)} from (${ranked}) ranked${sql.join(joins)}
    where orgraph_rank <= ${sql.placeholder('limit')} order by orgraph_rank`;
}

/** The children, each with the rows it references; a row referenced by several children is decoded once. */
function decodePage(list: ChildList<PgTable>, raw: RawRow[]): RawRow[] {
  const decode = decoderOf(list.table, list.omit);
  const references = (list.references ?? []).map((ref, i) => ({
    as: ref.as,
    decode: decoderOf(ref.table, [], `r${i}.`),
    key: `r${i}.${ref.on[0]![1].name}`,
    seen: new Map<unknown, RawRow>(),
  }));
  return raw.map((cells) => {
    const row = decode(cells);
    for (const ref of references) {
      const key = cells[ref.key];
      if (key === null || key === undefined) continue;
      let target = ref.seen.get(key);
      if (!target) ref.seen.set(key, (target = ref.decode(cells)));
      row[ref.as] = target;
    }
    return row;
  });
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
