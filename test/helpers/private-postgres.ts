/**
 * A Postgres server of the test's own (Debian's binaries, a throwaway data
 * directory, a loopback port), so a test can stop and restart it under a
 * running Orgraph without disturbing the shared test server.
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { ownWorkDir } from './orphans.js';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = '/usr/lib/postgresql';

/** Debian's newest PostgreSQL bin directory, when installed and we may run it as the postgres user. */
export function postgresBinaries(): string | null {
  if (process.getuid?.() !== 0 || !existsSync(ROOT)) return null;
  const version = readdirSync(ROOT).sort((a, b) => Number(b) - Number(a))[0];
  const bin = version && join(ROOT, version, 'bin');
  return bin && existsSync(join(bin, 'initdb')) ? bin : null;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

export interface PrivatePostgres {
  url: string;
  port: number;
  stop(): Promise<void>;
  start(): Promise<void>;
  destroy(): Promise<void>;
}

const asPostgres = (bin: string, cmd: string, args: string[]) => run('runuser', ['-u', 'postgres', '--', join(bin, cmd), ...args]);

/** A data directory's server on `port`, controlled with pg_ctl as the postgres user. */
async function serve(bin: string, dir: string, data: string, port: number): Promise<PrivatePostgres> {
  const ctl = (action: string, extra: string[] = []) =>
    asPostgres(bin, 'pg_ctl', ['-D', data, '-w', '-t', '30', '-l', join(dir, 'log'), action, ...extra]);
  const start = async () => {
    await ctl('start', ['-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`]);
  };
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    start,
    stop: async () => {
      await ctl('stop', ['-m', 'fast']);
    },
    destroy: async () => {
      await ctl('stop', ['-m', 'immediate']).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const PREFIX = 'orgraph-pg-';

async function workDir(bin: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), PREFIX));
  await chmod(dir, 0o777);
  await ownWorkDir(dir, PREFIX, (orphan) => asPostgres(bin, 'pg_ctl', ['-D', join(orphan, 'data'), '-w', '-t', '30', 'stop', '-m', 'immediate']));
  return dir;
}

export async function startPrivatePostgres(bin: string): Promise<PrivatePostgres> {
  const dir = await workDir(bin);
  const data = join(dir, 'data');
  // initdb's trust also lets replication connections in from loopback, which startReplica needs.
  await asPostgres(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  return serve(bin, dir, data, await freePort());
}

/** A streaming replica of `primary` (pg_basebackup -R: it follows the primary's WAL), read-only, on a port of its own. */
export async function startReplica(bin: string, primary: PrivatePostgres): Promise<PrivatePostgres> {
  const dir = await workDir(bin);
  const data = join(dir, 'data');
  await asPostgres(bin, 'pg_basebackup', ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', data, '-R', '-X', 'stream', '--no-sync']);
  return serve(bin, dir, data, await freePort());
}
