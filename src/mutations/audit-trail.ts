/**
 * Appends an event to its organization's audit trail, a hash chain
 * (audit-chain.ts). The caller holds the organization's row lock
 * (organization-lock.ts), so no other event of it is appended meanwhile.
 */
import { desc, eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { auditEvents } from '../db/schema.js';
import { chainHash, type ChainedContent } from './audit-chain.js';

export type NewAuditEvent = Omit<typeof auditEvents.$inferInsert, 'createdAt' | 'hash' | 'previousHash'>;

export async function appendAuditEvent(tx: Tx, event: NewAuditEvent): Promise<void> {
  const [last] = await tx
    .select({ hash: auditEvents.hash })
    .from(auditEvents)
    .where(eq(auditEvents.organizationId, event.organizationId))
    .orderBy(desc(auditEvents.id))
    .limit(1);
  const previousHash = last?.hash ?? null;
  const content = { ...event, outcome: event.outcome ?? 'SUCCEEDED', details: event.details ?? {}, createdAt: new Date() };
  await tx.insert(auditEvents).values({ ...content, previousHash, hash: chainHash(previousHash, content as ChainedContent) });
}
