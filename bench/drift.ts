/**
 * RSS drift on a fresh Orgraph process: readings 1 s after the load, and after two full garbage
 * collections (bench/gc-on-signal.ts) and BENCH_DRIFT_IDLE seconds, so that they compare live memory:
 * V8 hands freed pages back to the system only after its memory reducer sees an idle heap, which
 * takes longer than 5 s; shorter waits read what the process still holds, not what it uses.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { load, metric, rssOf, sampleRss, type ServerProcess } from './load.js';
import { probe } from './measure.js';
import { bodyOf, type QueryName } from './queries.js';
import { mib } from './report.js';
import { GC_ON_SIGNAL, log, MAIN, ORGRAPH_READY, settings, UNCACHED } from './settings.js';

export type Reading = { requests: number; rss: number | null; idleRss: number | null; idleHeap: number };
export type Drift = { engine: string; query: QueryName; readings: Reading[]; peak: number | null; rps: number; failures: number };

type Start = (name: string, script: string, env: Record<string, string>, ready: RegExp, options: { orgraph?: boolean; nodeArgs?: string[] }) => Promise<ServerProcess>;

export async function runDrift(
  start: Start,
  env: Record<string, string>,
  engine: string,
  token: string,
  seed: ((url: string) => Promise<void>) | null,
): Promise<Drift> {
      log(`RSS drift: a fresh Orgraph on ${engine}, ${settings.driftRequests} ${settings.driftQuery} requests`);
    // Uncached, so that every request takes the whole path (token, principal, loaders, SQL, execution).
    const proc = await start('orgraph-drift', MAIN, { ...env, ...UNCACHED }, ORGRAPH_READY, {
      orgraph: true,
      nodeArgs: ['--expose-gc', '--import', GC_ON_SIGNAL],
    });
    if (seed) await seed(proc.url);
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
    await proc.stop();
    return { engine, query: settings.driftQuery, readings, peak: peak(), rps: done / seconds, failures };
}
