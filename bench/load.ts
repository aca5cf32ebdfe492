/**
 * The measuring tools: server processes on loopback, autocannon runs with
 * exact latency percentiles, RSS sampled from /proc, and Orgraph's counters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';

export interface ServerProcess {
  name: string;
  pid: number;
  url: string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 120_000;
const ORPHAN_GUARD = new URL('./orphan-guard.mjs', import.meta.url).href;
const STOP_TIMEOUT_MS = 15_000;

/**
 * Starts `node <script> <args>` (with `--import tsx` for a TypeScript script) and waits (bounded) for a line
 * matching `ready`, whose first group is the base URL. Output goes to a log
 * file in `logDir`.
 */
export async function startProcess(options: {
  name: string;
  script: string;
  args?: string[];
  env: Record<string, string>;
  ready: RegExp;
  logDir: string;
  cpuProfDir?: string | undefined;
  /** More flags for node, e.g. --max-semi-space-size=64. */
  nodeArgs?: string[];
}): Promise<ServerProcess> {
  const execArgv = [...(options.script.endsWith('.ts') ? ['--import', 'tsx'] : []), '--import', ORPHAN_GUARD, ...(options.nodeArgs ?? [])];
  // <dir>/<name>/CPU.<date>.<pid>.<thread>.<n>.cpuprofile, one per thread: the main thread's is thread 0
  // (tsx's loader runs in a worker of its own).
  if (options.cpuProfDir) execArgv.push('--cpu-prof', `--cpu-prof-dir=${join(options.cpuProfDir, options.name)}`);
  const child: ChildProcess = spawn(process.execPath, [...execArgv, options.script, ...(options.args ?? [])], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(join(options.logDir, `${options.name}.log`));
  child.stderr!.pipe(log, { end: false });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${options.name} not ready after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const lines = createInterface({ input: child.stdout! });
    let found = false;
    lines.on('line', (line) => {
      log.write(`${line}\n`);
      const match = found ? null : options.ready.exec(line);
      if (match) {
        found = true;
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!found) reject(new Error(`${options.name} exited with ${code} before it was ready; see ${join(options.logDir, `${options.name}.log`)}`));
    });
  });
  return {
    name: options.name,
    pid: child.pid!,
    url,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
}

/** The resident set of a process, in bytes, from /proc (Linux); null elsewhere. */
export function rssOf(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build that matters

/** CPU time (user + system) a process has used so far, in milliseconds, from /proc (Linux); null elsewhere. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of proc(5): utime and stime; `fields` starts at field 3.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** CPU time (ms) used so far by these processes together (e.g. Postgres backends); null when none is readable. */
export function cpuMsOfAll(pids: readonly number[]): number | null {
  let total = 0;
  let found = false;
  for (const pid of pids) {
    const cpu = cpuMsOf(pid);
    if (cpu !== null) {
      total += cpu;
      found = true;
    }
  }
  return found ? total : null;
}

/** Samples a process's RSS every `everyMs` until stopped; resolves to the highest value seen. */
export function sampleRss(pid: number, everyMs = 100): () => number | null {
  let peak = rssOf(pid);
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== null && (peak === null || rss > peak)) peak = rss;
  }, everyMs);
  return () => {
    clearInterval(timer);
    const rss = rssOf(pid);
    return rss !== null && (peak === null || rss > peak) ? rss : peak;
  };
}

export interface LoadResult {
  requests: number;
  seconds: number;
  rps: number;
  p50: number;
  p99: number;
  /** Transport errors, timeouts, non-2xx answers and bodies that differ from the expected one. */
  failures: number;
}

/** Latency samples kept per run, at most (a run of 50 connections for 10 s stays far below). */
const MAX_SAMPLES = 4_000_000;

const headersFor = (token: string) => ({ 'content-type': 'application/json', authorization: `Bearer ${token}` });

/**
 * A closed-loop run: every connection sends `body` with `token`, or, with `requests`, each connection
 * cycles through those in order (many callers, many documents).
 */
export async function load(options: {
  url: string;
  body: string;
  token: string;
  requests?: readonly { token: string; body: string }[];
  connections: number;
  duration?: number;
  amount?: number;
  expectBody?: string;
}): Promise<LoadResult> {
  const latencies = new Float64Array(MAX_SAMPLES);
  let count = 0;
  const started = performance.now();
  const instance = autocannon({
    url: options.url,
    method: 'POST',
    connections: options.connections,
    ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.duration ?? 5 }),
    headers: headersFor(options.token),
    body: options.body,
    ...(options.requests ? { requests: options.requests.map((r) => ({ headers: headersFor(r.token), body: r.body })) } : {}),
    timeout: 30,
    ...(options.expectBody !== undefined ? { expectBody: options.expectBody } : {}),
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, responseTime: number) => {
    if (status >= 200 && status < 300 && count < MAX_SAMPLES) latencies[count++] = responseTime;
  });
  const result = await instance;
  const seconds = (performance.now() - started) / 1000;
  const sorted = latencies.subarray(0, count).sort();
  const at = (q: number) => (count === 0 ? NaN : sorted[Math.min(count - 1, Math.floor(q * count))]!);
  return {
    requests: count,
    seconds,
    rps: count / seconds,
    p50: at(0.5),
    p99: at(0.99),
    failures: result.errors + result.timeouts + result.non2xx + result.mismatches,
  };
}

/** One counter from a Prometheus /metrics endpoint: summed over its label sets, or those holding `label` (e.g. `outcome="hit"`). */
export async function metric(baseUrl: string, name: string, label?: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    const labels = line.startsWith(`${name}{`) ? line.slice(name.length, line.indexOf('}') + 1) : null;
    if ((line.startsWith(`${name} `) && !label) || (labels !== null && (!label || labels.includes(label)))) {
      total += Number(line.slice(line.lastIndexOf(' ') + 1));
      found = true;
    }
  }
  return found ? total : NaN;
}

export async function post(url: string, token: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: headersFor(token),
    body,
  });
  return { status: response.status, text: await response.text() };
}
