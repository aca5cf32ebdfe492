/**
 * Read-your-writes across a replica: a mutation's answer carries the
 * primary's WAL position after its commit (`extensions.consistency` and the
 * `Orgraph-Consistency` response header); a request that sends it back in
 * that header is answered with data at least that new.
 */
import { parseLsn } from '../lib/lsn.js';

export const CONSISTENCY_HEADER = 'orgraph-consistency';

export interface Consistency {
  /** The position the request asked for (its Orgraph-Consistency header), if any. */
  requested: bigint | null;
  /** Set after a mutation committed: the token its answer carries. */
  produced: string | null;
  /** The change-feed point an answer read for this request is as fresh as, or null: not to be cached (see db/replica.ts). */
  freshAsOf(since: number): number | null;
}

/** A header that is not one LSN asks for nothing: a client cannot make a request fail by it. */
export function consistencyTokenOf(header: string | string[] | undefined): bigint | null {
  return typeof header === 'string' ? parseLsn(header) : null;
}
