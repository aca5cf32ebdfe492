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
 *   TEST_DATABASE_URL       a Postgres role that may create databases; unset: no Postgres rows (the PostGraphile one included)
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { admin, dropDatabase } from '../test/helpers/database.js';
import { startIssuer, type TestIssuer } from '../test/helpers/issuer.js';
import { runDrift } from './drift.js';
import { runMixed } from './mixed.js';
import { startProcess, type ServerProcess } from './load.js';
import { measure, measureAB, observeBackends, probe, statementsFor, type ABResult, type Row, type Target } from './measure.js';
import { checkedPeerAnswers, PEER_LABEL, PEER_NAME, PEER_SERVER, peerBodies, preparePeer } from './postgraphile/peer.js';
import { BENCH_ORG, ROWS, STATEMENT_CHECK_SIZES, type Fixture, type QueryName } from './queries.js';
import { renderReport } from './report.js';
import { seedCatalog } from './seed.js';
import { timeStarts } from './start-time.js';
import {
  ALL_QUERIES,
  appName,
  BENCH_READY,
  BENCH_SERVER,
  log,
  MAIN,
  ORGRAPH_READY,
  START,
  OWNER,
  QUERY_NAMES,
  revision,
  RULES_OFF,
  RULES_OFF_MARKER,
  settings,
  UNCACHED,
} from './settings.js';

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


async function main() {
  const logDir = mkdtempSync(join(tmpdir(), 'orgraph-bench-'));
  if (settings.cpuProfDir) mkdirSync(settings.cpuProfDir, { recursive: true });
  log(`logs in ${logDir}`);
  const startedAt = new Date();
  const measured = revision();
  const startLoad = loadavg()[0]!;
  // First, while nothing else runs: `npm start` as a user runs it (bench/start-time.ts).
  const starts = await timeStarts(logDir);

  const issuer = await startIssuer();
  cleanups.push(() => issuer.stop());
  // Six hours, so a slow drift run never outlives its token.
  const token = await issuer.userToken(OWNER, { email: 'bench-owner@example.test', name: 'Bench Owner', exp: Math.floor(Date.now() / 1000) + 6 * 3600 });

  let postgresDbUrl: string | null = null;
  if (settings.postgresUrl) {
    const name = `orgraph_bench_${randomBytes(6).toString('hex')}`;
    await admin(settings.postgresUrl, `create database ${name}`);
    cleanups.push(() => dropDatabase(settings.postgresUrl!, name));
    const url = new URL(settings.postgresUrl);
    url.pathname = `/${name}`;
    postgresDbUrl = url.href;
    log(`Postgres: fresh database ${name}`);
    const observer = new pg.Client({ connectionString: postgresDbUrl, application_name: 'orgraph-bench-observer' });
    await observer.connect();
    cleanups.push(() => observer.end());
    observeBackends(async (app) =>
      (await observer.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [app])).rows.map((r) => r.pid),
    );
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
  log('starting Orgraph on PGlite (scripts/start.mjs) and seeding it through the API');
  const pgliteProc = await started('orgraph-pglite', START, orgraphEnv(issuer, { PGLITE_DIR: 'memory://' }), ORGRAPH_READY, { orgraph: true, profile: true });
  await seed(pgliteProc.url);
  let postgresProc: ServerProcess | null = null;
  if (postgresDbUrl) {
    log('starting Orgraph on Postgres (scripts/start.mjs) and seeding it through the API');
    postgresProc = await started('orgraph-postgres', START, orgraphEnv(issuer, { DATABASE_URL: postgresDbUrl }), ORGRAPH_READY, { orgraph: true, profile: true });
    await seed(postgresProc.url);
  }

  const reference: Fixture = {
    scalar: JSON.parse(await probe(`${pgliteProc.url}/graphql`, token, 'scalar')),
    nested: JSON.parse(await probe(`${pgliteProc.url}/graphql`, token, 'nested')),
  };
  // (f): the peer a user would choose instead, PostGraphile with row-level security, on the rows of (d).
  let peerProc: ServerProcess | null = null;
  let peerSkipped = postgresDbUrl ? '' : 'TEST_DATABASE_URL unset';
  if (postgresDbUrl) {
    // First in the list, so run last: the role can be dropped only once the database holding its grants is.
    const prepared = await preparePeer(settings.postgresUrl!, postgresDbUrl, (drop) => cleanups.unshift(drop));
    if (typeof prepared === 'string') {
      peerSkipped = prepared;
      log(`no PostGraphile row: ${prepared}`);
    } else {
      log('starting PostGraphile 4 with row-level security on the same database');
      peerProc = await started(PEER_NAME, PEER_SERVER, { ...orgraphEnv(issuer, {}), ...prepared }, BENCH_READY);
    }
  }
  const fixtureFile = join(logDir, 'fixture.json');
  writeFileSync(fixtureFile, JSON.stringify(reference));

  // (d'): the same, with graphql-js executing instead of the compiled executor (EXECUTOR, src/config.ts).
  const jsEngine = postgresDbUrl ? 'Postgres' : 'PGlite';
  log(`starting Orgraph on ${jsEngine} with EXECUTOR=graphql-js`);
  const graphqlJsProc = await started(
    'orgraph-graphql-js',
    START,
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
  // (e): Orgraph on Postgres as `npm start` runs it, without the caches; a row of its own, alternated with (f).
  const uncachedProc = postgresDbUrl
    ? await started('orgraph-uncached', START, { ...orgraphEnv(issuer, { DATABASE_URL: postgresDbUrl }), ...UNCACHED }, ORGRAPH_READY, { orgraph: true, profile: true })
    : rulesOnProc;
  const peerOrgraph = target('peer-orgraph', '(e) Orgraph, Postgres, CACHE_MB=0 (vs PostGraphile)', uncachedProc, '/graphql', true, true);
  const peer = peerProc ? { ...target('peer', PEER_LABEL, peerProc, '/graphql', false, true), bodies: peerBodies } : null;

  // Every server must give the same answer as Orgraph on PGlite; each row then checks every response against it.
  const mismatches: string[] = [];
  for (const t of [...main, abOff, abOn, peerOrgraph]) {
    for (const q of ALL_QUERIES) {
      const text = await probe(t.endpoint, token, q);
      t.expected[q] = text;
      if (JSON.stringify(JSON.parse(text)) !== JSON.stringify(reference[q])) mismatches.push(`${t.label} / ${q}`);
    }
  }
  if (mismatches.length) throw new Error(`answers differ from Orgraph on PGlite: ${mismatches.join(', ')}`);
  if (peer) peer.expected = await checkedPeerAnswers(peer.process, token, reference);
  log(`all servers answer both queries with the same ${peer ? 'data' : 'JSON'}`);

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
  const ab: Record<QueryName, ABResult> = {} as never;
  for (const query of QUERY_NAMES) {
    log(`${query}: @requiresRole off vs on, ${settings.abRounds} round(s)`);
    ab[query] = await measureAB(abOff, abOn, token, query, settings.abRounds);
    rows.push({ query, label: abOff.label, ...ab[query].a }, { query, label: abOn.label, ...ab[query].b });
  }
  const peerAB: Partial<Record<QueryName, ABResult>> = {};
  for (const query of peer ? QUERY_NAMES : []) {
    log(`${query}: Orgraph without caches vs PostGraphile + RLS, ${settings.abRounds} round(s)`);
    peerAB[query] = await measureAB(peerOrgraph, peer!, token, query, settings.abRounds);
    rows.push({ query, label: peerOrgraph.label, ...peerAB[query].a }, { query, label: peer!.label, ...peerAB[query].b });
  }

  // Readers while others write, on the Orgraph of (d), or of (c) without Postgres (bench/mixed.ts).
  const mixed = await runMixed(postgresProc ?? pgliteProc, postgresProc ? 'Postgres' : 'PGlite', issuer, postgresProc ? appName(postgresProc.name) : null);
  rows.push({ query: 'nested', label: mixed.label, ...mixed.row });

  // RSS drift on a fresh, uncached Orgraph process (bench/drift.ts).
  const drift =
    settings.driftRequests > 0
      ? await runDrift(started, orgraphEnv(issuer, abDatabase), abEngine, token, postgresDbUrl ? null : seed)
      : null;

  const peerResult = peer ? { ab: peerAB, orgraph: peerOrgraph, peer } : { skipped: peerSkipped };
  console.log(renderReport({ startedAt, measured, startLoad, rows, statements, ab, abOff, abOn, abEngine, drift, peer: peerResult, mixed, starts }));
}

main()
  .then(cleanup, async (error: unknown) => {
    console.error('bench failed:', error instanceof Error ? error.stack : error);
    await cleanup();
    process.exitCode = 1;
  })
  .then(() => process.exit());
