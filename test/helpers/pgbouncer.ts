/**
 * A PgBouncer of the test's own (Debian's `pgbouncer`, run as the postgres
 * user on a loopback port) in front of the server at TEST_DATABASE_URL, in
 * transaction mode and otherwise with its default settings: what operators
 * put between Orgraph and Postgres. CI installs it; a Postgres run without it
 * fails rather than skipping.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ownWorkDir } from './orphans.js';
import { freePort } from './private-postgres.js';

const run = promisify(execFile);
const BINARY = '/usr/sbin/pgbouncer';
const PREFIX = 'orgraph-pgbouncer-';

export interface TestPgBouncer {
  /** `databaseUrl` (a direct connection string) as reached through this PgBouncer. */
  through(databaseUrl: string): string;
  stop(): Promise<void>;
}

export async function startPgBouncer(serverUrl: string): Promise<TestPgBouncer> {
  if (!existsSync(BINARY)) throw new Error(`${BINARY} is missing: install Debian's pgbouncer (.ci/run does)`);
  const server = new URL(serverUrl);
  const dir = await mkdtemp(join(tmpdir(), PREFIX));
  await chmod(dir, 0o777);
  await ownWorkDir(dir, PREFIX, stopBouncerIn);
  const port = await freePort();
  const ini = join(dir, 'pgbouncer.ini');
  await writeFile(
    ini,
    [
      '[databases]',
      // Every database, as the test role: clients' names and passwords are not checked (auth_type any).
      `* = host=${server.hostname} port=${server.port || 5432} user=${decodeURIComponent(server.username)} password=${decodeURIComponent(server.password)}`,
      '[pgbouncer]',
      'listen_addr = 127.0.0.1',
      `listen_port = ${port}`,
      `unix_socket_dir = ${dir}`,
      'auth_type = any',
      'pool_mode = transaction',
      `pidfile = ${join(dir, 'pgbouncer.pid')}`,
      `logfile = ${join(dir, 'pgbouncer.log')}`,
      '',
    ].join('\n'),
  );
  await chmod(ini, 0o644);
  await run('runuser', ['-u', 'postgres', '--', BINARY, '-d', ini]);
  await untilListening(port);
  const pid = Number((await readFile(join(dir, 'pgbouncer.pid'), 'utf8')).trim());
  return {
    through: (databaseUrl) => {
      const url = new URL(databaseUrl);
      url.hostname = '127.0.0.1';
      url.port = String(port);
      return url.href;
    },
    stop: async () => {
      signal(pid);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** SIGINT: PgBouncer's "shut down at once". */
function signal(pid: number): void {
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    // already gone
  }
}

/** Stops the PgBouncer whose pidfile is in `dir` (an interrupted run's). */
async function stopBouncerIn(dir: string): Promise<void> {
  signal(Number((await readFile(join(dir, 'pgbouncer.pid'), 'utf8')).trim()));
}

async function untilListening(port: number): Promise<void> {
  for (let i = 0; i < 100; i++) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        resolve(true);
        socket.end();
      });
      socket.on('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PgBouncer did not listen on ${port}`);
}
