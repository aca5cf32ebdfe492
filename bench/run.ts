/**
 * `npm run bench`: starts everything on loopback (an OAuth2 issuer, the
 * servers, a fresh Postgres database when TEST_DATABASE_URL is set), loads
 * each server in turn with autocannon, and prints one markdown table plus the
 * target checks. See docs/performance.md for what each row means.
 *
 * Environment (all optional):
 *   BENCH_DURATION          seconds measured per row (default 8)
 *   BENCH_WARMUP            seconds of unmeasured load before each row (default 2)
 *   BENCH_CONNECTIONS       concurrent connections (default 50)
 *   BENCH_AB_ROUNDS         rounds of read access checks off/on, alternating order (default 4: even, so each order counts alike)
 *   BENCH_QUERIES           scalar,nested (default): the queries loaded
 *   BENCH_DRIFT_REQUESTS    requests of the RSS drift run, 0 to skip it (default 100000)
 *   BENCH_DRIFT_CHECKPOINT  the early RSS reading, in requests (default 10000)
 *   BENCH_DRIFT_IDLE        seconds a drift reading waits after its two full GCs before reading RSS (default 20)
 *   BENCH_DRIFT_QUERY       scalar | nested (default scalar: 100k nested requests take far longer)
 *   BENCH_CPU_PROF          a directory: Orgraph processes write .cpuprofile files there (slows them down)
 *   BENCH_NODE_ARGS         more node flags for the Orgraph processes (after those of `npm start`), e.g. "--trace-gc"
 *   TEST_DATABASE_URL       a Postgres role that may create databases; unset: no Postgres rows
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { startIssuer, type TestIssuer } from '../test/helpers/issuer.js';
import { cpuMsOf, cpuMsOfAll, load, metric, post, rssOf, sampleRss, startProcess, type LoadResult, type ServerProcess } from './load.js';
import { bodyOf, BENCH_ORG, ROWS, STATEMENT_CHECK_SIZES, type Fixture, type QueryName } from './queries.js';
import { seedCatalog } from './seed.js';

// ---------------------------------------------------------------- settings

function numberFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return value;
}

/** The node flags `npm start` gives Orgraph (its heap settings), so that the bench runs what users run. */
function startFlags(): string[] {
  const start: string = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts.start;
  const match = /^node((?: --[\w-]+(?:=\S+)?)*) --import tsx src\/main\.ts$/.exec(start);
  if (!match) throw new Error(`package.json's start script is no longer "node <flags> --import tsx src/main.ts": ${start}`);
  return match[1]!.split(' ').filter(Boolean);
}

const settings = {
  duration: numberFrom('BENCH_DURATION', 8, 1, 600),
  warmup: numberFrom('BENCH_WARMUP', 2, 0, 600),
  connections: numberFrom('BENCH_CONNECTIONS', 50, 1, 1000),
  // Even by default, so that each server is loaded first as often as second: the first one's after-load
  // work shares the cores with the second, and an odd count would give that place to one side more often.
  abRounds: numberFrom('BENCH_AB_ROUNDS', 4, 1, 10),
  driftRequests: numberFrom('BENCH_DRIFT_REQUESTS', 100_000, 0, 10_000_000),
  driftCheckpoint: numberFrom('BENCH_DRIFT_CHECKPOINT', 10_000, 1, 10_000_000),
  driftQuery: (process.env.BENCH_DRIFT_QUERY ?? 'scalar') as QueryName,
  driftIdle: numberFrom('BENCH_DRIFT_IDLE', 20, 0, 300),
  cpuProfDir: process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : undefined,
  nodeArgs: [...startFlags(), ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)],
  postgresUrl: process.env.TEST_DATABASE_URL || undefined,
};
if (settings.driftQuery !== 'scalar' && settings.driftQuery !== 'nested') throw new Error('BENCH_DRIFT_QUERY must be scalar or nested');
if (settings.driftRequests > 0 && settings.driftCheckpoint >= settings.driftRequests) {
  throw new Error('BENCH_DRIFT_CHECKPOINT must be below BENCH_DRIFT_REQUESTS');
}

const ROOT = resolve(import.meta.dirname, '..');
const MAIN = join(ROOT, 'src/main.ts');
const BENCH_SERVER = join(ROOT, 'bench/server.ts');
const RULES_OFF = new URL('./read-rules-off.ts', import.meta.url).href;
const GC_ON_SIGNAL = new URL('./gc-on-signal.ts', import.meta.url).href;
const ORGRAPH_READY = /Orgraph listening on (http:\/\/\S+)\/graphql/;
const BENCH_READY = /^BENCH_READY (http:\/\/\S+)$/;
const OWNER = 'auth0|bench-owner';
/** Orgraph with its response and principal caches off: every request takes the database path. */
const UNCACHED = { CACHE_MB: '0' };
/** What bench/without-read-rules.ts writes to the log of the process it runs in. */
const RULES_OFF_MARKER = '[bench] read access checks are off in this process';
const ALL_QUERIES = ['scalar', 'nested'] as const satisfies readonly QueryName[];
/** The queries loaded (BENCH_QUERIES=nested to profile one of them); every server is still checked on both. */
const QUERY_NAMES = (process.env.BENCH_QUERIES ?? 'scalar,nested').split(',').map((q) => q.trim()) as QueryName[];
if (QUERY_NAMES.length === 0 || QUERY_NAMES.some((q) => !(ALL_QUERIES as readonly QueryName[]).includes(q))) throw new Error('BENCH_QUERIES must list scalar and/or nested');

// ---------------------------------------------------------------- types

interface Target {
  key: string;
  label: string;
  process: ServerProcess;
  /** The GraphQL endpoint. */
  endpoint: string;
  /** Base URL with Orgraph's /metrics, for the statement counter; null for the baselines. */
  metricsBase: string | null;
  /** Its Postgres connections' application_name (PGAPPNAME), for their backends' CPU time; null without Postgres. */
  postgresApp: string | null;
  /** This server's exact response to each query: every loaded response must equal it. */
  expected: Partial<Record<QueryName, string>>;
}

interface Row {
  query: QueryName;
  label: string;
  result: LoadResult | null;
  peakRss: number | null;
  sqlPerRequest: number | null;
  /** CPU time of the server process per request, in ms. */
  cpuPerRequest: number | null;
  /** CPU time of the Postgres backends per request, in ms (Postgres rows only). */
  dbCpuPerRequest: number | null;
  graphqlErrors: number;
  note?: string;
}

// ---------------------------------------------------------------- cleanup

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of cleanups.reverse()) {
      await step().catch((error: unknown) => console.error('cleanup:', error instanceof Error ? error.message : error));
    }
  })();
  return cleaning;
}
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));
process.once('SIGTERM', () => void cleanup().then(() => process.exit(143)));

// ---------------------------------------------------------------- helpers

/** The commit measured, and whether the code it runs differs from it (read-only git commands; absent outside a checkout). */
function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'schema', 'migrations', 'package.json') !== '';
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/, schema/, migrations/ or package.json' : ''}`;
  } catch {
    return 'commit unknown';
  }
}

const log = (message: string) => console.error(`[bench] ${message}`);
const appName = (processName: string) => `orgraph-bench-${processName}`;

async function adminQuery(url: string, statement: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function orgraphEnv(issuer: TestIssuer, database: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  for (const k of ['DATABASE_URL', 'PGLITE_DIR', 'AUTH_CLAIMS_NAMESPACE', 'DEV_ISSUER_KEY_FILE']) delete env[k];
  return {
    ...env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: '0',
    MIGRATE_ON_START: 'true',
    RATE_LIMIT: 'off',
    AUTH_ISSUER: issuer.url,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS_URI: issuer.jwksUri,
    ...database,
  };
}

async function probe(endpoint: string, token: string, query: QueryName, slug = BENCH_ORG): Promise<string> {
  const { status, text } = await post(endpoint, token, bodyOf(query, slug));
  if (status !== 200 || text.includes('"errors"')) throw new Error(`${endpoint} answered ${status}: ${text.slice(0, 500)}`);
  return text;
}

let probes = 0;

/**
 * SQL statements one request costs, from Orgraph's orgraph_db_statements_total. The document carries a
 * comment of its own, so that a response cache cannot answer it: this counts the database path.
 */
async function statementsFor(target: Target, token: string, query: QueryName, slug: string): Promise<number> {
  const before = await metric(target.metricsBase!, 'orgraph_db_statements_total');
  const body = JSON.parse(bodyOf(query, slug)) as { query: string };
  body.query += `\n# statements probe ${++probes}`;
  const { status, text } = await post(target.endpoint, token, JSON.stringify(body));
  if (status !== 200 || text.includes('"errors"')) throw new Error(`${target.endpoint} answered ${status}: ${text.slice(0, 500)}`);
  return (await metric(target.metricsBase!, 'orgraph_db_statements_total')) - before;
}

/**
 * Waits (bounded) until Orgraph has finished the operations autocannon left in
 * flight when it stopped (neither operations nor SQL statements move for two
 * readings in a row), so that counters cover whole requests and the next row
 * starts on an idle server. Returns the operations counter.
 */
async function settle(target: Target): Promise<number> {
  const read = async () =>
    `${await metric(target.metricsBase!, 'orgraph_graphql_operations_total')}/${await metric(target.metricsBase!, 'orgraph_db_statements_total')}`;
  let last = await read();
  let quiet = 0;
  for (let i = 0; i < 100 && quiet < 2; i++) {
    await sleep(250);
    const now = await read();
    quiet = now === last ? quiet + 1 : 0;
    last = now;
  }
  return Number(last.split('/')[0]);
}

/** The 1-minute load average at the start of each measurement: other work on the machine shows here. */
const loadSamples: number[] = [];

/** The Postgres backends of a server (by application_name), for their CPU time. */
let backendsOf: (app: string) => Promise<number[]> = async () => [];

async function measure(target: Target, token: string, query: QueryName, duration: number, warmup: number): Promise<Omit<Row, 'label' | 'query'>> {
  loadSamples.push(loadavg()[0]!);
  const body = bodyOf(query);
  const expectBody = target.expected[query]!;
  const peak = sampleRss(target.process.pid);
  if (warmup > 0) await load({ url: target.endpoint, body, token, connections: settings.connections, duration: warmup, expectBody });
  const counters = async () => {
    const operations = target.metricsBase ? await settle(target) : (await sleep(300), null);
    return {
      operations,
      cpu: cpuMsOf(target.process.pid),
      dbCpu: target.postgresApp ? cpuMsOfAll(await backendsOf(target.postgresApp)) : null,
      statements: target.metricsBase ? await metric(target.metricsBase, 'orgraph_db_statements_total') : NaN,
      errors: target.metricsBase ? (await metric(target.metricsBase, 'orgraph_graphql_errors_total')) || 0 : 0,
    };
  };
  const before = await counters();
  const result = await load({ url: target.endpoint, body, token, connections: settings.connections, duration, expectBody });
  const after = await counters();
  const peakRss = peak();
  // Orgraph: per operation it finished, those still in flight when autocannon stopped included.
  const served = after.operations !== null && before.operations !== null ? after.operations - before.operations : result.requests;
  return {
    result,
    peakRss,
    sqlPerRequest: target.metricsBase ? (after.statements - before.statements) / served : null,
    cpuPerRequest: after.cpu !== null && before.cpu !== null ? (after.cpu - before.cpu) / served : null,
    dbCpuPerRequest: after.dbCpu !== null && before.dbCpu !== null ? (after.dbCpu - before.dbCpu) / served : null,
    graphqlErrors: after.errors - before.errors,
  };
}

/** Alternates two targets for `rounds` rounds and combines each one's runs. */
async function measureAB(a: Target, b: Target, token: string, query: QueryName, rounds: number) {
  const runs = new Map<string, Omit<Row, 'label' | 'query'>[]>([
    [a.key, []],
    [b.key, []],
  ]);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? [a, b] : [b, a];
    for (const target of order) {
      log(`  ${query}: ${target.label}, round ${round + 1}/${rounds}`);
      runs.get(target.key)!.push(await measure(target, token, query, settings.duration, settings.warmup));
    }
  }
  const combine = (list: Omit<Row, 'label' | 'query'>[]): Omit<Row, 'label' | 'query'> => {
    const requests = list.reduce((sum, r) => sum + r.result!.requests, 0);
    const seconds = list.reduce((sum, r) => sum + r.result!.seconds, 0);
    const mean = (pick: (r: LoadResult) => number) => list.reduce((sum, r) => sum + pick(r.result!), 0) / list.length;
    return {
      result: {
        requests,
        seconds,
        rps: requests / seconds,
        p50: mean((r) => r.p50),
        p99: mean((r) => r.p99),
        failures: list.reduce((sum, r) => sum + r.result!.failures, 0),
      },
      peakRss: Math.max(...list.map((r) => r.peakRss ?? 0)) || null,
      sqlPerRequest: list.reduce((sum, r) => sum + (r.sqlPerRequest ?? 0) * r.result!.requests, 0) / requests,
      cpuPerRequest: list.reduce((sum, r) => sum + (r.cpuPerRequest ?? 0) * r.result!.requests, 0) / requests,
      dbCpuPerRequest: list.every((r) => r.dbCpuPerRequest !== null)
        ? list.reduce((sum, r) => sum + r.dbCpuPerRequest! * r.result!.requests, 0) / requests
        : null,
      graphqlErrors: list.reduce((sum, r) => sum + r.graphqlErrors, 0),
    };
  };
  return { a: combine(runs.get(a.key)!), b: combine(runs.get(b.key)!), rps: (k: string) => runs.get(k)!.map((r) => r.result!.rps) };
}

const mib = (bytes: number | null) => (bytes === null ? 'n/a' : (bytes / 1024 / 1024).toFixed(0));
const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : 'n/a');
const ratio = (a: number | undefined, b: number | undefined) => (a && b ? `${(a / b).toFixed(2)}x` : 'n/a');
const pct = (v: number) => `${v >= 0 ? '+' : ''}${(v * 100).toFixed(1)}%`;

// ---------------------------------------------------------------- main

async function main() {
  const logDir = mkdtempSync(join(tmpdir(), 'orgraph-bench-'));
  if (settings.cpuProfDir) mkdirSync(settings.cpuProfDir, { recursive: true });
  log(`logs in ${logDir}`);
  const startedAt = new Date();
  const measured = revision();
  const startLoad = loadavg()[0]!;

  const issuer = await startIssuer();
  cleanups.push(() => issuer.stop());
  // Six hours, so a slow drift run never outlives its token.
  const token = await issuer.userToken(OWNER, { email: 'bench-owner@example.test', name: 'Bench Owner', exp: Math.floor(Date.now() / 1000) + 6 * 3600 });

  let postgresDbUrl: string | null = null;
  if (settings.postgresUrl) {
    const name = `orgraph_bench_${randomBytes(6).toString('hex')}`;
    await adminQuery(settings.postgresUrl, `create database ${name}`);
    cleanups.push(() => adminQuery(settings.postgresUrl!, `drop database if exists ${name} with (force)`));
    const url = new URL(settings.postgresUrl);
    url.pathname = `/${name}`;
    postgresDbUrl = url.href;
    log(`Postgres: fresh database ${name}`);
    const observer = new pg.Client({ connectionString: postgresDbUrl, application_name: 'orgraph-bench-observer' });
    await observer.connect();
    cleanups.push(() => observer.end());
    backendsOf = async (app) =>
      (await observer.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [app])).rows.map((r) => r.pid);
  } else {
    log('TEST_DATABASE_URL unset: the Postgres rows are skipped');
  }

  /** `orgraph`: gets BENCH_NODE_ARGS; `profile`: and BENCH_CPU_PROF (never the drift run: the profiler's samples grow its RSS). */
  const started = async (
    name: string,
    script: string,
    env: Record<string, string>,
    ready: RegExp,
    { args = [] as string[], orgraph = false, profile = false, nodeArgs = [] as string[] } = {},
  ) => {
    const proc = await startProcess({
      name,
      script,
      args,
      env: { ...env, PGAPPNAME: appName(name) },
      ready,
      logDir,
      cpuProfDir: profile ? settings.cpuProfDir : undefined,
      nodeArgs: [...nodeArgs, ...(orgraph ? settings.nodeArgs : [])],
    });
    cleanups.push(() => proc.stop());
    return proc;
  };
  const seed = async (url: string) => {
    await seedCatalog(url, issuer, token, BENCH_ORG, ROWS);
    for (const size of STATEMENT_CHECK_SIZES) await seedCatalog(url, issuer, token, `${BENCH_ORG}-${size}`, size);
  };

  // (c) and (d): Orgraph as `npm start` runs it.
  log('starting Orgraph on PGlite (src/main.ts) and seeding it through the API');
  const pgliteProc = await started('orgraph-pglite', MAIN, orgraphEnv(issuer, { PGLITE_DIR: 'memory://' }), ORGRAPH_READY, { orgraph: true, profile: true });
  await seed(pgliteProc.url);
  let postgresProc: ServerProcess | null = null;
  if (postgresDbUrl) {
    log('starting Orgraph on Postgres (src/main.ts) and seeding it through the API');
    postgresProc = await started('orgraph-postgres', MAIN, orgraphEnv(issuer, { DATABASE_URL: postgresDbUrl }), ORGRAPH_READY, { orgraph: true, profile: true });
    await seed(postgresProc.url);
  }

  const reference: Fixture = {
    scalar: JSON.parse(await probe(`${pgliteProc.url}/graphql`, token, 'scalar')),
    nested: JSON.parse(await probe(`${pgliteProc.url}/graphql`, token, 'nested')),
  };
  const fixtureFile = join(logDir, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(reference));

  // (d'): the same, with graphql-js executing instead of the compiled executor (EXECUTOR, src/config.ts).
  const jsEngine = postgresDbUrl ? 'Postgres' : 'PGlite';
  log(`starting Orgraph on ${jsEngine} with EXECUTOR=graphql-js`);
  const graphqlJsProc = await started(
    'orgraph-graphql-js',
    MAIN,
    { ...orgraphEnv(issuer, postgresDbUrl ? { DATABASE_URL: postgresDbUrl } : { PGLITE_DIR: 'memory://' }), EXECUTOR: 'graphql-js', ...UNCACHED },
    ORGRAPH_READY,
    { orgraph: true, profile: true },
  );
  if (!postgresDbUrl) await seed(graphqlJsProc.url);

  // (a) and (b).
  const benchEnv = { ...orgraphEnv(issuer, {}), BENCH_FIXTURE: fixtureFile };
  log('starting raw Node, bare Apollo and bare Apollo + token');
  const rawProc = await started('raw', BENCH_SERVER, benchEnv, BENCH_READY, { args: ['raw'] });
  const apolloProc = await started('apollo', BENCH_SERVER, benchEnv, BENCH_READY, { args: ['apollo'] });
  const apolloTokenProc = await started('apollo-token', BENCH_SERVER, benchEnv, BENCH_READY, { args: ['apollo-token'] });

  // @requiresRole on vs off: two fresh `src/main.ts` processes, the same in all but one module (bench/read-rules-off.ts).
  const abEngine = postgresDbUrl ? 'Postgres' : 'PGlite';
  log(`starting Orgraph on ${abEngine} twice, with read access checks on and off`);
  const abDatabase: Record<string, string> = postgresDbUrl ? { DATABASE_URL: postgresDbUrl } : { PGLITE_DIR: 'memory://' };
  const rulesOnProc = await started('orgraph-rules-on', MAIN, { ...orgraphEnv(issuer, abDatabase), ...UNCACHED }, ORGRAPH_READY, { orgraph: true, profile: true });
  const rulesOffProc = await started('orgraph-rules-off', MAIN, { ...orgraphEnv(issuer, abDatabase), ...UNCACHED }, ORGRAPH_READY, {
    orgraph: true,
    profile: true,
    nodeArgs: ['--import', RULES_OFF],
  });
  if (!postgresDbUrl) for (const proc of [rulesOnProc, rulesOffProc]) await seed(proc.url);

  const target = (key: string, label: string, proc: ServerProcess, path: string, metrics: boolean, postgres = false): Target => ({
    key,
    label,
    process: proc,
    endpoint: `${proc.url}${path}`,
    metricsBase: metrics ? proc.url : null,
    postgresApp: postgres && postgresDbUrl ? appName(proc.name) : null,
    expected: {},
  });
  const main: Target[] = [
    target('raw', '(a) raw Node http, JSON from memory', rawProc, '/', false),
    target('apollo', '(b) bare Apollo Server 5, from memory', apolloProc, '/', false),
    target('apollo-token', '(b+) bare Apollo + jose token verification', apolloTokenProc, '/', false),
    target('pglite', '(c) Orgraph, PGlite', pgliteProc, '/graphql', true),
  ];
  if (postgresProc) main.push(target('postgres', '(d) Orgraph, Postgres', postgresProc, '/graphql', true, true));
  main.push(target('graphql-js', `(d') Orgraph, ${jsEngine}, CACHE_MB=0, EXECUTOR=graphql-js`, graphqlJsProc, '/graphql', true, true));
  const abOff = target('rules-off', `Orgraph/${abEngine}, CACHE_MB=0, read access checks off (A/B)`, rulesOffProc, '/graphql', true, true);
  const abOn = target('rules-on', `Orgraph/${abEngine}, CACHE_MB=0, read access checks on (A/B)`, rulesOnProc, '/graphql', true, true);

  // Every server must give the same answer as Orgraph on PGlite; each row then checks every response against it.
  const mismatches: string[] = [];
  for (const t of [...main, abOff, abOn]) {
    for (const q of ALL_QUERIES) {
      const text = await probe(t.endpoint, token, q);
      t.expected[q] = text;
      if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(reference[q])) mismatches.push(`${t.label} / ${q}`);
    }
  }
  if (mismatches.length) throw new Error(`answers differ from Orgraph on PGlite: ${mismatches.join(', ')}`);
  log('all servers answer both queries with the same JSON');

  // Statements per request, one request at a time.
  const statements: { label: string; counts: Record<string, number> }[] = [];
  for (const t of [...main.filter((m) => m.metricsBase), abOff, abOn]) {
    const counts: Record<string, number> = { scalar: await statementsFor(t, token, 'scalar', BENCH_ORG) };
    for (const size of STATEMENT_CHECK_SIZES) counts[`nested ${size}`] = await statementsFor(t, token, 'nested', `${BENCH_ORG}-${size}`);
    counts[`nested ${ROWS}`] = await statementsFor(t, token, 'nested', BENCH_ORG);
    if (main.includes(t)) counts[`nested ${ROWS} + viewerCan`] = await statementsFor(t, token, 'nestedViewerCan', BENCH_ORG);
    statements.push({ label: t.label, counts });
  }
  const offMarked = [rulesOffProc, rulesOnProc].map((p) => readFileSync(join(logDir, `${p.name}.log`), 'utf8').includes(RULES_OFF_MARKER));
  if (!offMarked[0] || offMarked[1]) {
    throw new Error('bench/read-rules-off.ts did not take effect in the "read access checks off" process alone (see its log)');
  }

  // The side-by-side rows.
  const rows: Row[] = [];
  for (const query of QUERY_NAMES) {
    for (const t of main) {
      log(`${query}: ${t.label}`);
      rows.push({ query, label: t.label, ...(await measure(t, token, query, settings.duration, settings.warmup)) });
      if (t.key === 'pglite' && !postgresProc) {
        const skipped = { result: null, peakRss: null, sqlPerRequest: null, cpuPerRequest: null, dbCpuPerRequest: null, graphqlErrors: 0 };
        rows.push({ query, label: '(d) Orgraph, Postgres', ...skipped, note: 'skipped: TEST_DATABASE_URL unset' });
      }
    }
  }
  const ab: Record<QueryName, Awaited<ReturnType<typeof measureAB>>> = {} as never;
  for (const query of QUERY_NAMES) {
    log(`${query}: @requiresRole off vs on, ${settings.abRounds} round(s)`);
    ab[query] = await measureAB(abOff, abOn, token, query, settings.abRounds);
    rows.push({ query, label: abOff.label, ...ab[query].a }, { query, label: abOn.label, ...ab[query].b });
  }

  // RSS drift on a fresh Orgraph process: readings 1 s after the load, and after two full garbage
  // collections (bench/gc-on-signal.ts) and BENCH_DRIFT_IDLE seconds, so that they compare live memory:
  // V8 hands freed pages back to the system only after its memory reducer sees an idle heap, which
  // takes longer than 5 s; shorter waits read what the process still holds, not what it uses.
  type Reading = { requests: number; rss: number | null; idleRss: number | null; idleHeap: number };
  let drift: { engine: string; query: QueryName; readings: Reading[]; peak: number | null; rps: number; failures: number } | null = null;
  if (settings.driftRequests > 0) {
    const engine = postgresDbUrl ? 'Postgres' : 'PGlite';
    log(`RSS drift: a fresh Orgraph on ${engine}, ${settings.driftRequests} ${settings.driftQuery} requests`);
    // Uncached, so that every request takes the whole path (token, principal, loaders, SQL, execution).
    const proc = await started('orgraph-drift', MAIN, { ...orgraphEnv(issuer, postgresDbUrl ? { DATABASE_URL: postgresDbUrl } : { PGLITE_DIR: 'memory://' }), ...UNCACHED }, ORGRAPH_READY, {
      orgraph: true,
      nodeArgs: ['--expose-gc', '--import', GC_ON_SIGNAL],
    });
    if (!postgresDbUrl) await seed(proc.url);
    const endpoint = `${proc.url}/graphql`;
    const expectBody = await probe(endpoint, token, settings.driftQuery);
    const read = async (requests: number): Promise<Reading> => {
      await sleep(1000);
      const rss = rssOf(proc.pid);
      for (let i = 0; i < 2; i++) {
        process.kill(proc.pid, 'SIGUSR2');
        await sleep(1000);
      }
      await sleep(settings.driftIdle * 1000);
      const reading = { requests, rss, idleRss: rssOf(proc.pid), idleHeap: await metric(proc.url, 'orgraph_nodejs_heap_size_used_bytes') };
      log(`  after ${requests} requests: RSS ${mib(reading.rss)} MiB, ${mib(reading.idleRss)} MiB after full GCs`);
      return reading;
    };
    const readings = [await read(0)];
    const peak = sampleRss(proc.pid, 250);
    let done = 0;
    let seconds = 0;
    let failures = 0;
    for (const amount of [settings.driftCheckpoint, settings.driftRequests - settings.driftCheckpoint]) {
      const r = await load({ url: endpoint, body: bodyOf(settings.driftQuery), token, connections: settings.connections, amount, expectBody });
      done += amount;
      seconds += r.seconds;
      failures += r.failures;
      readings.push(await read(done));
    }
    drift = { engine, query: settings.driftQuery, readings, peak: peak(), rps: done / seconds, failures };
    await proc.stop();
  }

  // ------------------------------------------------------------ report
  const byKey = (query: QueryName, prefix: string) => rows.find((r) => r.query === query && r.label.startsWith(prefix))?.result?.rps;
  const out: string[] = [];
  out.push(
    `Orgraph benchmark, ${startedAt.toISOString().slice(0, 16).replace('T', ' ')} UTC, ${measured}: Node ${process.version}, ` +
      `${cpus().length} CPU(s) (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB; ` +
      `${settings.connections} connections, ${settings.duration} s per row after ${settings.warmup} s of warm-up; ` +
      `@requiresRole rows: ${settings.abRounds} alternating rounds combined; Orgraph processes run with node ${settings.nodeArgs.join(' ') || '(no flags)'}. Load generator and servers share the machine; ` +
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
  if (settings.cpuProfDir) out.push('', `CPU profiles of the Orgraph processes: ${settings.cpuProfDir}`);
  console.log(out.join('\n'));
}

main()
  .then(cleanup, async (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.stack : error);
    await cleanup();
    process.exitCode = 1;
  })
  .then(() => process.exit());
