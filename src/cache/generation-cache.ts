/**
 * A bounded least-recently-used map whose entries are valid for one
 * generation of the change feed (see change-feed.ts): emptied when the
 * generation moves, and refusing entries whose reads began in an earlier one.
 */
import type { ChangeFeed } from './change-feed.js';

interface Entry<V> {
  value: V;
  size: number;
}

export class GenerationCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private used = 0;
  private generationOfEntries: number | null = null;

  /** `capacity` in the units `set` is given sizes in (bytes, or 1 per entry); 0 turns the cache off. */
  constructor(
    private readonly feed: ChangeFeed,
    private readonly capacity: number,
  ) {
    feed.onChange(() => this.clear());
  }

  /** Call before reading what will be cached: the generation to hand back to `set`, or null (do not cache). */
  begin(): number | null {
    return this.capacity > 0 ? this.feed.generation() : null;
  }

  get(key: string): V | undefined {
    if (this.generationOfEntries === null || this.generationOfEntries !== this.feed.generation()) return undefined;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    return entry.value;
  }

  /** Keeps `value` unless a write may have happened since `generation` began, or it is too large to be worth it. */
  set(key: string, generation: number, value: V, size: number): void {
    if (generation !== this.feed.generation() || size > this.capacity / 8) return;
    this.generationOfEntries = generation;
    const previous = this.entries.get(key);
    if (previous) {
      this.entries.delete(key);
      this.used -= previous.size;
    }
    for (const [oldest, entry] of this.entries) {
      if (this.used + size <= this.capacity) break;
      this.entries.delete(oldest);
      this.used -= entry.size;
    }
    this.entries.set(key, { value, size });
    this.used += size;
  }

  clear(): void {
    this.entries.clear();
    this.used = 0;
    this.generationOfEntries = null;
  }
}
