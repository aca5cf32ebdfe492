/**
 * How long a newcomer waits: `npm start` (the start script's own command)
 * on an empty data directory, timed from the spawn to the first answered
 * GraphQL request, then again on the same directory. The figures are logged,
 * never asserted (this machine's speed is not the code's); what is asserted
 * is that both starts answer, the first having made the database (from the
 * migrated template when there is one) and the second having found it; and
 * that a directory whose copy was cut short (files, but no PG_VERSION yet)
 * is copied again rather than opened half made.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = new URL('../..', import.meta.url).pathname;
const START = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;
const dir = mkdtempSync(join(tmpdir(), 'orgraph-start-time-'));
const running: ChildProcess[] = [];

afterAll(async () => {
  for (const child of running) await stop(child);
  rmSync(dir, { recursive: true, force: true });
});

async function stop(child: ChildProcess) {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  process.kill(-child.pid, 'SIGTERM');
  await exited;
}

/** Starts `npm start` on a data directory; resolves at its first answered request, with the wait, its own report and its output. */
async function timedStart(dataDir = join(dir, 'pglite')): Promise<{ child: ChildProcess; url: string; ms: number; reported: string; output: () => string }> {
  const spawned = performance.now();
  const child = spawn('sh', ['-c', START], {
    cwd: ROOT,
    detached: true,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'warn', PGLITE_DIR: dataDir, DEV_ISSUER_KEY_FILE: join(dir, 'key.json') },
  });
  running.push(child);
  let output = '';
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const listening = await new Promise<RegExpExecArray>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Orgraph listening on (\S+)\/graphql .*(ready \d+ ms after start)/.exec(output);
      if (match) resolve(match);
    });
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  const url = listening[1]!;
  for (;;) {
    const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' }).catch(() => null);
    if (res?.ok) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { child, url, ms: Math.round(performance.now() - spawned), reported: listening[2]!, output: () => output };
}

describe('npm start, timed', () => {
  it('serves its first request on an empty data directory, and again on the same one', async () => {
    const first = await timedStart();
    console.log(`npm start on an empty data directory: first response ${first.ms} ms after the spawn (the server: ${first.reported})`);
    await stop(first.child);
    expect(existsSync(join(dir, 'pglite', 'PG_VERSION'))).toBe(true);
    const second = await timedStart();
    console.log(`npm start on the same data directory: first response ${second.ms} ms after the spawn (the server: ${second.reported})`);
    await stop(second.child);
  }, 180_000);

  it('copies the template again into a directory whose copy was cut short', async () => {
    const cut = join(dir, 'cut-short');
    mkdirSync(join(cut, 'base'), { recursive: true });
    writeFileSync(join(cut, 'postgresql.conf'), '# half written\n');
    const started = await timedStart(cut);
    // The demo seed ran its mutations through the API: the database was whole.
    await expect.poll(() => started.output(), { timeout: 60_000 }).toContain('The demo organization');
    await stop(started.child);
    expect(existsSync(join(cut, 'PG_VERSION'))).toBe(true);
    expect(readFileSync(join(cut, 'postgresql.conf'), 'utf8')).not.toBe('# half written\n');
  }, 120_000);
});
