/**
 * Every mutation runs here, in one transaction: the organization row is
 * locked, the caller's role is re-read under that lock and decided again,
 * the resolver writes, and the audit event is appended. All or nothing: a
 * failed mutation leaves no change and no audit row. Deadlocks and
 * serialization failures are retried a bounded number of times; since
 * everything is in the one transaction, a retry cannot duplicate a side
 * effect. The resolver gets what was resolved before it ran
 * (`mutationOf(ctx)`: the transaction, the audit note, and the object the
 * scope argument named, placed in its organization), so it never parses an
 * ID the guard already read.
 *
 * Before any of that, the roles already loaded decide: a principal that
 * cannot see the scope gets NOT_FOUND having cost what a scope that does not
 * exist costs (no transaction, no lock, nothing written; the server log
 * keeps the attempt), and one that sees it without the role gets FORBIDDEN,
 * recorded in that organization's audit trail as DENIED.
 */
import { sql } from 'drizzle-orm';
import { GraphQLError } from 'graphql';
import type { AccessContext, MutationGuard } from '../access/engine.js';
import type { Access } from '../access/held-roles.js';
import { decide, type AccessRole } from '../access/roles.js';
import { forbiddenBy } from '../access/refusals.js';
import { levelOf, type NamedScope } from '../access/scopes.js';
import { parseTouched, type ChangeFeed, type Touched } from '../cache/change-feed.js';
import type { Db, Tx } from '../db/client.js';
import { sqlState } from '../db/sql-state.js';
import { conflict, notFound, pastDeadline, readOnlyDatabase, tooSlow } from '../errors.js';
import { principalKey, type Principal } from '../identity/principal.js';
import type { Logger } from '../logger.js';
import { appendAuditEvent } from './audit-trail.js';
import { recordKey, type IdempotentRequest } from './idempotency.js';
import { lockOrganization } from './organization-lock.js';

/** What the resolver tells the audit log; the runner adds who, when, where and which request. */
export interface AuditNote {
  /** Needed when the mutation has no scope argument (e.g. creating an organization). */
  organizationId?: string;
  workspaceId?: string;
  projectId?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

/** What a mutation resolver works with while it runs. */
export interface MutationState {
  tx: Tx;
  audit: AuditNote;
  /** The object the scope argument named, placed in its organization; null for mutations without one. */
  scope: NamedScope | null;
}

/** What the runner reads of a request's context (the features' Context has all of it). */
export interface MutationContext extends AccessContext {
  requestId: string;
  logger: Logger;
  principal: Principal;
  /** Where the request reads (a replica, perhaps). */
  db: Db;
  /** The primary: every transaction of a mutation runs there. */
  primary: Db;
  changes: ChangeFeed;
  /** The request's Idempotency-Key, when it sent one (idempotency.ts). */
  idempotency?: IdempotentRequest | null;
  /** Called after a mutation commits: the request's answer then carries a consistency token (when reads may go to a replica). */
  markCommitted?(): Promise<void>;
  /** Epoch milliseconds after which the operation stops. */
  deadline: number;
  /** The database's per-statement limit, which a transaction may only shorten. */
  statementTimeoutMs: number;
  loaders: unknown;
  freshLoaders(): { access: Access; loaders: unknown };
  refreshAfterCommit(): Promise<{ principal: Principal; access: Access; loaders: unknown }>;
  mutation?: MutationState;
}

/** A rule that only asks to see the scope: what a mutation with a scope and no @requiresRole of its own needs. */
const SEE_IT = { anyOf: ['READER'] as readonly AccessRole[], principal: null };

const LOADERS_OFF_LIMITS = new Proxy(
  {},
  {
    get: (_target, name) => {
      throw new Error(`loader ${String(name)} used inside a mutation; read through the mutation's transaction`);
    },
  },
);

const RETRYABLE = new Set(['40001', '40P01']);
const MAX_ATTEMPTS = 3;

export async function runMutation<C extends MutationContext, T>(ctx: C, guard: MutationGuard, resolve: () => Promise<T>): Promise<T> {
  const { scope } = guard;
  if (scope === null) throw unseenScope(ctx, guard);
  if (scope !== undefined) {
    const decision = decide(await ctx.access.rolesIn(scope), levelOf(scope), guard.rule ?? SEE_IT);
    if (decision === 'invisible') throw unseenScope(ctx, guard);
    if (decision === 'forbidden') {
      const refusal = forbiddenBy(guard.rule ?? SEE_IT, scope);
      await recordDenial(ctx, guard.operation, scope, refusal);
      throw refusal;
    }
  }
  return runAttempts(ctx, guard, scope ?? null, resolve).catch((error: unknown) => {
    // A refusal or bad input rolled everything back; any other failure may have come after the commit.
    if (!(error instanceof GraphQLError)) ctx.changes.changed('all');
    throw error;
  });
}

async function runAttempts<T>(ctx: MutationContext, guard: MutationGuard, scope: NamedScope | null, resolve: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      const remaining = ctx.deadline - Date.now();
      if (remaining <= 0) throw pastDeadline();
      const result = await ctx.primary.transaction(async (tx) => {
        // No statement of this transaction, lock waits included, may outlive the operation's deadline.
        await tx.execute(sql.raw(`set local statement_timeout = ${Math.ceil(Math.min(remaining, ctx.statementTimeoutMs))}`));
        if (scope !== null) {
          if (!(await lockOrganization(tx, scope.organizationId))) throw notFound(guard.target);
          // The roles may have changed since the request began: the decision under the lock is the one that counts.
          const decision = decide(await ctx.access.rolesInTx(tx, scope), levelOf(scope), guard.rule ?? SEE_IT);
          if (decision === 'invisible') throw notFound(guard.target);
          if (decision === 'forbidden') throw forbiddenBy(guard.rule ?? SEE_IT, scope);
        }
        const audit: AuditNote = {};
        ctx.mutation = { tx, audit, scope };
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
          ...auditHeader(ctx, guard.operation),
          organizationId,
          workspaceId: audit.workspaceId ?? scope?.workspaceId ?? null,
          projectId: audit.projectId ?? scope?.projectId ?? null,
          targetId: audit.targetId ?? null,
          details: audit.details ?? {},
        });
        if (ctx.idempotency && !ctx.idempotency.recorded) await recordKey(tx, ctx.idempotency, organizationId);
        return { value, touched: await touchedBy(tx) };
      });
      // Only now, committed: a later mutation field of the same request does not record the key again.
      if (ctx.idempotency) ctx.idempotency.recorded = true;
      // Before the answer leaves: this process's next read must not come from a cache the mutation made stale.
      ctx.changes.changed(result.touched);
      await ctx.markCommitted?.().catch(() => {});
      // Committed: should the re-read fail, the payload's own reads will say so, not the mutation.
      Object.assign(ctx, await ctx.refreshAfterCommit().catch(() => ctx.freshLoaders()));
      return result.value;
    } catch (error) {
      Object.assign(ctx, ctx.freshLoaders());
      if (scope !== null && isForbidden(error)) await recordDenial(ctx, guard.operation, scope, error);
      const code = sqlState(error);
      if (code && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) continue;
      if (code === '57014') throw tooSlow();
      if (code === '23505' && isIdempotencyKeyConflict(error)) throw conflict('A request with this Idempotency-Key is running; retry it in a moment for its answer');
      if (code === '25006') {
        ctx.logger.error({ requestId: ctx.requestId, operation: guard.operation }, 'mutation refused by the database: it is read-only (DATABASE_URL must name the primary)');
        throw readOnlyDatabase(ctx.requestId);
      }
      if (code === 'OG001') throw conflict('An organization must keep at least one owner');
      if (code === 'OG003') throw conflict('A project must keep exactly one owner; transfer its ownership first');
      if (code === 'OG004') throw conflict("A workspace's everyone group cannot be deleted");
      throw error;
    }
  }
}

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
function unseenScope(ctx: MutationContext, guard: MutationGuard): GraphQLError {
  ctx.logger.info(
    { requestId: ctx.requestId, principal: principalKey(ctx.principal), operation: guard.operation, target: guard.target },
    'mutation refused: its scope is not visible or does not exist',
  );
  return notFound(guard.target);
}

function auditHeader(ctx: MutationContext, operation: string) {
  return {
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
async function recordDenial(ctx: MutationContext, operation: string, scope: NamedScope, error: GraphQLError): Promise<void> {
  await ctx.primary.transaction(async (tx) => {
    if (!(await lockOrganization(tx, scope.organizationId))) return;
    await appendAuditEvent(tx, {
      ...auditHeader(ctx, operation),
      organizationId: scope.organizationId,
      workspaceId: scope.workspaceId ?? null,
      projectId: scope.projectId ?? null,
      outcome: 'DENIED',
      details: { code: String(error.extensions.code), message: error.message },
    });
  });
  ctx.changes.changed([`o:${scope.organizationId}`]);
}

function isIdempotencyKeyConflict(error: unknown): boolean {
  for (let e = error as { constraint?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++) {
    if (e.constraint === 'idempotency_keys_principal_key_pk') return true;
  }
  return false;
}

/** What the transaction's writes touched, as the change-feed triggers collected it (migration 0008). */
async function touchedBy(tx: Tx): Promise<Touched> {
  const { rows } = (await tx.execute(sql`select current_setting('orgraph.touched', true) as touched`)) as unknown as { rows: { touched: string | null }[] };
  return parseTouched(rows[0]?.touched ?? '');
}

/** The mutation's state; only valid inside a resolver that `runMutation` called. */
export function mutationOf(ctx: { mutation?: MutationState }): MutationState {
  if (!ctx.mutation) throw new Error('mutation resolver called outside runMutation');
  return ctx.mutation;
}

/** The same for a mutation whose rule names a scope argument: the object it named, resolved and placed. */
export function scopedMutationOf(ctx: { mutation?: MutationState }): MutationState & { scope: NamedScope } {
  const state = mutationOf(ctx);
  if (state.scope === null) throw new Error('scopedMutationOf called for a mutation without a scope argument');
  return state as MutationState & { scope: NamedScope };
}
