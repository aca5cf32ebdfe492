/**
 * What a process knows about writes to the database: a generation number that
 * moves on every committed write it learns of. Caches tag what they keep with
 * the generation their reads started in, and keep nothing once it has moved:
 * so no cached answer outlives a write, and one computed while a write
 * committed is never kept.
 *
 * Writes are learnt of from Postgres (a trigger on every table NOTIFYs on
 * commit, migration 0006), and at once from this process's own commits (its
 * next request must read its writes). While the listening connection is
 * down, `generation()` is null and nothing is cached or served from cache;
 * when it comes back, the generation moves, since writes may have been missed.
 */
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

export const CHANGES_CHANNEL = 'orgraph_changes';

export class ChangeFeed {
  private current = 0;
  private live = false;
  private readonly listeners = new Set<() => void>();

  /** The current generation, or null while writes could go unseen. */
  generation(): number | null {
    return this.live ? this.current : null;
  }

  /** Something was written: everything cached before is stale. */
  changed(): void {
    this.current++;
    for (const listener of this.listeners) listener();
  }

  /** Called on every change (to free stale entries early). */
  onChange(listener: () => void): void {
    this.listeners.add(listener);
  }

  setLive(live: boolean): void {
    this.changed();
    this.live = live;
  }
}

const RECONNECT_MS = 1000;

/** Listens on a connection of its own (not the pool's), reconnecting while the server is away. */
export async function watchPostgres(url: string, feed: ChangeFeed): Promise<() => Promise<void>> {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (!stopped) timer = setTimeout(() => void connect(), RECONNECT_MS).unref();
  };
  const connect = async () => {
    const candidate = new pg.Client({ connectionString: url });
    candidate.on('error', () => {}); // 'end' follows, and handles it
    candidate.on('notification', () => feed.changed());
    candidate.on('end', () => {
      if (client !== candidate) return;
      client = null;
      feed.setLive(false);
      retry();
    });
    try {
      await candidate.connect();
      await candidate.query(`LISTEN ${CHANGES_CHANNEL}`);
      if (stopped) return void (await candidate.end());
      client = candidate;
      feed.setLive(true);
    } catch {
      await candidate.end().catch(() => {});
      retry();
    }
  };
  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    feed.setLive(false);
    const open = client;
    client = null;
    await open?.end().catch(() => {});
  };
}

/** PGlite runs in this process: its notifications arrive through its own listen(). */
export async function watchPglite(db: PGlite, feed: ChangeFeed): Promise<() => Promise<void>> {
  const unlisten = await db.listen(CHANGES_CHANNEL, () => feed.changed());
  feed.setLive(true);
  return async () => {
    feed.setLive(false);
    await unlisten();
  };
}
