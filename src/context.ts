/**
 * The context builder: runs once per request, turns the bearer token into a
 * principal and builds that request's DataLoaders. A bad token is a 401 for
 * the whole request, never a silent fall-back to anonymous.
 */
import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import type { IncomingMessage } from 'node:http';
import { createAccess, type Access } from './auth/access.js';
import type { ChangeFeed } from './cache/change-feed.js';
import type { GenerationCache } from './cache/generation-cache.js';
import { ANONYMOUS, type Principal } from './auth/principal.js';
import { identify, type TokenIdentity } from './auth/token-claims.js';
import type { TokenVerifier } from './auth/token-verifier.js';
import type { Db, Tx } from './db/client.js';
import type { OrganizationRole } from './db/schema.js';
import { unauthenticated, unavailable } from './errors.js';
import { activeMachineClient } from './features/machine-clients/queries.js';
import { membershipsOfUser, upsertUserFromToken, type Membership } from './features/users/queries.js';
import type { AuditNote } from './graphql/run-mutation.js';
import { createLoaders, type Loaders } from './loaders.js';
import { rateKeyOf, type RateLimiter } from './http/rate-limit.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface Context {
  requestId: string;
  /** The server's log; lines about this request carry `requestId`. */
  logger: Logger;
  /** Whose rate-limit allowance this request spends (http/rate-limit.ts). */
  rateKey: string;
  /** Epoch milliseconds after which the operation stops (see OPERATION_TIMEOUT_MS). */
  deadline: number;
  /** The database's per-statement limit (DB_STATEMENT_TIMEOUT_MS), which a transaction may only shorten. */
  statementTimeoutMs: number;
  principal: Principal;
  db: Db;
  /** Told of this process's commits at once, so its caches never answer with what they replaced. */
  changes: ChangeFeed;
  access: Access;
  loaders: Loaders;
  /**
   * New role look-ups and loaders, for after a mutation (so its payload reads
   * what it wrote). Assign them to the context the resolver got: Apollo hands
   * resolvers a copy of the object this builder returns.
   */
  freshLoaders(): Pick<Context, 'access' | 'loaders'>;
  /** The same after a commit, with the principal's organization roles read again (the mutation may have changed them). */
  refreshAfterCommit(): Promise<Pick<Context, 'principal' | 'access' | 'loaders'>>;
  /** Present while a mutation resolver runs: its transaction and its audit note. */
  mutation?: { tx: Tx; audit: AuditNote };
}

export interface ContextDeps {
  db: Db;
  changes: ChangeFeed;
  /** Principals by token identity, valid until the next write (a role, a membership or a client may change). */
  principals: GenerationCache<Principal>;
  /** Told when a request could not be served because a dependency failed (for the log). */
  onUnavailable?: (error: unknown, requestId: string) => void;
  verify: TokenVerifier;
  claimsNamespace: string;
  logger: Logger;
  /** Absent when rate limits are off. */
  rateLimiter?: RateLimiter | undefined;
  metrics: Metrics;
  operationTimeoutMs: number;
  statementTimeoutMs: number;
}

export function createContextBuilder(deps: ContextDeps) {
  const onBatch = (loader: string) => deps.metrics.dataloaderBatches.inc({ loader });
  return async (req: IncomingMessage): Promise<Context> => {
    const requestId = requestIdFrom(req.headers['x-request-id']);
    const address = req.socket.remoteAddress;
    const principal = await authenticate(deps, req.headersDistinct.authorization).catch((error: unknown) => {
      if (error instanceof GraphQLError) {
        // A refused token spends its address's allowance, so guessing tokens is bounded too.
        deps.rateLimiter?.takeRequest(rateKeyOf(ANONYMOUS, address));
        throw error;
      }
      // The database did not answer: say so cleanly (503, retryable) instead of leaking the driver's message.
      deps.onUnavailable?.(error, requestId);
      throw unavailable(requestId);
    });
    const rateKey = rateKeyOf(principal, address);
    deps.rateLimiter?.takeRequest(rateKey);
    const fresh = (as: Principal = principal) => ({
      access: createAccess(deps.db, as, onBatch),
      loaders: createLoaders(deps.db, as, onBatch),
    });
    return {
      requestId,
      logger: deps.logger,
      rateKey,
      deadline: Date.now() + deps.operationTimeoutMs,
      statementTimeoutMs: deps.statementTimeoutMs,
      principal,
      db: deps.db,
      changes: deps.changes,
      ...fresh(),
      freshLoaders: () => fresh(),
      refreshAfterCommit: async () => {
        if (principal.kind !== 'user') return { principal, ...fresh() };
        const memberships = await membershipsOfUser(deps.db, principal.userId);
        const reread: Principal = { ...principal, organizationRoles: rolesActingIn(memberships, principal.organizationExternalId) };
        return { principal: reread, ...fresh(reread) };
      },
    };
  };
}

async function authenticate(deps: ContextDeps, headers: string[] | undefined): Promise<Principal> {
  if (headers === undefined || (headers.length === 1 && headers[0] === '')) return ANONYMOUS;
  // Two credentials are one too many: which one would a proxy, a log, or we believe?
  if (headers.length > 1) throw unauthenticated('Send one Authorization header');
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(headers[0]!);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <JWT>"');
  let claims;
  try {
    claims = await deps.verify(match[1]!);
  } catch {
    // jose's reason (expired, bad signature, unknown key...) stays server-side.
    throw unauthenticated('The access token is invalid or expired');
  }
  const identity = identify(claims, deps.claimsNamespace);
  if (!identity) throw unauthenticated('The access token names no user or client');
  const key = JSON.stringify(identity);
  const generation = deps.principals.begin();
  const known = generation === null ? undefined : deps.principals.get(key);
  if (known) return known;
  const principal = await lookUp(deps, identity);
  if (principal.wrote) deps.changes.changed();
  else if (generation !== null) deps.principals.set(key, generation, principal.principal, 1);
  return principal.principal;
}

async function lookUp(deps: ContextDeps, identity: TokenIdentity): Promise<{ principal: Principal; wrote: boolean }> {
  if (identity.kind === 'machine') {
    const found = await activeMachineClient(deps.db, identity.clientId);
    if (!found) throw unauthenticated('This machine client is unknown or revoked');
    if (identity.orgId !== null && identity.orgId !== found.organization.externalId) {
      throw unauthenticated("The token's org_id does not match this machine client's organization");
    }
    const { client } = found;
    return {
      principal: { kind: 'machine', machineClientId: client.id, clientId: client.clientId, organizationId: client.organizationId, role: client.role },
      wrote: false,
    };
  }
  const { user, memberships, wrote } = await upsertUserFromToken(deps.db, identity);
  const organizationRoles = rolesActingIn(memberships, identity.orgId);
  return { principal: { kind: 'user', userId: user.id, subject: user.subject, organizationExternalId: identity.orgId, organizationRoles }, wrote };
}

/** The roles a user may act with: all its memberships, or only the one an `org_id`-narrowed token names. */
function rolesActingIn(memberships: readonly Membership[], orgId: string | null): Map<string, OrganizationRole> {
  return new Map(memberships.filter((m) => orgId === null || m.organizationExternalId === orgId).map((m) => [m.organizationId, m.role]));
}

function requestIdFrom(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value && /^[A-Za-z0-9._-]{1,100}$/.test(value) ? value : randomUUID();
}
