import { and, asc, desc, eq, lt } from 'drizzle-orm';
import { chainHash, type ChainedContent } from './chain.js';
import type { Db, Tx } from '../../db/client.js';
import { auditEvents, type AuditEventRow } from '../../db/schema.js';
import type { Page } from '../../graphql/connection.js';

export type NewAuditEvent = typeof auditEvents.$inferInsert;

/** Whose log: an organization's (everything in it) or a workspace's (it and its projects). */
export type AuditLogOf = { organizationId: string } | { workspaceId: string };

/**
 * Appends an event to its organization's hash chain. The caller holds the
 * organization's row lock, so no other event of it can be appended meanwhile.
 */
export async function appendAuditEvent(tx: Tx, event: Omit<NewAuditEvent, 'createdAt' | 'hash' | 'previousHash'>): Promise<void> {
  const [last] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.organizationId, event.organizationId))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  const previousHash = last?.hash ?? null;
  const createdAt = new Date();
  const content = { ...event, outcome: event.outcome ?? 'SUCCEEDED', details: event.details ?? {}, createdAt };
  await tx.insert(auditEvents).values({ ...content, previousHash, hash: chainHash(previousHash, content as ChainedContent) });
}

/** Every event of every organization, in chain order (for `npm run audit:verify`). */
export async function allAuditEvents(db: Db): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).orderBy(asc(auditEvents.organizationId), asc(auditEvents.id));
}

/** Newest first; the cursor is the event's sequence number. */
export async function auditLogPage(db: Db, of: AuditLogOf, page: Page<string>): Promise<AuditEventRow[]> {
  const owner = 'organizationId' in of ? eq(auditEvents.organizationId, of.organizationId) : eq(auditEvents.workspaceId, of.workspaceId);
  return db
    .select()
    .from(auditEvents)
    .where(and(owner, page.after ? lt(auditEvents.id, BigInt(page.after)) : undefined))
    .orderBy(desc(auditEvents.id))
    .limit(page.limit);
}
