/** The benchmark's table and its target checks, as printed. */
import { cpus, totalmem } from 'node:os';
import type { Drift } from './drift.js';
import type { Mixed } from './mixed.js';
import type { StartTimes } from './start-time.js';
import { loadSamples, type ABResult, type Row, type Target } from './measure.js';
import { ROWS, STATEMENT_CHECK_SIZES, type QueryName } from './queries.js';
import { QUERY_NAMES, settings } from './settings.js';

export const mib = (bytes: number | null) => (bytes === null ? 'n/a' : (bytes / 1024 / 1024).toFixed(0));
const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : 'n/a');
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');
const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

export interface Results {
  startedAt: Date;
  measured: string;
  startLoad: number;
  rows: Row[];
  statements: { label: string; counts: Record<string, number> }[];
  ab: Record<QueryName, ABResult>;
  abOff: Target;
  abOn: Target;
  abEngine: string;
  drift: Drift | null;
  /** (e) vs (f), alternated; or why the peer row is missing. */
  peer: { ab: Partial<Record<QueryName, ABResult>>; orgraph: Target; peer: Target } | { skipped: string };
  mixed: Mixed;
  starts: StartTimes;
}

const seconds = (v: number | null) => (v === null ? 'no answer' : `${(v / 1000).toFixed(2)} s`);

function mixedLine({ engine, row, hitRatio, reads, writes, writeFailures, writesPerSecond, newcomers }: Mixed): string {
  const failed = row.result!.failures + row.graphqlErrors + writeFailures;
  return (
    `- Mixed workload: readers' hit ratio ${(hitRatio * 100).toFixed(1)}% (target >= 98%): ${hitRatio >= 0.98 ? 'MET' : 'MISSED'}; ` +
    `Orgraph/${engine} with its default caches, readers ${row.result!.rps.toFixed(0)} req/s (${reads} reads), ${row.sqlPerRequest!.toFixed(2)} SQL per read; ` +
    `writes ${writesPerSecond.toFixed(1)}/s (${writes}), ${newcomers} new users signed in${failed ? ` (**${failed} failed**)` : ''}`
  );
}

const NESTED_VS_PEER = 'Nested query, Orgraph on Postgres with CACHE_MB=0 vs PostGraphile + RLS';

function peerLines(peer: Results['peer']): string[] {
  if ('skipped' in peer) return [`- ${NESTED_VS_PEER}: not measured (${peer.skipped})`];
  const lines: string[] = [];
  for (const query of (['nested', 'scalar'] as const).filter((q) => QUERY_NAMES.includes(q))) {
    const { a, b, rps } = peer.ab[query]!;
    const times = a.result!.rps / b.result!.rps;
    const rounds = (t: Target) => rps(t.key).map((v) => v.toFixed(0)).join(', ');
    const cpu = (r: ABResult['a']) => `server ${r.cpuPerRequest === null ? 'n/a' : ms(r.cpuPerRequest)}, Postgres ${r.dbCpuPerRequest === null ? 'n/a' : ms(r.dbCpuPerRequest)}`;
    const head = query === 'nested' ? `${NESTED_VS_PEER}: ${times.toFixed(2)}x (target >= 2.00x): ${times >= 2 ? 'MET' : 'MISSED'}` : `Scalar query, the same comparison: ${times.toFixed(2)}x (reported, no target)`;
    lines.push(
      `- ${head} (${a.result!.rps.toFixed(0)} vs ${b.result!.rps.toFixed(0)} req/s; rounds Orgraph: ${rounds(peer.orgraph)}, PostGraphile: ${rounds(peer.peer)}); ` +
        `CPU ms per request, Orgraph: ${cpu(a)}; PostGraphile: ${cpu(b)}`,
    );
  }
  return lines;
}

export function renderReport({ startedAt, measured, startLoad, rows, statements, ab, abOff, abOn, abEngine, drift, peer, mixed, starts }: Results): string {
  const byKey = (query: QueryName, prefix: string) => rows.find((r) => r.query === query && r.label.startsWith(prefix))?.result?.rps;
  const out: string[] = [];
  out.push(
    `Orgraph benchmark, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${measured}: Node ${process.version}, ` +
      `${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
      `${settings.connections} connections, ${settings.duration} s per row after ${settings.warmup} s of warm-up; ` +
      `@requiresRole and PostGraphile rows: ${settings.abRounds} alternating rounds combined; Orgraph processes run with node ${settings.nodeArgs.join(' ') || '(no flags)'}. Load generator and servers share the machine; ` +
      `1-min load average ${startLoad.toFixed(1)} at start, ${Math.min(...loadSamples).toFixed(1)} to ${Math.max(...loadSamples).toFixed(1)} during the rows ` +
      `(the benchmark itself accounts for about 2).`,
    '',
    '| query | server | req/s | p50 ms | p99 ms | peak RSS MiB | SQL/req | CPU ms/req | Postgres CPU ms/req | vs bare Apollo | vs raw Node |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  for (const row of rows) {
    const r = row.result;
    if (!r) {
      out.push(`| ${row.query} | ${row.label} | ${row.note} | | | | | | | | |`);
      continue;
    }
    const problems = r.failures + row.graphqlErrors;
    const label = problems ? `${row.label} (**${problems} failed**)` : row.label;
    out.push(
      `| ${row.query} | ${label} | ${r.rps.toFixed(0)} | ${ms(r.p50)} | ${ms(r.p99)} | ${mib(row.peakRss)} | ` +
        `${row.sqlPerRequest === null ? '-' : row.sqlPerRequest.toFixed(1)} | ${row.cpuPerRequest === null ? 'n/a' : ms(row.cpuPerRequest)} | ${row.dbCpuPerRequest === null ? '-' : ms(row.dbCpuPerRequest)} | ${ratio(r.rps, byKey(row.query, '(b)'))} | ${ratio(r.rps, byKey(row.query, '(a)'))} |`,
    );
  }
  out.push('', 'SQL statements for one request (orgraph_db_statements_total before/after):', '');
  const columns = Object.keys(statements[0]?.counts ?? {});
  out.push(`| server | ${columns.map((c) => (c === 'scalar' ? 'scalar' : `${c.replace('nested ', 'nested, ')} environments`)).join(' | ')} |`);
  out.push(`| --- | ${columns.map(() => '---:').join(' | ')} |`);
  for (const s of statements) out.push(`| ${s.label} | ${columns.map((c) => s.counts[c]).join(' | ')} |`);

  out.push('', 'Targets (ratios from this run):', '');
  const nestedApollo = byKey('nested', '(b)');
  const nestedPg = byKey('nested', '(d)');
  const nestedLite = byKey('nested', '(c)');
  const pgliteText = `PGlite: ${ratio(nestedLite, nestedApollo)}`;
  out.push(
    !QUERY_NAMES.includes('nested')
      ? '- Nested 100-row query: not loaded (BENCH_QUERIES)'
      : nestedPg && nestedApollo
      ? `- Nested 100-row query, Orgraph on Postgres vs bare Apollo from memory: ${ratio(nestedPg, nestedApollo)} (target >= 1.00x): ` +
          `${nestedPg >= nestedApollo ? 'MET' : `MISSED (${((1 - nestedPg / nestedApollo) * 100).toFixed(1)}% below it)`}; ${pgliteText}`
      : `- Nested 100-row query, Orgraph on Postgres vs bare Apollo: not measured (TEST_DATABASE_URL unset); ${pgliteText}`,
  );
  const nestedUncached = rows.find((r) => r.query === 'nested' && r.label === abOn.label)?.result?.rps;
  if (nestedUncached && nestedApollo) {
    out.push(`- The same without the response cache (${abOn.label}): ${ratio(nestedUncached, nestedApollo)} of bare Apollo (reported, no target)`);
  }
  out.push(...peerLines(peer), mixedLine(mixed));
  for (const query of QUERY_NAMES) {
    const off = ab[query].a.result!.rps;
    const on = ab[query].b.result!.rps;
    const overhead = (off - on) / off;
    const cpuOff = ab[query].a.cpuPerRequest;
    const cpuOn = ab[query].b.cpuPerRequest;
    const rounds = (k: string) => ab[query].rps(k).map((v) => v.toFixed(0)).join(', ');
    out.push(
      `- @requiresRole overhead, ${query} query (${abEngine}): ${pct(overhead)} of req/s (off ${off.toFixed(0)}, on ${on.toFixed(0)}; ` +
        `rounds off: ${rounds(abOff.key)}, on: ${rounds(abOn.key)}) (target <= 5%): ` +
        `${overhead <= 0.05 ? 'MET' : `MISSED by ${((overhead - 0.05) * 100).toFixed(1)} points`}; ` +
        `server CPU per request ${cpuOff && cpuOn ? `${ms(cpuOff)} -> ${ms(cpuOn)} ms (${pct((cpuOn - cpuOff) / cpuOff)})` : 'n/a'}`,
    );
  }
  for (const s of statements) {
    const [small, large] = STATEMENT_CHECK_SIZES.map((size) => s.counts[`nested ${size}`]);
    out.push(
      `- Statements per request, nested query, 3 vs 30 environments, ${s.label}: ${small} vs ${large} (target: equal): ${small === large ? 'MET' : 'MISSED'}`,
    );
    const [plain, flagged] = [s.counts[`nested ${ROWS}`], s.counts[`nested ${ROWS} + viewerCan`]];
    if (flagged !== undefined) {
      out.push(`- Statements per request, nested query with viewerCan on its ${ROWS} environments, ${s.label}: ${flagged} vs ${plain} without (target: equal): ${flagged === plain ? 'MET' : 'MISSED'}`);
    }
  }
  if (drift) {
    const [, early, late] = drift.readings;
    const change = early?.idleRss && late?.idleRss ? (late.idleRss - early.idleRss) / early.idleRss : NaN;
    const loaded = early?.rss && late?.rss ? (late.rss - early.rss) / early.rss : NaN;
    out.push(
      `- RSS drift, fresh Orgraph on ${drift.engine} with CACHE_MB=0, ${drift.query} query at ${drift.rps.toFixed(0)} req/s${drift.failures ? ` (**${drift.failures} failed**)` : ''}: ` +
        `RSS after full GCs: ` +
        drift.readings.map((r) => `${r.requests} requests ${mib(r.idleRss)} MiB`).join(', ') +
        ` (heap used ${drift.readings.map((r) => mib(r.idleHeap)).join(' / ')} MiB; 1 s after the load: ${drift.readings.map((r) => mib(r.rss)).join(' / ')} MiB, ` +
        `${pct(loaded)}; peak ${mib(drift.peak)} MiB); ` +
        `${settings.driftCheckpoint} -> ${settings.driftRequests} requests: ${pct(change)} (target within 10%): ${Math.abs(change) <= 0.1 ? 'MET' : 'MISSED'}`,
    );
  } else {
    out.push('- RSS drift: skipped (BENCH_DRIFT_REQUESTS=0)');
  }
  out.push(
    `- Time to first response of \`npm start\` (\`${starts.script}\`, empty PGLITE_DIR, nothing else set): ` +
      `${seconds(starts.empty)}; restarted on the same directory: ${seconds(starts.restart)} (reported, no target)`,
  );
  if (settings.cpuProfDir) out.push('', `CPU profiles of the Orgraph processes: ${settings.cpuProfDir}`);
  return out.join('\n');
}
