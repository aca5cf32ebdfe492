/** Assertions on GraphQL responses that read like what a client checks. */
import { expect } from 'vitest';
import type { GraphQLResponse, TestOrgraph } from './orgraph.js';

export const codes = (res: Pick<GraphQLResponse, 'errors'>) => (res.errors ?? []).map((e) => e.extensions?.code);
export const fieldOf = (res: Pick<GraphQLResponse, 'errors'>) => (res.errors?.[0]?.extensions as Record<string, unknown> | undefined)?.field;
export const codeOf = (res: Pick<GraphQLResponse, 'errors'>) => res.errors?.[0]?.extensions?.code;

/** Answered with data and no error at all; `what` labels the failure. Returns the data. */
export function expectOk<T = any>(res: GraphQLResponse<T>, what = ''): T {
  expect(res.status, `${what} ${res.raw}`).toBe(200);
  expect(res.errors, `${what} ${res.raw}`).toBeUndefined();
  return res.data as T;
}

/** Answered like `expectOk`; returns the payload of its one root field (a mutation's). */
export function expectPayload(res: GraphQLResponse, what = ''): any {
  return Object.values(expectOk(res, what) as Record<string, unknown>)[0];
}

export interface ExpectedError {
  /** HTTP status; 200 unless the request fails before execution. */
  status?: number;
  /** For BAD_USER_INPUT: the exact `extensions.field`, which the message names too. */
  field?: string;
  /** What the message says: words (case-insensitive) or patterns. */
  mentions?: (string | RegExp)[];
  /** Labels the failure. */
  what?: string;
}

/**
 * Exactly one error, of `code`, its message saying something (never the
 * masked internal one); a BAD_USER_INPUT raised by a resolver (HTTP 200)
 * names its field. Whatever the status and the data: returns the error.
 */
export function expectOnlyError(res: GraphQLResponse, code: string, { field, mentions = [], what = '' }: Omit<ExpectedError, 'status'> = {}) {
  const label = `${what} ${res.raw}`;
  expect(codes(res), label).toEqual([code]);
  const error = res.errors![0]!;
  const extensions = (error.extensions ?? {}) as Record<string, unknown>;
  expect(error.message, label).not.toBe('Internal server error');
  expect(error.message.length, label).toBeGreaterThan(5);
  if (code === 'BAD_USER_INPUT' && res.status === 200) {
    expect(typeof extensions.field, `BAD_USER_INPUT without extensions.field: ${label}`).toBe('string');
    expect((extensions.field as string).length, label).toBeGreaterThan(0);
  }
  if (field !== undefined) {
    expect(extensions.field, label).toBe(field);
    expect(error.message, label).toContain(field);
  }
  for (const mention of mentions) {
    if (typeof mention === 'string') expect(error.message.toLowerCase(), label).toContain(mention.toLowerCase());
    else expect(error.message, label).toMatch(mention);
  }
  return error;
}

/** Refused with the status (200 unless told), no data, and exactly the one error `expectOnlyError` describes. Returns it. */
export function expectError(res: GraphQLResponse, code: string, expected: ExpectedError = {}) {
  const label = `${expected.what ?? ''} ${res.raw}`;
  expect(res.status, label).toBe(expected.status ?? 200);
  expect(res.data ?? null, label).toBeNull();
  return expectOnlyError(res, code, expected);
}

/** Runs `call`, asserting that no table changed and no audit event was written (refused attempts recorded as DENIED aside). */
export async function expectUnchanged<T>(server: TestOrgraph, call: () => Promise<T>, what = ''): Promise<T> {
  const before = await server.snapshot();
  const result = await call();
  const after = await server.snapshot();
  expect(after.audit_events!.length, `${what}: an audit row was written`).toBe(before.audit_events!.length);
  expect(after, `${what}: the database changed`).toEqual(before);
  return result;
}

/** A mutation that must be refused as `expectError` says, changing nothing. */
export async function expectRefusal(
  server: TestOrgraph,
  token: string | null,
  mutation: string,
  input: Record<string, unknown>,
  code: string,
  expected: ExpectedError = {},
) {
  const res = await expectUnchanged(server, () => server.graphql(token, mutation, { i: input }), expected.what);
  expectError(res, code, expected);
  return res;
}

const CONTRACT_CODES = ['UNAUTHENTICATED', 'FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT', 'CONFLICT', 'INTERNAL_SERVER_ERROR'];
/** Apollo Server's documented request-level codes. */
const APOLLO_REQUEST_CODES = [
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
];

interface AnyReply {
  status: number;
  raw: string;
  body: any;
}

/**
 * A clean error answer to any request: a JSON body with errors, each with a
 * message and a code from the contract or Apollo's request codes; an
 * INTERNAL_SERVER_ERROR only with the request id the server logged it under;
 * no 5xx otherwise. Returns the codes.
 */
export function expectCleanError(reply: AnyReply): string[] {
  const errors = reply.body?.errors as { message?: unknown; extensions?: Record<string, unknown> }[] | undefined;
  expect(Array.isArray(errors) && errors.length > 0, `no errors in ${reply.status} ${reply.raw}`).toBe(true);
  const found: string[] = [];
  for (const error of errors!) {
    expect(typeof error.message === 'string' && error.message.length > 0, reply.raw).toBe(true);
    const code = String(error.extensions?.code);
    expect([...CONTRACT_CODES, ...APOLLO_REQUEST_CODES], `unexpected code in ${reply.raw}`).toContain(code);
    if (code === 'INTERNAL_SERVER_ERROR') {
      expect(error.extensions?.requestId, `INTERNAL_SERVER_ERROR without a requestId: ${reply.raw}`).toEqual(expect.any(String));
    }
    found.push(code);
  }
  if (reply.status >= 500) expect(found, `a ${reply.status} that is not a masked internal error: ${reply.raw}`).toEqual(found.map(() => 'INTERNAL_SERVER_ERROR'));
  return found;
}

/** A request refused before anything ran: one of `status`, a clean error whose first code is `code`, and no data. */
export function expectRejected(reply: AnyReply, status: number | number[], code: string) {
  expect(Array.isArray(status) ? status : [status], `status of ${reply.raw}`).toContain(reply.status);
  expectCleanError(reply);
  expect(reply.body.errors[0].extensions.code, reply.raw).toBe(code);
  expect(reply.body.data ?? undefined, reply.raw).toBeUndefined();
}
