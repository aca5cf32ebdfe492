/**
 * `npm start` as a newcomer runs it: the dev issuer, demo data and the
 * tokens printed in the banner work as printed, and SIGTERM stops cleanly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';

let child: ChildProcess;
let output = '';
let dir: string;
let database: TestDatabase;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'orgraph-start-'));
  database = await createTestDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', NODE_ENV: 'development', PGLITE_DIR: join(dir, 'pglite'), DEV_ISSUER_KEY_FILE: join(dir, 'key.json') };
  delete env.DATABASE_URL;
  delete env.AUTH_ISSUER;
  child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...env, ...(database.env.DATABASE_URL ? { DATABASE_URL: database.env.DATABASE_URL } : {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  await new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (output.includes('Try:')) resolve(clearInterval(timer));
      if (child.exitCode !== null) reject(new Error(output));
    }, 100);
  });
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

const url = () => /listening on (http:\/\/\S+)\/graphql/.exec(output)![1]!;
const tokenAfter = (label: string) => output.split(label)[1]!.split('\n')[1]!.trim();

async function ask(token: string, query: string) {
  const res = await fetch(`${url()}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as { data: any };
}

describe('npm start with no configuration', () => {
  it('prints working demo tokens for an owner and a machine client', async () => {
    const alice = await ask(tokenAfter('Alice (owner)'), '{ organizations { edges { node { slug viewerRole } } } }');
    expect(alice.data.organizations.edges).toEqual([{ node: { slug: 'demo', viewerRole: 'OWNER' } }]);
    const machine = await ask(tokenAfter('machine client demo-ci'), '{ viewer { kind machineClient { clientId role } } }');
    expect(machine.data.viewer).toEqual({ kind: 'MACHINE', machineClient: { clientId: 'demo-ci', role: 'WRITER' } });
  });

  it('drains and exits 0 on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('SIGTERM: draining');
  });
});
