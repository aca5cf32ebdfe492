/**
 * Every mutation runs here, in one transaction: the organization row is
 * locked, the caller's role is re-read under that lock and checked, the
 * resolver writes, and the audit event is appended. All or nothing: a failed
 * mutation leaves no change and no audit row. Deadlocks and serialization
 * failures are retried a bounded number of times; since everything is in the
 * one transaction, a retry cannot duplicate a side effect.
 *
 * Before any of that, the roles already loaded decide: a principal that
 * cannot see the scope gets NOT_FOUND having cost what a scope that does not
 * exist costs (no transaction, no lock, nothing written; the server log
 * keeps the attempt), and one that sees it without the role gets FORBIDDEN,
 * recorded in that organization's audit trail as DENIED.
 */
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { Context } from '../context.js';
import { decide, type AccessRole } from '../auth/roles.js';
import { principalKey } from '../auth/principal.js';
import { levelOf, type Scope } from '../auth/scope.js';
import type { PrincipalKindRule } from '../auth/access-rules.js';
import { conflict, forbidden, notFound, pastDeadline, tooSlow } from '../errors.js';
import { appendAuditEvent } from '../features/audit/queries.js';
import { lockOrganization } from '../features/organizations/queries.js';

/** What the resolver tells the audit log; the runner adds who, when and which request. */
export interface AuditNote {
  /** Needed when the mutation has no scope of its own (e.g. creating an organization or a workspace). */
  organizationId?: string;
  workspaceId?: string;
  projectId?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface MutationGuard {
  operation: string;
  /** Where the mutation acts; null for mutations that create an organization. */
  scope: Scope | null;
  /** What the input names ("Environment"): the NOT_FOUND answer when the caller cannot see it, as when it does not exist. */
  target: string;
  /** The @requiresRole rule to check under the lock; null for rules checked before (@authenticated). */
  rule: { anyOf: readonly AccessRole[]; principal: PrincipalKindRule } | null;
}

const LOADERS_OFF_LIMITS = new Proxy({} as Context['loaders'], {
  get: (_target, name) => {
    throw new Error(`loader ${String(name)} used inside a mutation; read through the mutation's transaction`);
  },
});

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

export async function runMutation<T>(ctx: Context, guard: MutationGuard, resolve: () => Promise<T>): Promise<T> {
  const { scope } = guard;
  if (scope !== null) {
    const decision = decide(await ctx.access.rolesIn(scope), levelOf(scope), guard.rule ?? SEE_IT);
    if (decision === 'invisible') throw unseenScope(ctx, guard.operation, guard.target);
    if (decision === 'forbidden') {
      const refusal = forbidden();
      await recordDenial(ctx, guard.operation, scope, refusal);
      throw refusal;
    }
  }
  try {
    return await runAttempts(ctx, guard, resolve);
  } finally {
    // Before the answer leaves: this process's next read must not come from a cache the mutation made stale.
    // (A refused mutation may have recorded its denial, so this runs whatever the outcome.)
    ctx.changes.changed();
  }
}

async function runAttempts<T>(ctx: Context, guard: MutationGuard, resolve: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const remaining = ctx.deadline - Date.now();
      if (remaining <= 0) throw pastDeadline();
      const result = await ctx.db.transaction(async (tx) => {
        // No statement of this transaction, lock waits included, may outlive the operation's deadline.
        await tx.execute(sql.raw(`set local statement_timeout = ${Math.ceil(Math.min(remaining, ctx.statementTimeoutMs))}`));
        const { scope, rule } = guard;
        if (scope !== null) {
          if (!(await lockOrganization(tx, scope.organizationId))) throw notFound(guard.target);
          // The roles may have changed since the request began: the decision under the lock is the one that counts.
          const decision = decide(await ctx.access.rolesInTx(tx, scope), levelOf(scope), rule ?? SEE_IT);
          if (decision === 'invisible') throw notFound(guard.target);
          if (decision === 'forbidden') throw forbidden();
        }
        const audit: AuditNote = {};
        ctx.mutation = { tx, audit };
        // Loaders read outside the transaction: stale here, and on PGlite they would wait for it forever.
        ctx.loaders = LOADERS_OFF_LIMITS;
        let value: T;
        try {
          value = await resolve();
        } finally {
          delete ctx.mutation;
        }
        const organizationId = audit.organizationId ?? scope?.organizationId;
        if (!organizationId) throw new Error(`${guard.operation} recorded no organization for its audit event`);
        await appendAuditEvent(tx, {
          ...auditHeader(ctx, guard.operation, { ...scope!, organizationId }),
          workspaceId: audit.workspaceId ?? scope?.workspaceId ?? null,
          projectId: audit.projectId ?? scope?.projectId ?? null,
          targetId: audit.targetId ?? null,
          details: audit.details ?? {},
        });
        return value;
      });
      // Committed: should the re-read fail, the payload's own reads will say so, not the mutation.
      Object.assign(ctx, await ctx.refreshAfterCommit().catch(() => ctx.freshLoaders()));
      return result;
    } catch (error) {
      Object.assign(ctx, ctx.freshLoaders());
      if (guard.scope && isForbidden(error)) await recordDenial(ctx, guard.operation, guard.scope, error);
      const code = sqlState(error);
      if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
      if (code === '57014') throw tooSlow();
      if (code === 'OG001') throw conflict('An organization must keep at least one owner');
      if (code === 'OG003') throw conflict('A project must keep exactly one owner; transfer its ownership first');
      if (code === 'OG004') throw conflict("A workspace's everyone group cannot be deleted");
      throw error;
    }
  }
}

/** A rule that only asks to see the scope: what a mutation with an @authenticated rule and a scope needs. */
const SEE_IT = { anyOf: ['READER'] as const, principal: null };

/** A refusal of the principal in a scope it can see, unlike bad input: recorded. */
function isForbidden(error: unknown): error is GraphQLError {
  return error instanceof GraphQLError && error.extensions.code === 'FORBIDDEN';
}

/**
 * The NOT_FOUND answer to a mutation whose scope the principal cannot see or
 * that does not exist. Unlike FORBIDDEN (recorded in the organization's audit
 * trail, where its owners see who tried what) it is kept in the server log
 * only: an outsider must not write into another tenant's trail, nor learn by
 * the cost of the answer that the scope exists.
 */
export function unseenScope(ctx: Context, operation: string, target: string): GraphQLError {
  ctx.logger.info({ requestId: ctx.requestId, principal: principalKey(ctx.principal), operation, target }, 'mutation refused: its scope is not visible or does not exist');
  return notFound(target);
}

function auditHeader(ctx: Context, operation: string, scope: Scope) {
  return {
    organizationId: scope.organizationId,
    workspaceId: scope.workspaceId ?? null,
    projectId: scope.projectId ?? null,
    operation,
    actorKind: ctx.principal.kind === 'machine' ? ('MACHINE' as const) : ('USER' as const),
    actorUserId: ctx.principal.kind === 'user' ? ctx.principal.userId : null,
    actorMachineClientId: ctx.principal.kind === 'machine' ? ctx.principal.machineClientId : null,
    requestId: ctx.requestId,
  };
}

/**
 * A refused attempt goes into the organization's audit trail too, in its own
 * transaction (the mutation's was rolled back): owners see who tried what.
 */
async function recordDenial(ctx: Context, operation: string, scope: Scope, error: GraphQLError): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    if (!(await lockOrganization(tx, scope.organizationId))) return;
    await appendAuditEvent(tx, {
      ...auditHeader(ctx, operation, scope),
      outcome: 'DENIED',
      details: { code: String(error.extensions.code), message: error.message },
    });
  });
  ctx.changes.changed();
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
