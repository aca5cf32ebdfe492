import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { auditEvents, type AuditEventRow } from '../../db/schema.js';
import type { Page } from '../../graphql/connection.js';

export type NewAuditEvent = typeof auditEvents.$inferInsert;

export async function appendAuditEvent(tx: Tx, event: NewAuditEvent): Promise<void> {
  await tx.insert(auditEvents).values(event);
}

/** Newest first; the cursor is the event's sequence number. */
export async function auditLogPage(db: Db, organizationId: string, page: Page<string>): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.organizationId, organizationId), page.after ? lt(auditEvents.id, BigInt(page.after)) : undefined))
    .orderBy(desc(auditEvents.id))
    .limit(page.limit);
}
