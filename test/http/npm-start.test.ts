/**
 * A fresh `npm start` in development, as a newcomer meets it: the start
 * script's own command in a child process on any free port, with the dev
 * issuer. Its banner's `export` lines are all the README's examples and CI
 * script need: each runs as written (read from the README), with sh and
 * curl. And the demo organization holds what the README promises.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/dev/demo.js';
import { loadDevIssuer } from '../../src/identity/dev-issuer.js';
import { createTestDatabase, type TestDatabase } from '../helpers/database.js';
import { ciScript, curlExamples } from '../helpers/readme.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const START = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: { start: string } }).scripts.start;

const dir = mkdtempSync(join(tmpdir(), 'orgraph-start-'));
const keyFile = join(dir, 'dev-issuer-key.json');
let child: ChildProcess;
let database: TestDatabase;
/** The banner's `export NAME='value'` lines. */
let banner: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  child = spawn('sh', ['-c', START], {
    cwd: ROOT,
    detached: true, // its own process group: stopped as a whole
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'warn', DEV_ISSUER_KEY_FILE: keyFile, ...database.env },
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('\nTry:')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`npm start exited with ${code}:\n${output}`)));
  });
  banner = Object.fromEntries([...output.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!]));
}, 120_000);

afterAll(async () => {
  if (child?.pid && child.exitCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

const sh = (script: string) => promisify(execFile)('sh', ['-c', script], { env: { PATH: process.env.PATH, ...banner } });

async function graphql(token: string, query: string): Promise<any> {
  const res = await fetch(`${banner.ORGRAPH_URL}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query }),
  });
  return res.json();
}

describe('npm start in development', () => {
  it('prints every variable the README needs, on the port it got', () => {
    expect(Object.keys(banner).sort()).toEqual(['AUDIENCE', 'AUTH_TOKEN_URL', 'CLIENT_ID', 'CLIENT_SECRET', 'ENVIRONMENT_ID', 'ORGANIZATION_ID', 'ORGRAPH_URL', 'TOKEN']);
    expect(banner.ORGRAPH_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(banner.ORGRAPH_URL).not.toMatch(/:4000$/);
    expect(banner.AUTH_TOKEN_URL).toBe(`${banner.ORGRAPH_URL}/oauth/token`);
  });

  it("runs each of the README's curl examples as written", async () => {
    expect(curlExamples.length).toBeGreaterThanOrEqual(4);
    for (const example of curlExamples) {
      const { stdout } = await sh(example);
      expect(stdout, example).not.toContain('"errors"');
      expect(stdout.length, example).toBeGreaterThan(20);
    }
    const machine = await sh(curlExamples.find((e) => e.includes('client_credentials'))!);
    expect(JSON.parse(machine.stdout)).toEqual({ data: { viewer: { kind: 'MACHINE', machineClient: { clientId: 'demo-ci', role: 'WRITER', organization: { slug: 'demo' } } } } });
  });

  it("runs the README's CI script unchanged against the dev issuer", async () => {
    const { stdout } = await sh(ciScript);
    expect(stdout).not.toContain('"errors"');
    expect(stdout).toContain('"pushEnvironmentGeneration":{"generation":{"number":4}}');
    expect(stdout).toContain('"publishPackage":{"version":{"version":"1.2.0"');
  });

  it("refuses the token endpoint a wrong secret, another grant and another audience, as Auth0's would", async () => {
    const token = (form: Record<string, string>) =>
      fetch(banner.AUTH_TOKEN_URL!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
    const base = { grant_type: 'client_credentials', client_id: banner.CLIENT_ID!, client_secret: banner.CLIENT_SECRET! };
    expect((await token(base)).status).toBe(200);
    const wrong = await token({ ...base, client_secret: 'guess' });
    expect([wrong.status, ((await wrong.json()) as { error: string }).error]).toEqual([401, 'invalid_client']);
    expect((await token({ ...base, grant_type: 'password' })).status).toBe(400);
    expect((await token({ ...base, audience: 'https://elsewhere.example' })).status).toBe(403);
  });

  it('fills the demo organization once: a catalog, a workspace with groups, projects with roles and resources', async () => {
    const carol = (await loadDevIssuer(keyFile)).sign({ sub: 'auth0|demo-carol', email: 'carol@demo.example', email_verified: true });
    const res = await graphql(
      await carol,
      `{ organization(slug: "demo") {
        viewerRole
        environments { edges { node { name generations { edges { node { createdBy { __typename } } } } } } }
        packages { edges { node { name versions { version publishedBy { __typename } } } } }
        workspace(slug: "platform") {
          groups { edges { node { name system } } }
          projects { edges { node { slug owner { email } grants { role user { email } group { name } } } } }
        }
      } }`,
    );
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const org = res.data.organization;
    expect(org.viewerRole).toBe('READER');
    const web = org.environments.edges.find((e: any) => e.node.name === 'web').node;
    expect(web.generations.edges.slice(0, 3).map((e: any) => e.node.createdBy.__typename)).toEqual(['User', 'User', 'MachineClient']);
    expect(org.packages.edges.map((e: any) => e.node.name).sort()).toEqual(['hello', 'jq-tools']);
    expect(org.workspace.groups.edges.map((e: any) => e.node.name).sort()).toEqual(['all_users_platform', 'reviewers']);
    const projects = Object.fromEntries(org.workspace.projects.edges.map((e: any) => [e.node.slug, e.node]));
    expect(Object.keys(projects).sort()).toEqual(['billing', 'checkout']); // checkout through reviewers and everyone, billing granted
    expect(projects.checkout.grants.map((g: any) => g.role).sort()).toEqual(['PROJECT_EDITOR', 'PROJECT_OWNER', 'PROJECT_VIEWER', 'PROJECT_VIEWER']);
    // a second start finds it and changes nothing
    const again = await seedDemo(banner.ORGRAPH_URL!, await loadDevIssuer(keyFile));
    expect(again).toEqual({ organizationId: banner.ORGANIZATION_ID, environmentId: banner.ENVIRONMENT_ID });
  });
});
