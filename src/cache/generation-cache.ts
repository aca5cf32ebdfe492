/**
 * A bounded least-recently-used map whose entries say what they depend on
 * (tags, see change-feed.ts): an entry is dropped when a write touches one of
 * its tags, and refused when one was touched while its reads ran. Nothing is
 * served while the feed could miss writes.
 */
import { ANY, type ChangeFeed, type Touched } from './change-feed.js';

interface Entry<V> {
  value: V;
  size: number;
  tags: readonly string[];
}

export class GenerationCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  /** Tag -> keys of the entries that carry it, so a write drops its own and nothing else. */
  private readonly byTag = new Map<string, Set<string>>();
  private used = 0;

  /** `capacity` in the units `set` is given sizes in (bytes, or 1 per entry); 0 turns the cache off. */
  constructor(
    private readonly feed: ChangeFeed,
    private readonly capacity: number,
  ) {
    feed.onChange((touched) => this.drop(touched));
  }

  /** Call before reading what will be cached: the point to hand back to `set`, or null (do not cache). */
  begin(): number | null {
    return this.capacity > 0 ? this.feed.begin() : null;
  }

  get(key: string): V | undefined {
    if (this.feed.begin() === null) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` unless something in `tags` may have been written since `since`, or it is too large to be worth it. */
  set(key: string, since: number, value: V, size: number, tags: readonly string[]): void {
    if (size > this.capacity / 8 || this.feed.changedSince(since, tags)) return;
    this.remove(key);
    for (const [oldest] of this.entries) {
      if (this.used + size <= this.capacity) break;
      this.remove(oldest);
    }
    this.entries.set(key, { value, size, tags });
    this.used += size;
    for (const tag of tags) {
      let keys = this.byTag.get(tag);
      if (!keys) this.byTag.set(tag, (keys = new Set()));
      keys.add(key);
    }
  }

  clear(): void {
    this.entries.clear();
    this.byTag.clear();
    this.used = 0;
  }

  private drop(touched: Touched): void {
    if (touched === 'all') return this.clear();
    for (const tag of [...touched, ANY]) {
      const keys = this.byTag.get(tag);
      if (keys) for (const key of [...keys]) this.remove(key);
    }
  }

  private remove(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.used -= entry.size;
    for (const tag of entry.tags) {
      const keys = this.byTag.get(tag);
      keys?.delete(key);
      if (keys?.size === 0) this.byTag.delete(tag);
    }
  }
}
