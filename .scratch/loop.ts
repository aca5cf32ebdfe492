// Dev loop: CPU per request of Orgraph (Node) and its Postgres backends, nested query.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { startIssuer } from '../test/helpers/issuer.js';
import { cpuMsOf, cpuMsOfAll, load, startProcess } from '../bench/load.js';
import { bodyOf, BENCH_ORG } from '../bench/queries.js';
import { seedCatalog } from '../bench/seed.js';

const admin = process.env.TEST_DATABASE_URL!;
const q = async (url: string, s: string) => { const c = new pg.Client({ connectionString: url }); await c.connect(); try { return await c.query(s); } finally { await c.end(); } };
const name = `orgraph_loop_${randomBytes(4).toString('hex')}`;
await q(admin, `create database ${name}`);
const u = new URL(admin); u.pathname = `/${name}`;
const issuer = await startIssuer();
const token = await issuer.userToken('auth0|bench-owner', { email: 'o@example.test', name: 'O', exp: Math.floor(Date.now() / 1000) + 3600 });
const logDir = mkdtempSync(join(tmpdir(), 'loop-'));
const env: Record<string, string> = { ...process.env as Record<string, string>, NODE_ENV: 'production', LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: '0', MIGRATE_ON_START: 'true',
  AUTH_ISSUER: issuer.url, AUTH_AUDIENCE: issuer.audience, AUTH_JWKS_URI: issuer.jwksUri, DATABASE_URL: u.href, PGAPPNAME: 'loop' };
delete env.PGLITE_DIR;
const proc = await startProcess({ name: 'orgraph', script: resolve('src/main.ts'), env, ready: /Orgraph listening on (http:\/\/\S+)\/graphql/, logDir,
  cpuProfDir: process.env.PROF ? resolve(process.env.PROF) : undefined, nodeArgs: process.env.OFF ? ['--import', new URL('../bench/read-rules-off.ts', import.meta.url).href] : [] });
try {
  await seedCatalog(proc.url, issuer, token, BENCH_ORG, 100);
  const endpoint = `${proc.url}/graphql`;
  const query = (process.env.Q ?? 'nested') as 'nested';
  const backends = async () => (await q(u.href, "select pid from pg_stat_activity where application_name = 'loop'")).rows.map((r) => r.pid);
  await load({ url: endpoint, body: bodyOf(query), token, connections: 10, duration: 3 });
  for (const connections of (process.env.CONNS ?? '1,50').split(',').map(Number)) {
    const pids = await backends();
    const c0 = cpuMsOf(proc.pid)!, p0 = cpuMsOfAll(pids)!;
    const r = await load({ url: endpoint, body: bodyOf(query), token, connections, duration: Number(process.env.DUR ?? 6) });
    const c1 = cpuMsOf(proc.pid)!, p1 = cpuMsOfAll(pids)!;
    console.log(`${query} c=${connections}: ${r.rps.toFixed(0)} req/s, node ${((c1 - c0) / r.requests).toFixed(2)} ms/req, pg ${((p1 - p0) / r.requests).toFixed(2)} ms/req, failures ${r.failures}`);
  }
} finally {
  await proc.stop(); await issuer.stop();
  await q(admin, `drop database if exists ${name} with (force)`);
}
