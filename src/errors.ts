/**
 * The closed set of error codes clients may rely on (PRODUCT.md's error
 * contract). Everything else is masked as INTERNAL_SERVER_ERROR.
 */
import { GraphQLError } from 'graphql';

export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'INTERNAL_SERVER_ERROR',
  'RATE_LIMITED',
  'IDEMPOTENCY_KEY_REUSED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

function error(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

/** A bad or missing identity at the HTTP level: the whole request is refused with 401. */
export const unauthenticated = (message = 'A valid access token is required') =>
  error('UNAUTHENTICATED', message, { http: { status: 401, headers: new Map([['www-authenticate', 'Bearer']]) } });

/** An anonymous caller reached a field that needs an identity. */
export const notSignedIn = () => error('UNAUTHENTICATED', 'Sign in to read this field');

/** Where a refusal happened, so a client can say "you need PROJECT_EDITOR on this project". */
export interface RefusalScope {
  level: 'ORGANIZATION' | 'WORKSPACE' | 'PROJECT';
  /** The global ID of the organization, workspace or project. */
  id: string;
}

/**
 * The principal sees the object but may not do this: which roles would
 * allow it, and where (null where no scope applies, e.g. a kind of principal
 * that no role helps). Both always present, so clients need no guessing.
 */
export const forbidden = (
  message = 'You do not have the role this action requires',
  detail: { requiredRoles: readonly string[]; scope: RefusalScope | null } = { requiredRoles: [], scope: null },
) => error('FORBIDDEN', message, { requiredRoles: [...detail.requiredRoles], scope: detail.scope });

export const notFound = (what: string) => error('NOT_FOUND', `${what} not found`);

export const badInput = (message: string, field?: string) =>
  error('BAD_USER_INPUT', message, field ? { field } : {});

export const conflict = (message: string) => error('CONFLICT', message);

/** A dependency (the database) is down: the request may be retried; nothing about the cause is told. */
export const unavailable = (requestId: string) =>
  error('INTERNAL_SERVER_ERROR', 'The service is temporarily unavailable; try again shortly', {
    requestId,
    http: { status: 503, headers: new Map([['retry-after', '1']]) },
  });

/** The database refused a write because it is read-only (a replica, or a primary set read-only): retrying will not help until an operator acts. */
export const readOnlyDatabase = (requestId: string) =>
  error('INTERNAL_SERVER_ERROR', 'The service cannot write: its database is read-only. This is not temporary; retrying will not help', {
    requestId,
    retryable: false,
    http: { status: 503 },
  });

/** A statement hit the database's statement timeout: cancelled, its connection freed, nothing written. */
export const tooSlow = () => error('INTERNAL_SERVER_ERROR', 'The database took too long to answer; nothing was changed, try again');

/** The operation ran past its deadline: what was not resolved yet is not. */
export const pastDeadline = () => error('INTERNAL_SERVER_ERROR', 'The operation ran past its deadline; try again or ask for less');

/** The principal (or, anonymous, its address) spent its allowance; `retryAfterSeconds` until enough is back. */
export const rateLimited = (what: string, retryAfterSeconds: number) =>
  error('RATE_LIMITED', `Too many ${what}; retry in ${retryAfterSeconds} s`, {
    retryAfter: retryAfterSeconds,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) },
  });
