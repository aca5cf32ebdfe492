/**
 * DataLoader factories shared by the features. Every loader counts its
 * batches (orgraph_dataloader_batches_total) through `onBatch`.
 */
import DataLoader from 'dataloader';
import type { Page, SortKey } from './connection.js';

export type OnBatch = (loader: string) => void;

/** Rows by id: one `where id in (...)` per batch; ids without a row resolve to null. */
export function rowsById<T extends { id: string }>(
  name: string,
  onBatch: OnBatch,
  fetch: (ids: readonly string[]) => Promise<T[]>,
): DataLoader<string, T | null> {
  return new DataLoader(async (ids) => {
    onBatch(name);
    const byId = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  });
}

/** Where a row sits: its id, and the organization a look-up must stay inside. */
export interface TenantKey {
  id: string;
  organizationId: string;
}

/**
 * Rows that a foreign key guarantees, by id inside their organization: one
 * statement per batch, its WHERE carrying the tenants asked for, so a
 * look-up never leaves them. A missing row is a broken reference, not an
 * answer: the load fails (masked), so callers need no `!`.
 */
export function referencedRows<T extends { id: string; organizationId: string }>(
  name: string,
  onBatch: OnBatch,
  fetch: (ids: readonly string[], tenantIds: readonly string[]) => Promise<T[]>,
): DataLoader<TenantKey, T, string> {
  return new DataLoader<TenantKey, T, string>(
    async (keys) => {
      onBatch(name);
      const rows = await fetch([...new Set(keys.map((k) => k.id))], [...new Set(keys.map((k) => k.organizationId))]);
      const byId = new Map(rows.map((row) => [row.id, row]));
      return keys.map(({ id, organizationId }) => {
        const row = byId.get(id);
        return row && row.organizationId === organizationId ? row : new Error(`${name}: no row ${id} in organization ${organizationId}`);
      });
    },
    { cacheKeyFn: (k) => `${k.organizationId}/${k.id}` },
  );
}

/** Rows outside any organization (users) that a foreign key guarantees: as `referencedRows`, by id alone. */
export function referencedGlobalRows<T extends { id: string }>(
  name: string,
  onBatch: OnBatch,
  fetch: (ids: readonly string[]) => Promise<T[]>,
): DataLoader<string, T> {
  return new DataLoader<string, T>(async (ids) => {
    onBatch(name);
    const byId = new Map((await fetch(ids)).map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? new Error(`${name}: no row ${id}`));
  });
}

/** A row the database guarantees (a reference, an invariant it keeps): its absence is a bug, said as such. */
export async function present<T>(row: Promise<T | null>, what: string): Promise<T> {
  const found = await row;
  if (found === null) throw new Error(`${what} is missing`);
  return found;
}

export interface PageKey {
  parentId: string;
  page: Page<SortKey>;
  /** The organization the parent belongs to; the statement stays inside the tenants asked for. */
  tenantId?: string;
}

/**
 * One page of children per parent. Keys asking for the same page shape
 * (usually: the first N of every parent) share one statement.
 */
export function pagesByParent<T>(
  name: string,
  onBatch: OnBatch,
  fetch: (parentIds: readonly string[], page: Page<SortKey>, tenantIds: readonly string[]) => Promise<Map<string, T[]>>,
): DataLoader<PageKey, T[], string> {
  return new DataLoader(
    async (keys) => {
      const shapes = new Map<string, { page: Page<SortKey>; parentIds: string[]; tenantIds: Set<string> }>();
      const shapeOfKey: string[] = [];
      for (const { parentId, page, tenantId } of keys) {
        const shape = shapeOf(page);
        shapeOfKey.push(shape);
        let group = shapes.get(shape);
        if (!group) shapes.set(shape, (group = { page, parentIds: [], tenantIds: new Set<string>() }));
        group.parentIds.push(parentId);
        if (tenantId) group.tenantIds.add(tenantId);
      }
      const results = new Map<string, Map<string, T[]>>();
      await Promise.all(
        [...shapes].map(async ([shape, group]) => {
          onBatch(name);
          results.set(shape, await fetch(group.parentIds, group.page, [...group.tenantIds]));
        }),
      );
      return keys.map(({ parentId }, i) => results.get(shapeOfKey[i]!)?.get(parentId) ?? []);
    },
    { cacheKeyFn: ({ parentId, page }) => `${parentId}:${shapeOf(page)}` },
  );
}

/** A page's shape as a string: the first page of a size (what nested lists ask for) without a JSON walk. */
const shapeOf = (page: Page<SortKey>): string => (page.after === null ? String(page.limit) : `${page.limit}:${JSON.stringify(page.after)}`);

/**
 * Rows by a composite key (e.g. organization + name): one statement per
 * batch; `keyOf` names a key and the row that answers it alike.
 */
export function rowsByKey<K, T>(
  name: string,
  onBatch: OnBatch,
  keyOf: (keyOrRow: K | T) => string,
  fetch: (keys: readonly K[]) => Promise<T[]>,
): DataLoader<K, T | null, string> {
  return new DataLoader<K, T | null, string>(
    async (keys) => {
      onBatch(name);
      const byKey = new Map((await fetch(keys)).map((row) => [keyOf(row), row]));
      return keys.map((key) => byKey.get(keyOf(key)) ?? null);
    },
    { cacheKeyFn: keyOf },
  );
}

/** All rows of each parent (short lists such as a package's versions), one statement per batch. */
export function groupsByParent<T>(
  name: string,
  onBatch: OnBatch,
  parentOf: (row: T) => string,
  fetch: (parentIds: readonly string[], tenantIds: readonly string[]) => Promise<T[]>,
): DataLoader<{ parentId: string; tenantId: string }, T[], string> {
  return new DataLoader<{ parentId: string; tenantId: string }, T[], string>(
    async (keys) => {
      onBatch(name);
      const rows = await fetch(
        keys.map((k) => k.parentId),
        [...new Set(keys.map((k) => k.tenantId))],
      );
      const groups = new Map<string, T[]>(keys.map((k) => [k.parentId, []]));
      for (const row of rows) groups.get(parentOf(row))?.push(row);
      return keys.map((k) => groups.get(k.parentId)!);
    },
    { cacheKeyFn: (k) => k.parentId },
  );
}

/** One loader per kind, for a table that holds several kinds of rows (resources). */
export function byKind<K extends string, L>(kinds: readonly K[], make: (kind: K) => L): Record<K, L> {
  return Object.fromEntries(kinds.map((kind) => [kind, make(kind)])) as Record<K, L>;
}
