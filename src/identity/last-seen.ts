/**
 * When each principal was last seen, for access reviews, kept without a
 * write per request: a process writes a principal's `last_seen_at` at most
 * once per interval (so N instances write it at most N times), the row only
 * when the stored time is older than that, and no request waits for it.
 * Migration 0008 keeps these writes from emptying any cache.
 */
import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { machineClients, users } from '../db/schema.js';
import type { Principal } from './principal.js';

export const SEEN_INTERVAL_MS = 5 * 60_000;
/** Principals remembered per process; past it, those not seen within the interval are forgotten. */
const TRACKED = 100_000;

export type SeenRecorder = (principal: Principal) => void;

export function lastSeenRecorder(db: Db, onFailure: (error: unknown) => void): SeenRecorder {
  const written = new Map<string, number>();
  return (principal) => {
    if (principal.kind === 'anonymous') return;
    const key = principal.kind === 'user' ? `user:${principal.userId}` : `machine:${principal.machineClientId}`;
    const now = Date.now();
    if (now - (written.get(key) ?? -Infinity) < SEEN_INTERVAL_MS) return;
    if (written.size >= TRACKED) forgetBefore(written, now - SEEN_INTERVAL_MS);
    written.set(key, now);
    record(db, principal).catch(onFailure);
  };
}

function forgetBefore(written: Map<string, number>, cutoff: number): void {
  for (const [key, at] of written) if (at < cutoff) written.delete(key);
  // All seen within the interval: start over rather than grow without bound.
  if (written.size >= TRACKED) written.clear();
}

async function record(db: Db, principal: Exclude<Principal, { kind: 'anonymous' }>): Promise<void> {
  const stale = sql`now() - ${`${SEEN_INTERVAL_MS} milliseconds`}::interval`;
  if (principal.kind === 'user') {
    await db
      .update(users)
      .set({ lastSeenAt: sql`now()` })
      .where(and(eq(users.id, principal.userId), or(isNull(users.lastSeenAt), lt(users.lastSeenAt, stale))));
  } else {
    await db
      .update(machineClients)
      .set({ lastSeenAt: sql`now()` })
      .where(
        and(
          eq(machineClients.id, principal.machineClientId),
          eq(machineClients.organizationId, principal.organizationId),
          or(isNull(machineClients.lastSeenAt), lt(machineClients.lastSeenAt, stale)),
        ),
      );
  }
}
