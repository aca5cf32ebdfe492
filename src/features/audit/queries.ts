import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client.js';
import { auditEvents, type AuditEventRow } from '../../db/schema.js';
import type { Page } from '../../graphql/connection.js';

export type NewAuditEvent = typeof auditEvents.$inferInsert;

/** Whose log: an organization's (everything in it) or a workspace's (it and its projects). */
export type AuditLogOf = { organizationId: string } | { workspaceId: string };

export async function appendAuditEvent(tx: Tx, event: NewAuditEvent): Promise<void> {
  await tx.insert(auditEvents).values(event);
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
