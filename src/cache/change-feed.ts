/**
 * What a process knows about writes to the database. Every committed write
 * says what it touched (migration 0008: `o:<organization id>` and
 * `u:<user id>` tags, or `*` for everything), and caches drop only the
 * entries that depend on a touched tag. A sequence number moves on every
 * change; a cache keeps an answer only if nothing it depends on changed
 * since its reads began, so an answer computed while a write committed is
 * never kept.
 *
 * Writes are learnt of from Postgres (triggers NOTIFY on commit), and at once
 * from this process's own commits (its next request must read its writes).
 * Nothing is served from a cache while writes could go unheard:
 * - while the listening connection is down;
 * - on Postgres, while the feed is silent: every process NOTIFYs a heartbeat
 *   of its own through the pool and must hear it back within
 *   `maxSilenceMs`. Postgres delivers notifications in commit order, so a
 *   heartbeat heard proves every write committed before it was sent has been
 *   heard. A listening connection that is stuck (its backend stopped, a
 *   pooler in the way that drops LISTEN) goes silent, and caches stop.
 * Coming back from either, everything is dropped, since writes may have been missed.
 */
import { performance } from 'node:perf_hooks';
import { parseLsn } from '../lib/lsn.js';

export const CHANGES_CHANNEL = 'orgraph_changes';

/** What a write touched: tags (`o:<id>`, `u:<id>`), or everything. */
export type Touched = readonly string[] | 'all';

/** The tag every cached entry that depends on any write carries (anonymous answers). */
export const ANY = '*';

/** Tags remembered between a request's begin and its set; past this many, older ones are forgotten conservatively. */
const MAX_REMEMBERED_TAGS = 50_000;

/** `hb:<instance>:<sequence>`, and the primary's WAL position when it was sent (Postgres). */
const HEARTBEAT = /^hb:([^:]+):(\d+)(?::(\S+))?$/;

export interface FeedHealth {
  /** Caches may serve: the listening connection is up and, where heartbeats run, one was heard within the bound. */
  healthy: boolean;
  /** Since the newest heartbeat heard was sent (null where none are sent, or none was heard yet). */
  silentMs: number | null;
}

export class ChangeFeed {
  private sequence = 0;
  private everythingAt = 0;
  private readonly touchedAt = new Map<string, number>();
  private live = false;
  private heardSentAt = Number.NEGATIVE_INFINITY;
  /** The primary's WAL position when the newest heartbeat heard was sent: every write up to it has been heard. */
  private heardPosition: bigint | null = null;
  private readonly listeners = new Set<(touched: Touched) => void>();
  private readonly healthListeners = new Set<(health: FeedHealth) => void>();
  /** A feed starts unheard: its first report is that it serves. */
  private reportedHealthy = false;

  /** `maxSilenceMs` null: no heartbeat is needed (PGlite: the feed is in this process and cannot go silent). */
  constructor(private readonly maxSilenceMs: number | null = null) {}

  /** The sequence number to hand back to `changedSince`, or null while writes could go unseen (do not cache, do not serve). */
  begin(): number | null {
    return this.isHealthy() ? this.sequence : null;
  }

  /** Whether something `tags` depend on may have changed since `since` (an entry tagged ANY depends on every write). */
  changedSince(since: number, tags: readonly string[]): boolean {
    if (this.everythingAt > since || !this.isHealthy()) return true;
    if (tags.includes(ANY)) return this.sequence > since;
    return tags.some((tag) => (this.touchedAt.get(tag) ?? 0) > since);
  }

  /** Something was written: what depends on `touched` is stale. */
  changed(touched: Touched = 'all'): void {
    this.sequence++;
    if (touched === 'all' || touched.includes(ANY) || this.touchedAt.size + touched.length > MAX_REMEMBERED_TAGS) {
      this.everythingAt = this.sequence;
      this.touchedAt.clear();
      touched = 'all';
    } else {
      for (const tag of touched) this.touchedAt.set(tag, this.sequence);
    }
    for (const listener of this.listeners) listener(touched);
  }

  /** Called on every change (to free stale entries early). */
  onChange(listener: (touched: Touched) => void): void {
    this.listeners.add(listener);
  }

  /** Called when the feed stops or starts being healthy (for the log). */
  onHealthChange(listener: (health: FeedHealth) => void): void {
    this.healthListeners.add(listener);
  }

  setLive(live: boolean): void {
    this.changed();
    this.live = live;
    this.checkHealth();
  }

  /** Resolves once the feed is healthy, or after `timeoutMs` (to whether it is): a start waits for its first heartbeat. */
  async untilHealthy(timeoutMs: number): Promise<boolean> {
    const until = performance.now() + timeoutMs;
    while (!this.isHealthy() && performance.now() < until) await new Promise((resolve) => setTimeout(resolve, 10));
    return this.isHealthy();
  }

  /** Stops for good (the process is stopping): nothing is served, and no one is told of it as a fault. */
  close(): void {
    this.healthListeners.clear();
    this.setLive(false);
  }

  /** A notification arrived: a heartbeat (from `instance`, this process's id) or a write's tags. */
  heard(payload: string, instance: string, sentAt: (sequence: number) => number | undefined): void {
    const beat = HEARTBEAT.exec(payload);
    if (beat) {
      if (beat[1] !== instance) return; // another process's: it says nothing of this one's connection
      const sent = sentAt(Number(beat[2]));
      if (sent === undefined || sent <= this.heardSentAt) return;
      // A gap longer than the bound: caches may have stopped meanwhile, and must start again from nothing.
      if (this.maxSilenceMs !== null && sent - this.heardSentAt > this.maxSilenceMs) this.changed();
      this.heardSentAt = sent;
      this.heardPosition = parseLsn(beat[3]) ?? this.heardPosition;
      this.checkHealth();
      return;
    }
    this.changed(parseTouched(payload));
  }

  /**
   * Whether every write up to WAL position `position` (a client's consistency
   * token) has been heard, so the caches hold nothing older. Always, where the
   * feed is in-process; never while unhealthy.
   */
  covers(position: bigint): boolean {
    if (!this.isHealthy()) return false;
    return this.maxSilenceMs === null || (this.heardPosition !== null && this.heardPosition >= position);
  }

  health(): FeedHealth {
    return {
      healthy: this.isHealthy(),
      silentMs: this.maxSilenceMs === null || this.heardSentAt === Number.NEGATIVE_INFINITY ? null : Math.round(performance.now() - this.heardSentAt),
    };
  }

  /** Tells the health listeners when health has changed since last told. */
  checkHealth(): void {
    const health = this.health();
    if (health.healthy === this.reportedHealthy) return;
    this.reportedHealthy = health.healthy;
    for (const listener of this.healthListeners) listener(health);
  }

  private isHealthy(): boolean {
    if (!this.live) return false;
    return this.maxSilenceMs === null || performance.now() - this.heardSentAt <= this.maxSilenceMs;
  }
}

/** A write's notification payload: space-separated tags; empty (an older trigger) or `*` is everything. */
export function parseTouched(payload: string): Touched {
  const tags = payload.split(' ').filter((tag) => tag !== '');
  return tags.length === 0 || tags.includes(ANY) ? 'all' : tags;
}
