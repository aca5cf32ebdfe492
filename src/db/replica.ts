/**
 * Where a request's reads go when a read replica is configured
 * (DATABASE_READ_URL). Everything that writes goes to the primary; reads
 * outside mutations go to the replica, unless:
 * - its lag is past DB_READ_MAX_LAG_MS, or unknown (the replica does not
 *   answer): the primary answers;
 * - the request sends a consistency token (the WAL position a mutation's
 *   answer carried) that the replica has not replayed yet: the primary answers.
 *
 * A monitor samples the primary's WAL position and the replica's replayed
 * one a few times a second. It also tells the response cache when an answer
 * read from the replica may be kept: once the replica has replayed a
 * position the primary had reached after change-feed point S, every write
 * heard up to S is in the replica, so an answer read there is as fresh as
 * one read from the primary at S.
 */
import { parseLsn } from '../lib/lsn.js';

export type Query = (text: string) => Promise<Record<string, unknown>[]>;

export interface ReadRoute {
  /** Reads go to the replica. */
  replica: boolean;
  /** The change-feed point an answer read this way is as fresh as (cache it as begun there), or null: do not keep it. */
  freshAsOf(since: number): number | null;
}

export interface ReplicaStatus {
  /** How far behind the primary the replica's replay is, in ms (0: caught up); null while unknown. */
  lagMs: number | null;
}

const SAMPLE_MS = 200;
const SAMPLES_KEPT = 50;

export class ReplicaRouter {
  private replayed: bigint | null = null;
  private lag: number | null = null;
  /** Primary positions sampled, with the change-feed point just before each, oldest first, until the replica replays them. */
  private readonly pending: { position: bigint; point: number }[] = [];
  private caughtUpPoint: number | null = null;
  private timer: NodeJS.Timeout | undefined;
  private sampling = false;

  constructor(
    private readonly primary: Query,
    private readonly replica: Query,
    private readonly feedPoint: () => number | null,
    private readonly maxLagMs: number,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.sample(), SAMPLE_MS).unref();
    void this.sample();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  status(): ReplicaStatus {
    return { lagMs: this.lag };
  }

  /** Where this request reads: `token` is the Orgraph-Consistency header it sent, if any. */
  async route(token: bigint | null): Promise<ReadRoute> {
    const usable = this.lag !== null && this.lag <= this.maxLagMs;
    const replayedEnough = token === null || (this.replayed !== null && this.replayed >= token) || (usable && (await this.replaysNow(token)));
    if (!usable || !replayedEnough) return PRIMARY;
    const caughtUp = this.caughtUpPoint;
    return { replica: true, freshAsOf: (since) => (caughtUp === null ? null : Math.min(since, caughtUp)) };
  }

  /** The primary's WAL position now: a mutation's consistency token, taken after its commit. */
  async primaryPosition(): Promise<string> {
    const [row] = await this.primary('select pg_current_wal_lsn()::text as position');
    return String(row!.position);
  }

  private async replaysNow(token: bigint): Promise<boolean> {
    const position = await this.replayPosition().catch(() => null);
    return position !== null && position >= token;
  }

  private async replayPosition(): Promise<bigint | null> {
    const [row] = await this.replica('select pg_last_wal_replay_lsn()::text as position');
    const position = parseLsn(row?.position as string | null);
    if (position !== null && (this.replayed === null || position > this.replayed)) this.replayed = position;
    return position;
  }

  private async sample(): Promise<void> {
    if (this.sampling) return;
    this.sampling = true;
    try {
      const point = this.feedPoint();
      const [primaryRow] = await this.primary('select pg_current_wal_lsn()::text as position');
      const position = parseLsn(primaryRow!.position as string)!;
      if (point !== null) {
        this.pending.push({ position, point });
        if (this.pending.length > SAMPLES_KEPT) this.pending.shift();
      }
      const [row] = await this.replica(
        `select pg_last_wal_replay_lsn()::text as position, extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000 as behind`,
      );
      const replayed = parseLsn(row?.position as string | null);
      if (replayed === null) throw new Error('not a replica: pg_last_wal_replay_lsn() is null');
      this.replayed = replayed;
      while (this.pending[0] && this.pending[0].position <= replayed) this.caughtUpPoint = this.pending.shift()!.point;
      // Caught up with what the primary had: no lag, however long ago its last transaction was.
      this.lag = replayed >= position ? 0 : Math.max(0, Number(row!.behind ?? 0));
    } catch {
      this.lag = null;
    } finally {
      this.sampling = false;
    }
  }
}

const PRIMARY: ReadRoute = { replica: false, freshAsOf: (since) => since };
