/**
 * How a ChangeFeed hears of writes: on Postgres, a LISTEN connection of its
 * own (direct, not through a pooler) that reconnects while the server is
 * away, and a heartbeat sent through the pool that must come back through
 * it; on PGlite, its in-process listen().
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { CHANGES_CHANNEL, type ChangeFeed } from './change-feed.js';

const RECONNECT_MS = 1000;
/** Heartbeats remembered until heard; older ones are forgotten (their silence is already past any bound). */
const BEATS_REMEMBERED = 64;

export interface Heartbeat {
  /** Sends a notification on CHANGES_CHANNEL through the pool (the path writes take). */
  send(payload: string): Promise<void>;
  intervalMs: number;
}

/** Listens on a connection of its own (not the pool's), reconnecting while the server is away. */
export async function watchPostgres(url: string, feed: ChangeFeed, heartbeat: Heartbeat): Promise<() => Promise<void>> {
  const instance = randomUUID();
  const sent = new Map<number, number>();
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const retry = () => {
    if (!stopped) timer = setTimeout(() => void connect(), RECONNECT_MS).unref();
  };
  const connect = async () => {
    // application_name tells an operator (and a test) which backend is the feed's.
    const candidate = new pg.Client({ connectionString: url, application_name: 'orgraph change feed' });
    candidate.on('error', () => {}); // 'end' follows, and handles it
    candidate.on('notification', ({ payload }) => feed.heard(payload ?? '', instance, (n) => sent.get(n)));
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
      void beat();
    } catch {
      await candidate.end().catch(() => {});
      retry();
    }
  };

  let sequence = 0;
  let inFlight = false;
  const beat = async () => {
    // One at a time: while the database is slow or away, beats would only queue.
    if (inFlight || stopped) return;
    inFlight = true;
    const n = ++sequence;
    sent.set(n, performance.now());
    sent.delete(n - BEATS_REMEMBERED);
    try {
      await heartbeat.send(`hb:${instance}:${n}`);
    } catch {
      // Unheard, the feed goes silent: that is the report.
    } finally {
      inFlight = false;
    }
  };
  const beating = setInterval(() => {
    feed.checkHealth();
    void beat();
  }, heartbeat.intervalMs).unref();

  await connect();
  return async () => {
    stopped = true;
    clearTimeout(timer);
    clearInterval(beating);
    feed.close();
    const open = client;
    client = null;
    await open?.end().catch(() => {});
  };
}

/** PGlite runs in this process: its notifications arrive through its own listen(), and need no heartbeat. */
export async function watchPglite(db: PGlite, feed: ChangeFeed): Promise<() => Promise<void>> {
  const unlisten = await db.listen(CHANGES_CHANNEL, (payload) => feed.heard(payload, '', () => undefined));
  feed.setLive(true);
  return async () => {
    feed.close();
    await unlisten();
  };
}
