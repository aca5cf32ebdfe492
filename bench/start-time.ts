/**
 * Time to first response of `npm start`, as a user runs it: the package's
 * own start script (whatever it is by now), an empty data directory and a
 * free port, nothing else set. Timed from the spawn to the first successful
 * GraphQL answer, polled every 25 ms; then again on the same directory, as
 * a restart.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { log, ROOT } from './settings.js';

const POLL_MS = 25;
const GIVE_UP_MS = 180_000;
/** What a shell passes on; npm's own npm_* variables from `npm run bench` and Orgraph's settings stay out. */
const PASSED_ON = ['PATH', 'HOME', 'USER', 'LANG', 'TMPDIR', 'SHELL', 'TERM'];

export interface StartTimes {
  script: string;
  /** Milliseconds, empty data directory then restart; null where it did not answer. */
  empty: number | null;
  restart: number | null;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    return response.ok && ((await response.json()) as { data?: { __typename?: string } }).data?.__typename === 'Query';
  } catch {
    return false;
  }
}

async function timeOneStart(dataDir: string, logFile: string): Promise<number | null> {
  const env: Record<string, string> = {};
  for (const name of PASSED_ON) if (process.env[name] !== undefined) env[name] = process.env[name]!;
  const port = await freePort();
  const output = openSync(logFile, 'a');
  const started = performance.now();
  // A process group of its own, so that the server npm starts stops with it.
  const child = spawn('npm', ['start'], { cwd: ROOT, env: { ...env, PGLITE_DIR: dataDir, PORT: String(port) }, detached: true, stdio: ['ignore', output, output] });
  closeSync(output);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let exitedEarly = false;
  void exited.then(() => (exitedEarly = true));
  let elapsed: number | null = null;
  while (!exitedEarly && performance.now() - started < GIVE_UP_MS) {
    if (await answers(`http://127.0.0.1:${port}/graphql`)) {
      elapsed = performance.now() - started;
      break;
    }
    await sleep(POLL_MS);
  }
  if (!exitedEarly) {
    process.kill(-child.pid!, 'SIGTERM');
    const timer = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  if (elapsed === null) log(`npm start gave no answer; its output is in ${logFile}`);
  return elapsed;
}

export async function timeStarts(logDir: string): Promise<StartTimes> {
  const script: string = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).scripts.start;
  const dataDir = mkdtempSync(join(tmpdir(), 'orgraph-start-'));
  try {
    log(`time to first response of npm start (${script}), empty PGLITE_DIR`);
    const empty = await timeOneStart(dataDir, join(logDir, 'npm-start.log'));
    log('time to first response of npm start, the same PGLITE_DIR again');
    const restart = await timeOneStart(dataDir, join(logDir, 'npm-start.log'));
    return { script, empty, restart };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}
