/**
 * The mixed workload: readers across many organizations while others are
 * written to and new users sign in, on one Orgraph with its default caches.
 * Answers are cached per principal and dropped by the organizations and
 * users a write touched (docs/caching.md), so writes elsewhere should leave
 * the readers' answers alone: their hit ratio says whether they do.
 *
 * Twenty organizations of a few environments, each with an owner of its
 * own; the readers are the owners of the first ten, each connection asking
 * the nested query of each of them in turn; a writer creates environments
 * in the other ten, about ten a second; a newcomer (a subject never seen)
 * asks who it is every second.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { TestIssuer } from '../test/helpers/issuer.js';
import { load, metric, type ServerProcess } from './load.js';
import { measure, settle, type Row, type Target } from './measure.js';
import { bodyOf } from './queries.js';
import { CREATE_ENV, graphql, MANIFEST, seedCatalog } from './seed.js';
import { log, settings } from './settings.js';

const ORGANIZATIONS = 20;
const READ = 10;
const ENVIRONMENTS = 3;
const WRITES_PER_SECOND = 10;
const NEWCOMER_EVERY_MS = 1000;
const MAX_IN_FLIGHT = 50;
const VIEWER = '{ viewer { kind user { subject } } }';

export interface Mixed {
  engine: string;
  label: string;
  row: Omit<Row, 'label' | 'query'>;
  hitRatio: number;
  reads: number;
  writes: number;
  writeFailures: number;
  writesPerSecond: number;
  newcomers: number;
}

type Counters = { hits: number; misses: number; statements: number; operations: number };

async function counters(target: Target): Promise<Counters> {
  const operations = await settle(target);
  const base = target.metricsBase!;
  return {
    operations,
    // A label set appears only once counted: absent is none.
    hits: (await metric(base, 'orgraph_response_cache_total', 'outcome="hit"')) || 0,
    misses: (await metric(base, 'orgraph_response_cache_total', 'outcome="miss"')) || 0,
    statements: await metric(base, 'orgraph_db_statements_total'),
  };
}

/** Statements `work` costs, alone: the writes' and sign-ins' share is taken out of the readers'. */
async function statementsOf(base: string, work: () => Promise<unknown>): Promise<number> {
  const before = await metric(base, 'orgraph_db_statements_total');
  await work();
  await sleep(100);
  return (await metric(base, 'orgraph_db_statements_total')) - before;
}

export async function runMixed(proc: ServerProcess, engine: string, issuer: TestIssuer, postgresApp: string | null): Promise<Mixed> {
  log(`mixed workload: seeding ${ORGANIZATIONS} organizations on Orgraph/${engine}`);
  const owners: { token: string; slug: string; organizationId: string }[] = [];
  for (let i = 1; i <= ORGANIZATIONS; i++) {
    const token = await issuer.userToken(`auth0|mixed-owner-${i}`, { exp: Math.floor(Date.now() / 1000) + 3600 });
    const slug = `mixed-${String(i).padStart(2, '0')}`;
    owners.push({ token, slug, organizationId: await seedCatalog(proc.url, issuer, token, slug, ENVIRONMENTS) });
  }
  const readers = owners.slice(0, READ);
  const written = owners.slice(READ);
  const target: Target = {
    key: 'mixed',
    label: `(g) Orgraph, ${engine}, mixed: readers of ${READ} organizations, writes in ${ORGANIZATIONS - READ} others`,
    process: proc,
    endpoint: `${proc.url}/graphql`,
    metricsBase: proc.url,
    postgresApp,
    expected: {},
    requests: readers.map((r) => ({ token: r.token, body: bodyOf('nested', r.slug) })),
  };

  // Names and subjects never repeat; the counts are those of the measured seconds.
  let creations = 0;
  let signedIn = 0;
  const write = () => {
    const owner = written[creations % written.length]!;
    const name = `mixed-write-${++creations}`;
    return graphql(proc.url, owner.token, CREATE_ENV, { i: { organizationId: owner.organizationId, name, manifest: MANIFEST } });
  };
  const signIn = async () => graphql(proc.url, await issuer.userToken(`auth0|mixed-newcomer-${++signedIn}`), VIEWER);
  const perWrite = await statementsOf(proc.url, write);
  const perSignIn = await statementsOf(proc.url, signIn);
  let writes = 0;
  let newcomers = 0;
  let writeFailures = 0;
  const failure = (what: string) => (error: unknown) => {
    writeFailures++;
    log(`  mixed workload: a ${what} failed: ${error instanceof Error ? error.message.slice(0, 300) : error}`);
  };

  log('mixed workload: warming the readers up');
  await load({ url: target.endpoint, body: '', token: '', requests: target.requests!, connections: settings.connections, duration: Math.max(settings.warmup, 2) });
  const before = await counters(target);
  let writeSeconds = 0;
  const writers = () => {
    const started = performance.now();
    // Open loop: one write every 100 ms whether or not the last has been answered (under the readers' load a
    // write takes longer than that), as independent clients would send them; bounded, so a stalled server is not
    // buried under them.
    const inFlight = new Set<Promise<void>>();
    const send = (work: () => Promise<unknown>, done: () => void, what: string) => {
      if (inFlight.size >= MAX_IN_FLIGHT) return;
      const sent: Promise<void> = work().then(done, failure(what)).finally(() => inFlight.delete(sent));
      inFlight.add(sent);
    };
    const writing = setInterval(() => send(write, () => writes++, 'write'), 1000 / WRITES_PER_SECOND);
    const signingIn = setInterval(() => send(signIn, () => newcomers++, 'sign-in'), NEWCOMER_EVERY_MS);
    return async () => {
      clearInterval(writing);
      clearInterval(signingIn);
      await Promise.all(inFlight);
      writeSeconds = (performance.now() - started) / 1000;
    };
  };
  log(`mixed workload: readers with ${WRITES_PER_SECOND} writes/s and a newcomer every ${NEWCOMER_EVERY_MS} ms`);
  const row = await measure(target, '', 'nested', settings.duration, 0, writers);
  const after = await counters(target);

  // measure() divides by every operation; the readers' figures leave the writes and sign-ins out.
  const operations = after.operations - before.operations;
  const reads = operations - writes - newcomers - writeFailures;
  const perRead = (perOperation: number | null) => (perOperation === null ? null : (perOperation * operations) / reads);
  const readStatements = after.statements - before.statements - writes * perWrite - newcomers * perSignIn;
  // Each newcomer's one query is looked up too, and misses.
  const lookups = after.hits - before.hits + (after.misses - before.misses) - newcomers;
  return {
    engine,
    label: target.label,
    row: { ...row, sqlPerRequest: readStatements / reads, cpuPerRequest: perRead(row.cpuPerRequest), dbCpuPerRequest: perRead(row.dbCpuPerRequest) },
    hitRatio: (after.hits - before.hits) / lookups,
    reads,
    writes,
    writeFailures,
    writesPerSecond: writes / writeSeconds,
    newcomers,
  };
}
