/**
 * The role PostGraphile logs in as: not the tables' owner and without
 * BYPASSRLS, so that the policies apply to it. Roles belong to the whole
 * cluster, so it is made for the run and dropped after it.
 *
 * The bench's role may create it when it has CREATEROLE. The role
 * `.ci/start-postgres` makes has only CREATEDB, so on such a machine, when
 * the bench runs as root next to a loopback Postgres, the role is made by the
 * `postgres` superuser over the local socket, as the deployment test helpers
 * run Postgres' own tools.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export interface PeerRole {
  name: string;
  /** `databaseUrl` with this role's credentials. */
  url: string;
  drop(): Promise<void>;
}

type Run = (statement: string) => Promise<void>;

async function canCreateRoles(adminUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ may: boolean }>('select rolcreaterole or rolsuper as may from pg_roles where rolname = current_user');
    return rows[0]?.may === true;
  } finally {
    await client.end();
  }
}

function asSuperuser(port: string): Run {
  return async (statement) => {
    const result = spawnSync('runuser', ['-u', 'postgres', '--', 'psql', '-p', port, '-v', 'ON_ERROR_STOP=1', '-qXc', statement], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`psql as postgres: ${result.error?.message ?? result.stderr.trim()}`);
  };
}

/** How roles can be made here, or why they cannot. */
async function roleMaker(adminUrl: string): Promise<Run | string> {
  const url = new URL(adminUrl);
  if (await canCreateRoles(adminUrl)) {
    return async (statement) => {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(statement).finally(() => client.end());
    };
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (loopback && process.getuid?.() === 0 && spawnSync('runuser', ['--help']).status === 0) return asSuperuser(url.port || '5432');
  return `role ${decodeURIComponent(url.username)} may not create roles (grant it CREATEROLE)`;
}

/** A login role for `databaseUrl`'s database, or the reason there can be none. */
export async function createPeerRole(adminUrl: string, databaseUrl: string): Promise<PeerRole | string> {
  const run = await roleMaker(adminUrl);
  if (typeof run === 'string') return run;
  const name = `orgraph_bench_peer_${randomBytes(6).toString('hex')}`;
  const password = randomBytes(18).toString('hex');
  await run(`create role ${name} login nobypassrls password '${password}'`);
  const url = new URL(databaseUrl);
  url.username = name;
  url.password = password;
  return { name, url: url.href, drop: () => run(`drop role if exists ${name}`) };
}
