/** Assertions on GraphQL responses that read like what a client checks. */
import { expect } from 'vitest';
import type { GraphQLResponse } from './orgraph.js';

export const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);

/** Answered with data and no error at all. */
export function expectOk<T>(res: GraphQLResponse<T>): T {
  expect(res.status, res.raw).toBe(200);
  expect(res.errors, res.raw).toBeUndefined();
  return res.data as T;
}

/** Refused with exactly one error of `code` (and, when given, the HTTP status); returns the error. */
export function expectError(res: GraphQLResponse, code: string, status = 200) {
  expect(res.status, res.raw).toBe(status);
  expect(codes(res), res.raw).toEqual([code]);
  return res.errors![0]!;
}

/** A JavaScript stack frame, raw or JSON-escaped, or a source position. */
const STACK_FRAME = /(?:^|\n|\\n)\s*at\s|\bat\s+(?:async\s+)?\S+\s+\(\S*:\d+:\d+\)|\.[mc]?[tj]s:\d/;
const SQL_TEXT = /\b(?:select\s[\s\S]*\bfrom|insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i;

/** Nothing of the server's insides in a response: no stack, no SQL, no database name, none of the `secrets` sent. */
export function expectNoLeak(raw: string, secrets: (string | null | undefined)[] = []) {
  expect(raw, 'a stack frame').not.toMatch(STACK_FRAME);
  expect(raw, 'a stack trace').not.toMatch(/stacktrace/i);
  expect(raw, 'SQL text').not.toMatch(SQL_TEXT);
  expect(raw, 'the database engine').not.toMatch(/postgres|pglite/i);
  for (const secret of secrets) if (secret) expect(raw.includes(secret), 'a secret that was sent').toBe(false);
}
