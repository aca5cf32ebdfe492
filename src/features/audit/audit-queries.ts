import { and, asc, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { auditEvents, type AuditEventRow } from '../../db/schema.js';
import type { Page } from '../../lib/connection.js';

/** Whose log: an organization's (everything in it) or one of its workspaces' (it and its projects). */
export interface AuditLogOf {
  organizationId: string;
  workspaceId?: string;
}

/** Every event of every organization, in chain order (for `npm run audit:verify`). */
export async function allAuditEvents(db: Db): Promise<AuditEventRow[]> {
  return db.select().from(auditEvents).orderBy(asc(auditEvents.organizationId), asc(auditEvents.id));
}

/** Newest first; the cursor is the event's sequence number. */
export async function auditLogPage(db: Db, of: AuditLogOf, page: Page<string>): Promise<AuditEventRow[]> {
  return db
    .select()
    .from(auditEvents)
    .where(
      and(
        eq(auditEvents.organizationId, of.organizationId),
        of.workspaceId === undefined ? undefined : eq(auditEvents.workspaceId, of.workspaceId),
        page.after ? lt(auditEvents.id, BigInt(page.after)) : undefined,
      ),
    )
    .orderBy(desc(auditEvents.id))
    .limit(page.limit);
}
