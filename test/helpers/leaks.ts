/**
 * The one leak check of every response that may carry the server's insides:
 * no stack frame, no SQL text, no name of the database engine, and none of
 * the credentials the request carried, in the body or the headers. Each
 * check is counted, so a suite can show that it looked at enough responses.
 */
import { expect } from 'vitest';

const TABLES = [
  'users', 'organizations', 'organization_members', 'machine_clients', 'audit_events', 'environments',
  'environment_generations', 'environment_events', 'packages', 'package_versions', 'workspaces', 'groups',
  'group_members', 'workspace_roles', 'projects', 'project_grants', 'workspace_resources', 'project_resources',
  'builds', 'process_instances', 'process_operations', 'library_versions', 'scheduled_processes', 'organization_resources',
];

/** A JavaScript stack frame, raw or JSON-escaped (`\n    at fn (file:1:2)`, `at file:///x.js:1:2`), or a source position (`x.ts:`). */
export const STACK_FRAME =
  /(?:^|\n|\\n)\s*at\s|\bat\s+(?:async\s+)?\S+\s+\(\S*:\d+:\d+\)|\bat\s+(?:file|node):\S*:\d+:\d+|\.[mc]?[tj]s:/;

const QUOTE = '(?:\\\\?")?';
/**
 * SQL text: `select ` or `insert ` anywhere, an update or delete statement,
 * or a statement keyword followed by one of the tables (quoted or not, raw or JSON-escaped).
 */
export const SQL_TEXT = new RegExp(
  [
    String.raw`\b(?:select|insert)\s`,
    String.raw`\b(?:update\s+\S+\s+set|delete\s+from)\b`,
    `\\b(?:select\\b[\\s\\S]{0,400}?\\bfrom|insert\\s+into|update|delete\\s+from)\\s+${QUOTE}(?:public${QUOTE}\\.${QUOTE})?(?:${TABLES.join('|')})\\b`,
  ].join('|'),
  'i',
);

let checked = 0;

/** How many responses this test file has checked so far. */
export const leakChecks = () => checked;

/** Fails on any leak in a response; `secrets` are the credentials sent with it, looked for in the body and in `headers`. */
export function expectNoLeak(raw: string, secrets: (string | null | undefined)[] = [], headers?: Headers) {
  const headerText = headers ? [...headers].map(([k, v]) => `${k}: ${v}`).join('\n') : '';
  expect(raw, 'response contains a stack frame').not.toMatch(STACK_FRAME);
  expect(raw, 'response contains a stack trace').not.toMatch(/stacktrace/i);
  expect(raw, 'response contains SQL text').not.toMatch(SQL_TEXT);
  expect(raw, 'response names the database engine').not.toMatch(/postgres|pglite/i);
  for (const secret of secrets) {
    if (!secret) continue;
    expect(raw.includes(secret), 'response body contains a credential that was sent').toBe(false);
    expect(headerText.includes(secret), 'response headers contain a credential that was sent').toBe(false);
  }
  checked++;
}

/** The credentials an Authorization header value carries (each long piece after the scheme). */
export function secretsOf(authorization: string | string[] | undefined): string[] {
  const values = authorization === undefined ? [] : Array.isArray(authorization) ? authorization : [authorization];
  const out: string[] = [];
  for (const value of values) {
    const credential = value.replace(/^\s*\S+\s+/, '');
    if (credential.length >= 16) out.push(credential);
    for (const piece of value.split(/[\s,;]+/)) if (piece.length >= 16) out.push(piece);
  }
  return out;
}
