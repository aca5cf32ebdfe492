/**
 * The audit log is a hash chain per organization: each event's hash covers
 * the previous event's hash and the event itself, so an edited, deleted or
 * reordered row breaks every hash after it. Events of one organization are
 * appended under its row lock (the mutation runner's), so the chain is linear.
 */
import { createHash } from 'node:crypto';
import type { AuditEventRow } from '../db/schema.js';

export type ChainedContent = Pick<
  AuditEventRow,
  | 'organizationId'
  | 'workspaceId'
  | 'projectId'
  | 'operation'
  | 'outcome'
  | 'actorKind'
  | 'actorUserId'
  | 'actorMachineClientId'
  | 'targetId'
  | 'details'
  | 'requestId'
  | 'createdAt'
>;

/** JSON with object keys sorted at every level: jsonb does not keep key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function chainHash(previousHash: string | null, event: ChainedContent): string {
  const content = canonical({
    previousHash,
    organizationId: event.organizationId,
    workspaceId: event.workspaceId ?? null,
    projectId: event.projectId ?? null,
    operation: event.operation,
    outcome: event.outcome,
    actorKind: event.actorKind,
    actorUserId: event.actorUserId ?? null,
    actorMachineClientId: event.actorMachineClientId ?? null,
    targetId: event.targetId ?? null,
    details: event.details,
    requestId: event.requestId ?? null,
    createdAt: event.createdAt.toISOString(),
  });
  return createHash('sha256').update(content).digest('hex');
}

export interface ChainBreak {
  organizationId: string;
  eventId: string;
  reason: string;
}

/** Walks one organization's events in order and reports the first break, if any. */
export function verifyChain(events: AuditEventRow[]): ChainBreak | null {
  let previous: string | null = null;
  for (const event of events) {
    const at = { organizationId: event.organizationId, eventId: event.id.toString() };
    if (event.previousHash !== previous) return { ...at, reason: 'previous_hash does not match the event before it' };
    if (event.hash !== chainHash(previous, event)) return { ...at, reason: 'hash does not match the event content' };
    previous = event.hash;
  }
  return null;
}
