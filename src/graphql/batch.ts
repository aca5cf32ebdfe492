/**
 * DataLoader factories shared by the features. Every loader counts its
 * batches (orgraph_dataloader_batches_total) through `onBatch`.
 */
import DataLoader from 'dataloader';
import type { Page, TimeKey } from './connection.js';

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

export interface PageKey {
  parentId: string;
  page: Page<TimeKey>;
}

/**
 * One page of children per parent. Keys asking for the same page shape
 * (usually: the first N of every parent) share one statement.
 */
export function pagesByParent<T>(
  name: string,
  onBatch: OnBatch,
  fetch: (parentIds: readonly string[], page: Page<TimeKey>) => Promise<Map<string, T[]>>,
): DataLoader<PageKey, T[], string> {
  return new DataLoader(
    async (keys) => {
      const shapes = new Map<string, { page: Page<TimeKey>; parentIds: string[] }>();
      for (const { parentId, page } of keys) {
        const shape = JSON.stringify(page);
        const group = shapes.get(shape) ?? { page, parentIds: [] };
        group.parentIds.push(parentId);
        shapes.set(shape, group);
      }
      const results = new Map<string, Map<string, T[]>>();
      await Promise.all(
        [...shapes].map(async ([shape, group]) => {
          onBatch(name);
          results.set(shape, await fetch(group.parentIds, group.page));
        }),
      );
      return keys.map(({ parentId, page }) => results.get(JSON.stringify(page))?.get(parentId) ?? []);
    },
    { cacheKeyFn: ({ parentId, page }) => `${parentId}:${JSON.stringify(page)}` },
  );
}
