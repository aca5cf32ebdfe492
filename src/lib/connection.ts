/**
 * Relay connections over keyset pagination. A cursor is the opaque encoding
 * of the sort key of its row, so pages stay stable while rows are added.
 */
import { badInput } from '../errors.js';
import { UUID } from './global-id.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<K> {
  /** Rows to fetch: one more than the page, to learn whether another page follows. */
  limit: number;
  /** The sort key after which the page starts, or null for the first page. */
  after: K | null;
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

export function readPage<K>(args: PageArgs, isKey: (value: unknown) => value is K): Page<K> {
  const first = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return { limit: first + 1, after: args.after ? decodeCursor(args.after, isKey) : null };
}

/** An edge encodes its cursor when a client asks for it: most queries read nodes only. */
class Edge<T, K> {
  constructor(
    readonly node: T,
    private readonly keyOf: (row: T) => K,
  ) {}
  get cursor(): string {
    return encodeCursor(this.keyOf(this.node));
  }
}

/** Its cursors are read off its edges on demand, by getters on the prototype: a page builds no closure. */
class PageInfo<T, K> {
  constructor(
    private readonly edges: readonly Edge<T, K>[],
    readonly hasNextPage: boolean,
    readonly hasPreviousPage: boolean,
  ) {}
  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }
  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

/** `rows` holds up to `page.limit` rows: the page, and one more where another page follows. */
export function toConnection<T, K>(rows: readonly T[], page: Page<K>, keyOf: (row: T) => K): Connection<T> {
  // A connection is built for every parent of a nested list: no copy of the rows, no closure per call.
  const edges: Edge<T, K>[] = [];
  const size = Math.min(rows.length, page.limit - 1);
  for (let i = 0; i < size; i++) edges.push(new Edge(rows[i] as T, keyOf));
  return { edges, pageInfo: new PageInfo(edges, rows.length >= page.limit, page.after !== null) };
}

function encodeCursor(key: unknown): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor<K>(cursor: string, isKey: (value: unknown) => value is K): K {
  // One spelling per cursor, as for IDs: the decoder alone would skip stray characters.
  if (cursor.length > 500 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badInput('after is not a cursor of this list', 'after');
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (isKey(value)) return value;
  } catch {
    // fall through to the one error a client sees
  }
  throw badInput('after is not a cursor of this list', 'after');
}

/** A row's position in its list: the values of the list's ORDER BY columns. */
export type SortKey = readonly (string | number)[];

/**
 * Cursor key for lists ordered by (created_at, id). A key is checked as
 * strictly as Postgres will read it: a date that JavaScript would roll over
 * (February 31st becomes March 2nd) or that Postgres has no year for is not
 * a cursor any page handed out.
 */
export type TimeKey = [string, string];
const ISO_TIME = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const isTimestamp = (v: unknown): v is string => {
  if (typeof v !== 'string') return false;
  const year = ISO_TIME.exec(v)?.[1];
  const time = Date.parse(v);
  return year !== undefined && Number(year) >= 1 && !Number.isNaN(time) && new Date(time).toISOString() === v;
};
export const isTimeKey = (v: unknown): v is TimeKey =>
  Array.isArray(v) && v.length === 2 && isTimestamp(v[0]) && typeof v[1] === 'string' && UUID.test(v[1]);

/** Cursor key for lists ordered by a sequence number (an `integer` column), then id (e.g. generations). */
export type NumberKey = [number, string];
const INT4_MIN = -(2 ** 31);
const INT4_MAX = 2 ** 31 - 1;
export const isNumberKey = (v: unknown): v is NumberKey =>
  Array.isArray(v) &&
  v.length === 2 &&
  Number.isInteger(v[0]) &&
  v[0] >= INT4_MIN &&
  v[0] <= INT4_MAX &&
  typeof v[1] === 'string' &&
  UUID.test(v[1]);

export const timeKeyOf = (row: { createdAt: Date; id: string }): TimeKey => [row.createdAt.toISOString(), row.id];
