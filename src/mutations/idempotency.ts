/**
 * Safe retries of mutations: a request with an `Idempotency-Key` header is
 * executed once per principal and key (kept 24 h). The key is recorded in
 * the mutation's own transaction, so it exists exactly when the mutation's
 * writes do; the answer is added to the record once it is complete, and a
 * retry gets that answer without running again. A retry that arrives in the
 * moment between the commit and the answer waits for it.
 */
import { createHash } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { idempotencyKeys } from '../db/schema.js';
import type { Principal } from '../identity/principal.js';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const KEPT_HOURS = 24;

/** A request's key, and whether its mutation recorded it (then its answer is to be stored). */
export interface IdempotentRequest {
  principal: string;
  key: string;
  requestHash: string;
  recorded: boolean;
}

export interface StoredAnswer {
  requestHash: string;
  status: number | null;
  response: unknown;
}

/** Keys are per principal: the user or machine client, whatever its roles are now. */
export function idempotencyPrincipal(principal: Principal): string | null {
  if (principal.kind === 'user') return `user:${principal.userId}`;
  if (principal.kind === 'machine') return `machine:${principal.machineClientId}`;
  return null;
}

/** The same request: the same document (by hash), operation name and variables. */
export function requestHashOf(queryHash: string, operationName: string | null | undefined, variables: unknown): string {
  return createHash('sha256').update(JSON.stringify([queryHash, operationName ?? null, variables ?? {}])).digest('hex');
}

/** The live record of this key (expired ones are as good as absent). */
export async function findAnswer(db: Db, principal: string, key: string): Promise<StoredAnswer | null> {
  const [row] = await db
    .select({ requestHash: idempotencyKeys.requestHash, status: idempotencyKeys.status, response: idempotencyKeys.response })
    .from(idempotencyKeys)
    .where(
      and(eq(idempotencyKeys.principal, principal), eq(idempotencyKeys.key, key), sql`${idempotencyKeys.createdAt} > now() - make_interval(hours => ${KEPT_HOURS})`),
    );
  return row ?? null;
}

/** Inside the mutation's transaction: the key, with this principal's expired keys cleared. A concurrent twin fails on the primary key. */
export async function recordKey(tx: Tx, request: IdempotentRequest, organizationId: string): Promise<void> {
  await tx
    .delete(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principal, request.principal), sql`${idempotencyKeys.createdAt} <= now() - make_interval(hours => ${KEPT_HOURS})`));
  await tx.insert(idempotencyKeys).values({ principal: request.principal, key: request.key, requestHash: request.requestHash, organizationId });
}

export async function storeAnswer(db: Db, request: IdempotentRequest, status: number, response: unknown): Promise<void> {
  await db
    .update(idempotencyKeys)
    .set({ status, response, completedAt: sql`now()` })
    .where(and(eq(idempotencyKeys.principal, request.principal), eq(idempotencyKeys.key, request.key)));
}
