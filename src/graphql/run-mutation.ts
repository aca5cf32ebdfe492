/**
 * Every mutation runs here, in one transaction: the organization row is
 * locked, the caller's role is re-read under that lock and checked, the
 * resolver writes, and the audit event is appended. All or nothing: a failed
 * mutation leaves no change and no audit row. Deadlocks and serialization
 * failures are retried a bounded number of times; since everything is in the
 * one transaction, a retry cannot duplicate a side effect.
 */
import type { Context } from '../context.js';
import { satisfies, type AccessRole } from '../auth/roles.js';
import type { PrincipalKindRule } from '../auth/access-rules.js';
import { conflict, forbidden, notFound } from '../errors.js';
import { appendAuditEvent } from '../features/audit/queries.js';
import { lockOrganization } from '../features/organizations/queries.js';

/** What the resolver tells the audit log; the runner adds who, when and which request. */
export interface AuditNote {
  /** Needed when the mutation has no scope of its own (e.g. creating an organization). */
  organizationId?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface MutationGuard {
  operation: string;
  /** The organization the mutation acts in; null for mutations that create one. */
  organizationId: string | null;
  anyOf: AccessRole[] | null;
  principal: PrincipalKindRule;
}

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

export async function runMutation<T>(ctx: Context, guard: MutationGuard, resolve: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await ctx.db.transaction(async (tx) => {
        if (guard.organizationId !== null) {
          if (!(await lockOrganization(tx, guard.organizationId))) throw notFound('Organization');
          const role = await ctx.access.organizationRoleIn(tx, guard.organizationId);
          if (role === null) throw notFound('Organization');
          if (guard.principal !== null && ctx.principal.kind !== guard.principal.toLowerCase()) {
            throw forbidden(`Only ${guard.principal === 'USER' ? 'users' : 'machine clients'} may ${guard.operation}`);
          }
          if (guard.anyOf !== null && !satisfies(role, guard.anyOf)) throw forbidden();
        }
        const audit: AuditNote = {};
        ctx.mutation = { tx, audit };
        let value: T;
        try {
          value = await resolve();
        } finally {
          delete ctx.mutation;
        }
        const organizationId = audit.organizationId ?? guard.organizationId;
        if (organizationId === null) throw new Error(`${guard.operation} recorded no organization for its audit event`);
        await appendAuditEvent(tx, {
          organizationId,
          operation: guard.operation,
          actorKind: ctx.principal.kind === 'machine' ? 'MACHINE' : 'USER',
          actorUserId: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
          actorMachineClientId: ctx.principal.kind === 'machine' ? ctx.principal.machineClientId : null,
          targetId: audit.targetId ?? null,
          details: audit.details ?? {},
          requestId: ctx.requestId,
        });
        return value;
      });
      ctx.resetLoaders();
      return result;
    } catch (error) {
      const code = sqlState(error);
      if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
      if (code === 'OG001') throw conflict('An organization must keep at least one owner');
      throw error;
    }
  }
}

/** The SQLSTATE of a database error, whichever driver (and Drizzle wrapper) raised it. */
export function sqlState(error: unknown): string | undefined {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}

/** The mutation's transaction; only valid inside a resolver that `runMutation` called. */
export function mutationOf(ctx: Context) {
  if (!ctx.mutation) throw new Error('mutation resolver called outside runMutation');
  return ctx.mutation;
}
