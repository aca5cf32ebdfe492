/** What `npm run bench` measures and how, from the environment (see bench/run.ts), and where its parts are. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { QueryName } from './queries.js';

function numberFrom(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}`);
  return value;
}

/**
 * The node flags `npm start` gives Orgraph (its heap settings), so that the bench runs what users run:
 * the `--flag` and `--flag=value` words before the script of a `node ...` start script. Loaders
 * (`--import`, `--require`, `--loader`) are left out: the bench runs src/main.ts with its own. Any
 * other shape of start script (a wrapper, another runner) gives no flags rather than an error; how
 * `npm start` itself performs is bench/start-time.ts's to measure.
 */
export function nodeFlagsOf(start: unknown): string[] {
  const words = typeof start === 'string' ? start.trim().split(/\s+/) : [];
  if (words[0] !== 'node') return [];
  const flags: string[] = [];
  for (let i = 1; i < words.length && words[i]!.startsWith('-'); i++) {
    const name = words[i]!.split('=')[0]!;
    if (LOADER_FLAGS.includes(name)) {
      if (!words[i]!.includes('=')) i++;
    } else {
      flags.push(words[i]!);
    }
  }
  return flags;
}
const LOADER_FLAGS = ['--import', '--require', '-r', '--loader', '--experimental-loader'];

export const settings = {
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
  nodeArgs: [...nodeFlagsOf(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).scripts?.start), ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)],
  postgresUrl: process.env.TEST_DATABASE_URL || undefined,
};
if (settings.driftQuery !== 'scalar' && settings.driftQuery !== 'nested') throw new Error('BENCH_DRIFT_QUERY must be scalar or nested');
if (settings.driftRequests > 0 && settings.driftCheckpoint >= settings.driftRequests) {
  throw new Error('BENCH_DRIFT_CHECKPOINT must be below BENCH_DRIFT_REQUESTS');
}

export const ROOT = resolve(import.meta.dirname, '..');
/** Orgraph's entry point, run through tsx: for the processes a module hook changes (bench/read-rules-off.ts). */
export const MAIN = join(ROOT, 'src/main.ts');
/** Orgraph as `npm start` runs it: src/main.ts bundled into one file (scripts/start.mjs), without tsx's loader. */
export const START = join(ROOT, 'scripts/start.mjs');
export const BENCH_SERVER = join(ROOT, 'bench/server.ts');
export const RULES_OFF = new URL('./read-rules-off.ts', import.meta.url).href;
export const GC_ON_SIGNAL = new URL('./gc-on-signal.ts', import.meta.url).href;
export const ORGRAPH_READY = /Orgraph listening on (http:\/\/\S+)\/graphql/;
export const BENCH_READY = /^BENCH_READY (http:\/\/\S+)$/;
export const OWNER = 'auth0|bench-owner';
/** The response and principal caches off: every request takes the database path. */
export const UNCACHED = { CACHE_MB: '0' };
/** What bench/read-rules-off.ts logs where it took effect. */
export const RULES_OFF_MARKER = '[bench] read access checks are off in this process';
/** The queries every server answers, each checked against the reference. */
export const ALL_QUERIES = ['scalar', 'nested'] as const satisfies readonly QueryName[];
/** The queries loaded (BENCH_QUERIES=nested to profile one of them); every server is still checked on both. */
export const QUERY_NAMES = (process.env.BENCH_QUERIES ?? 'scalar,nested').split(',').map((q) => q.trim()) as QueryName[];
if (QUERY_NAMES.length === 0 || QUERY_NAMES.some((q) => !(ALL_QUERIES as readonly QueryName[]).includes(q))) throw new Error('BENCH_QUERIES must list scalar and/or nested');

/** The commit measured, and whether the code it runs differs from it (read-only git commands; absent outside a checkout). */
export function revision(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = git('status', '--porcelain', '--', 'src', 'schema', 'migrations', 'package.json') !== '';
    return `commit ${git('rev-parse', '--short', 'HEAD')}${dirty ? ' with uncommitted changes in src/, schema/, migrations/ or package.json' : ''}`;
  } catch {
    return 'commit unknown';
  }
}

export const log = (message: string) => console.error(`[bench] ${message}`);
export const appName = (processName: string) => `orgraph-bench-${processName}`;

