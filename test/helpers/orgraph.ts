/**
 * Starts a real Orgraph (the same `createOrgraph` as `npm start`) on a
 * loopback port, configured from environment variables against a test
 * issuer, and talks to it over HTTP only.
 */
import { sql } from 'drizzle-orm';
import { loadConfig } from '../../src/config.js';
import { createOrgraph, type Orgraph, type OrgraphOptions } from '../../src/server.js';
import { createTestDatabase } from './database.js';
import type { TestIssuer } from './issuer.js';

/** What a server needs of an issuer: where its keys are and what its tokens say. */
export type IssuerEndpoints = Pick<TestIssuer, 'url' | 'audience' | 'jwksUri'>;

export interface GraphQLResponse<T = any> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string } }[];
  raw: string;
}

export interface TestOrgraph {
  url: string;
  orgraph: Orgraph;
  /** The database settings it runs on (DATABASE_URL on Postgres), for a second process on the same data. */
  databaseEnv: Record<string, string>;
  graphql<T = any>(token: string | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>>;
  /** Every row of every table (audit events of changes only, last-seen times left out), for asserting that a failed request changed nothing. */
  snapshot(): Promise<Record<string, unknown[]>>;
  /** The current value of a counter from /metrics. */
  metric(name: string): Promise<number>;
  /** Stops it (and drops a database of its own); a second call waits for the first. */
  stop(): Promise<void>;
}

export async function startOrgraph(issuer: IssuerEndpoints, env: Record<string, string> = {}): Promise<TestOrgraph> {
  const database = await createTestDatabase();
  return startOrgraphOn(issuer, database.env, env, database.drop);
}

/**
 * Starts an Orgraph on a database that already exists (a second server
 * process's view of the same data); `onStop` runs after it stops.
 */
export async function startOrgraphOn(
  issuer: IssuerEndpoints,
  databaseEnv: Record<string, string>,
  env: Record<string, string> = {},
  onStop: () => Promise<void> = async () => {},
  options: OrgraphOptions = {},
): Promise<TestOrgraph> {
  const config = loadConfig({
    NODE_ENV: 'test',
    PORT: '0',
    AUTH_ISSUER: issuer.url,
    AUTH_AUDIENCE: issuer.audience,
    AUTH_JWKS_URI: issuer.jwksUri,
    // Tests refuse on purpose what the server logs at info (attempts against invisible scopes): keep the output to problems.
    LOG_LEVEL: 'warn',
    ...databaseEnv,
    ...env,
  });
  const orgraph = await createOrgraph(config, options);
  const url = await orgraph.listen();
  let stopped: Promise<void> | undefined;
  return {
    url,
    orgraph,
    databaseEnv,
    graphql: async (token, query, variables) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const raw = await response.text();
      return { status: response.status, raw, ...JSON.parse(raw) };
    },
    snapshot: async () => {
      const out: Record<string, unknown[]> = {};
      const { db } = orgraph.database;
      const tables = (await db.execute(sql.raw(`select tablename from pg_tables where schemaname = 'public' order by 1`))) as { rows: { tablename: string }[] };
      for (const { tablename: table } of tables.rows) {
        // Refused attempts are recorded on purpose (outcome DENIED); "unchanged" means no change succeeded.
        const where = table === 'audit_events' ? ` where outcome = 'SUCCEEDED'` : '';
        const result = (await db.execute(sql.raw(`select * from ${table}${where} order by 1, 2`))) as { rows: Record<string, unknown>[] };
        // When a principal was last seen is bookkeeping of any accepted token, refused requests' included.
        out[table] = result.rows.map(({ last_seen_at: _seen, ...row }) => row);
      }
      return out;
    },
    metric: async (name) => {
      const text = await (await fetch(`${url}/metrics`)).text();
      const line = text.split('\n').find((l) => l.startsWith(`${name} `));
      // A labelled series appears once counted: a known family without it is at 0.
      const family = name.split('{')[0];
      return Number(line?.split(' ')[1] ?? (text.includes(`# TYPE ${family} `) ? 0 : NaN));
    },
    stop: () =>
      (stopped ??= (async () => {
        await orgraph.stop();
        await onStop();
      })()),
  };
}
