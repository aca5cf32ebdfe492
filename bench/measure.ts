/**
 * Measuring one server: its exact answers, the statements one request costs,
 * and a row of load (req/s, latency, RSS, SQL, CPU of the process and of its
 * Postgres backends), alone or alternated with another server.
 */
import { loadavg } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { cpuMsOf, cpuMsOfAll, load, metric, post, sampleRss, type LoadResult, type ServerProcess } from './load.js';
import { bodyOf, BENCH_ORG, type QueryName } from './queries.js';
import { log, settings } from './settings.js';

export interface Target {
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
  /** Request bodies of a server whose schema is not Orgraph's (the peer); Orgraph's by default. */
  bodies?: Partial<Record<QueryName, string>>;
  /** Many callers and documents, each connection sending them in turn (the mixed workload); their answers are not compared. */
  requests?: readonly { token: string; body: string }[];
}

export interface Row {
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

export async function probe(endpoint: string, token: string, query: QueryName, slug = BENCH_ORG, body = bodyOf(query, slug)): Promise<string> {
  const { status, text } = await post(endpoint, token, body);
  if (status !== 200 || text.includes('"errors"')) throw new Error(`${endpoint} answered ${status}: ${text.slice(0, 500)}`);
  return text;
}

let probes = 0;

/**
 * SQL statements one request costs, from Orgraph's orgraph_db_statements_total. The document carries a
 * comment of its own, so that a response cache cannot answer it: this counts the database path.
 */
export async function statementsFor(target: Target, token: string, query: QueryName, slug: string): Promise<number> {
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
export async function settle(target: Target): Promise<number> {
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
export const loadSamples: number[] = [];

/** The Postgres backends of a server (by application_name), for their CPU time. */
let backendsOf: (app: string) => Promise<number[]> = async () => [];

/** Where the Postgres backends' pids come from, once there is a Postgres to observe. */
export function observeBackends(find: (app: string) => Promise<number[]>): void {
  backendsOf = find;
}

/** `alongside`: started when the measured load starts, stopped when it ends (the mixed workload's writers). */
export async function measure(
  target: Target,
  token: string,
  query: QueryName,
  duration: number,
  warmup: number,
  alongside?: () => () => Promise<void>,
): Promise<Omit<Row, 'label' | 'query'>> {
  loadSamples.push(loadavg()[0]!);
  const body = target.bodies?.[query] ?? bodyOf(query);
  const expectBody = target.requests ? undefined : target.expected[query]!;
  const requests = target.requests ? { requests: target.requests } : {};
  const peak = sampleRss(target.process.pid);
  if (warmup > 0) await load({ url: target.endpoint, body, token, ...requests, connections: settings.connections, duration: warmup, expectBody });
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
  const stop = alongside?.();
  const result = await load({ url: target.endpoint, body, token, ...requests, connections: settings.connections, duration, expectBody });
  await stop?.();
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

export type ABResult = Awaited<ReturnType<typeof measureAB>>;

/** Alternates two targets for `rounds` rounds and combines each one's runs. */
export async function measureAB(a: Target, b: Target, token: string, query: QueryName, rounds: number) {
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
    // Weighted by each run's requests; null when a run lacks the figure (a server without Orgraph's counters).
    const perRequest = (pick: (r: Omit<Row, 'label' | 'query'>) => number | null) =>
      list.every((r) => pick(r) !== null) ? list.reduce((sum, r) => sum + pick(r)! * r.result!.requests, 0) / requests : null;
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
      sqlPerRequest: perRequest((r) => r.sqlPerRequest),
      cpuPerRequest: perRequest((r) => r.cpuPerRequest),
      dbCpuPerRequest: perRequest((r) => r.dbCpuPerRequest),
      graphqlErrors: list.reduce((sum, r) => sum + r.graphqlErrors, 0),
    };
  };
  return { a: combine(runs.get(a.key)!), b: combine(runs.get(b.key)!), rps: (k: string) => runs.get(k)!.map((r) => r.result!.rps) };
}

