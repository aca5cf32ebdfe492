/**
 * The peer row's setup: PostGraphile installed (from its own lock file, on
 * first use), a role the policies apply to, the policies on the database of
 * the "(d) Orgraph, Postgres" row, and the server started on it. Then its
 * answers must equal Orgraph's, or the bench fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import type { ServerProcess } from '../load.js';
import { probe } from '../measure.js';
import type { Fixture } from '../queries.js';
import { ALL_QUERIES, appName, log, ROOT } from '../settings.js';
import { policyStatements } from './policies.js';
import { asOrgraphAnswer, peerBodyOf } from './queries.js';
import { createPeerRole } from './role.js';

const DIR = join(ROOT, 'bench/postgraphile');
export const PEER_SERVER = join(DIR, 'server.ts');
export const PEER_NAME = 'postgraphile';
export const PEER_LABEL = '(f) PostGraphile 4 + Postgres RLS';

function ensureInstalled(): void {
  if (existsSync(join(DIR, 'node_modules'))) return;
  log('installing PostGraphile (npm ci --prefix bench/postgraphile)');
  // Its output on stderr: stdout is the report.
  const result = spawnSync('npm', ['ci', '--prefix', DIR, '--no-audit', '--no-fund'], { stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`npm ci --prefix bench/postgraphile failed (${result.error?.message ?? `exit ${result.status}`})`);
}

async function applyPolicies(databaseUrl: string, role: string): Promise<void> {
  // As the tables' owner, the role the bench and Orgraph connect as.
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const statement of policyStatements(role)) await client.query(statement);
  } finally {
    await client.end();
  }
}

/**
 * Prepares the peer's database access: the PEER_DATABASE_URL for its process, or why there is no peer.
 * `dropRoleLater` gets the role's drop as soon as the role exists; it must run once the database is
 * gone, since the grants and policies there depend on the role.
 */
export async function preparePeer(adminUrl: string, databaseUrl: string, dropRoleLater: (drop: () => Promise<void>) => void): Promise<Record<string, string> | string> {
  const role = await createPeerRole(adminUrl, databaseUrl);
  if (typeof role === 'string') return role;
  dropRoleLater(role.drop);
  ensureInstalled();
  await applyPolicies(databaseUrl, role.name);
  const url = new URL(role.url);
  // So that the bench finds its Postgres backends, as it finds Orgraph's.
  url.searchParams.set('application_name', appName(PEER_NAME));
  return { PEER_DATABASE_URL: url.href };
}

/** The peer's exact answers, once they are checked to carry the same data as Orgraph's `reference`. */
export async function checkedPeerAnswers(proc: ServerProcess, token: string, reference: Fixture): Promise<Record<(typeof ALL_QUERIES)[number], string>> {
  const answers = {} as Record<(typeof ALL_QUERIES)[number], string>;
  for (const query of ALL_QUERIES) {
    const text = await probe(`${proc.url}/graphql`, token, query, undefined, peerBodyOf(query));
    if (JSON.stringify(asOrgraphAnswer(query, text)) !== JSON.stringify(reference[query])) {
      throw new Error(`${PEER_LABEL} answers the ${query} query with other data than Orgraph: ${text.slice(0, 500)}`);
    }
    answers[query] = text;
  }
  return answers;
}

export const peerBodies = Object.fromEntries(ALL_QUERIES.map((q) => [q, peerBodyOf(q)]));
