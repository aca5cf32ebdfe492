/**
 * GraphQL-over-HTTP conformance: the `graphql-http` package's server audits
 * (the spec's MUST / SHOULD / MAY checks) against a running Orgraph, started
 * like every other HTTP suite. Some audits send no Authorization header, so
 * they run as the anonymous principal, which reaches `viewer` and the
 * `__typename` / introspection meta fields only: enough for them.
 *
 * No audit may fail with 'error' (a MUST). The audits that are not ok today
 * are listed in KNOWN_NOT_OK, each explained in docs/graphql-over-http.md
 * with the product change that would make it pass; any other audit that is
 * not ok fails this test. When such a change lands, drop its ids from the
 * list so the floor on ok results rises with it.
 */
import { serverAudits, type AuditResult } from 'graphql-http';
import { describe, expect, it } from 'vitest';
import { useOrgraph } from '../helpers/use-orgraph.js';

/** Audit id -> the status it has today and why (details in docs/graphql-over-http.md). */
const KNOWN_NOT_OK: Record<string, { status: 'warn' | 'notice'; why: string }> = {
  '5A70': { status: 'notice', why: 'GET without a preflight header: blocked by Apollo CSRF prevention (400)' },
  D6D5: { status: 'notice', why: 'GET without a preflight header: blocked by Apollo CSRF prevention (400)' },
  '6A70': { status: 'notice', why: 'GET without a preflight header: blocked by Apollo CSRF prevention (400)' },
};

const AUDIT_COUNT = 61;

const t = useOrgraph();

describe('GraphQL over HTTP (graphql-http server audits)', () => {
  it('passes every MUST audit; every other result that is not ok is a known, documented one', async () => {
    const audits = serverAudits({ url: () => `${t.server.url}/graphql`, fetchFn: fetch });
    const results: AuditResult[] = [];
    for (const audit of audits) results.push(await audit.fn()); // one at a time: readable server logs

    const counts = { ok: 0, warn: 0, notice: 0, error: 0 };
    for (const result of results) counts[result.status] += 1;
    console.log(`graphql-http server audits: ${results.length} run: ${counts.ok} ok, ${counts.warn} warn, ${counts.notice} notice, ${counts.error} error`);
    for (const result of results) {
      if (result.status === 'ok') continue;
      const known = KNOWN_NOT_OK[result.id];
      console.log(`  [${result.status}] ${result.id} ${result.name}\n      reason: ${result.reason}${known ? `\n      why: ${known.why}` : ''}`);
    }

    const describeFailure = (r: AuditResult) => `${r.status} ${r.id} ${r.name}${r.status === 'ok' ? '' : `: ${r.reason}`}`;
    expect(results.filter((r) => r.status === 'error').map(describeFailure)).toEqual([]);
    expect(results).toHaveLength(AUDIT_COUNT);
    const unexpected = results.filter((r) => r.status !== 'ok' && KNOWN_NOT_OK[r.id]?.status !== r.status);
    expect(unexpected.map(describeFailure), 'not ok and not explained in docs/graphql-over-http.md').toEqual([]);
    expect(counts.ok).toBeGreaterThanOrEqual(AUDIT_COUNT - Object.keys(KNOWN_NOT_OK).length);
  });
});
