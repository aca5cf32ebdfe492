/**
 * Demo data for the development issuer: an organization worth exploring,
 * made once through the API itself (so every row, trigger and audit event is
 * what a client would have produced), and ready-to-paste tokens for its
 * principals. Never used with a real issuer.
 *
 * The demo organization `demo`: Alice owns it, Bob writes, Carol reads, and
 * the machine client `demo-ci` acts as a writer. Its catalog holds the
 * environments `web` (generations pushed by Alice, Bob and demo-ci) and
 * `data`, and the packages `hello` (versions by Bob and demo-ci) and
 * `jq-tools`. Its workspace `platform` has Bob and Carol as users, the
 * everyone group and a custom group `reviewers` (Carol); the project
 * `checkout` (owner Alice, editor Bob, viewers: reviewers and everyone) holds
 * a process, a template, an integration, a config parameter, a build as the
 * active policy and a running instance; the project `billing` (owner Bob,
 * viewer Carol) is hidden from everyone else.
 */
import type { DevIssuer } from '../identity/dev-issuer.js';

export interface DemoPrincipal {
  /** How the explorer's switcher and the banner name it. */
  label: string;
  token: string;
}

const DEMO_USERS = [
  { subject: 'auth0|demo-alice', email: 'alice@demo.example', name: 'Alice (owner)', role: 'OWNER' },
  { subject: 'auth0|demo-bob', email: 'bob@demo.example', name: 'Bob (writer)', role: 'WRITER' },
  { subject: 'auth0|demo-carol', email: 'carol@demo.example', name: 'Carol (reader)', role: 'READER' },
] as const;
export const DEMO_CLIENT = { clientId: 'demo-ci', name: 'Demo CI', role: 'WRITER' } as const;
export const DEMO_ORGANIZATION = 'demo';

/** What the README's CI script needs besides the token endpoint and the client. */
export interface DemoIds {
  organizationId: string;
  environmentId: string;
}

export async function demoTokens(issuer: DevIssuer): Promise<DemoPrincipal[]> {
  const people = await Promise.all(
    DEMO_USERS.map(async (u) => ({
      label: `${u.name} <${u.email}>`,
      token: await issuer.sign({ sub: u.subject, email: u.email, email_verified: true, name: u.name }),
    })),
  );
  const machine = { label: `machine client ${DEMO_CLIENT.clientId} (${DEMO_CLIENT.role})`, token: await issuer.machineToken(DEMO_CLIENT.clientId) };
  return [...people, machine];
}

/** Fills the demo organization through the API at `url` once; later starts find it and change nothing. Returns its ids. */
export async function seedDemo(url: string, issuer: DevIssuer): Promise<DemoIds> {
  const [alice, bob, carol, machine] = (await demoTokens(issuer)).map((p) => p.token) as [string, string, string, string];
  const call = async (token: string, query: string, variables: Record<string, unknown> = {}): Promise<any> => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(`demo seed: ${query.slice(0, 80)}: ${JSON.stringify(body.errors)}`);
    return body.data;
  };
  /** A mutation's payload (`<name>(input: $i)`). */
  const run = async (token: string, name: string, input: Record<string, unknown>, selection: string) =>
    (await call(token, `mutation($i: ${name[0]!.toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) ${selection} }`, { i: input }))[name];

  const nodejs = (version: string) => ({ install: { nodejs: { 'pkg-path': `nodejs_${version}` } } });
  const createWeb = async (organizationId: string): Promise<string> =>
    (await run(alice, 'createEnvironment', { organizationId, name: 'web', manifest: nodejs('20') }, '{ environment { id } }')).environment.id;

  const existing = (await call(alice, `{ organization(slug: "${DEMO_ORGANIZATION}") { id environment(name: "web") { id } } }`)).organization;
  // A demo organization from an older start (members only) gets the environment the CI script pushes to.
  if (existing) return { organizationId: existing.id, environmentId: existing.environment?.id ?? (await createWeb(existing.id)) };

  const organizationId = (await run(alice, 'createOrganization', { slug: DEMO_ORGANIZATION, name: 'Demo organization' }, '{ organization { id } }')).organization.id;
  const userIds: string[] = [];
  for (const { subject, role } of DEMO_USERS.slice(1)) {
    userIds.push((await run(alice, 'addOrganizationMember', { organizationId, userSubject: subject, role }, '{ member { user { id } } }')).member.user.id);
  }
  const [bobId, carolId] = userIds as [string, string];
  await call(bob, '{ viewer { kind } }'); // Bob and Carol sign in: their profiles come from their tokens
  await call(carol, '{ viewer { kind } }');
  await run(alice, 'createMachineClient', { organizationId, ...DEMO_CLIENT }, '{ machineClient { id } }');

  // The catalog: generations and versions by users and by the machine client.
  const web = await createWeb(organizationId);
  await run(bob, 'pushEnvironmentGeneration', { environmentId: web, manifest: { ...nodejs('22'), vars: { NODE_ENV: 'development' } }, description: 'Node 22' }, '{ generation { number } }');
  await run(machine, 'pushEnvironmentGeneration', { environmentId: web, manifest: { ...nodejs('22'), vars: { NODE_ENV: 'production' } }, description: 'CI build' }, '{ generation { number } }');
  await run(bob, 'createEnvironment', { organizationId, name: 'data', manifest: { install: { python3: { 'pkg-path': 'python312' } } } }, '{ environment { id } }');
  const publish = (token: string, name: string, version: string, systems: string[], description: string) =>
    run(token, 'publishPackage', { organizationId, name, version, systems, description }, '{ version { version } }');
  await publish(bob, 'hello', '1.0.0', ['x86_64-linux'], 'Says hello');
  await publish(machine, 'hello', '1.1.0', ['x86_64-linux', 'aarch64-darwin'], 'Says hello, built by CI');
  await publish(alice, 'jq-tools', '1.7.1', ['x86_64-linux', 'aarch64-linux', 'aarch64-darwin', 'x86_64-darwin'], 'jq and friends');

  // A workspace with users, the everyone group and a custom group.
  const workspaceId = (await run(alice, 'createWorkspace', { organizationId, slug: 'platform', name: 'Platform' }, '{ workspace { id } }')).workspace.id;
  for (const userId of [bobId, carolId]) await run(alice, 'setWorkspaceRole', { workspaceId, userId, role: 'WORKSPACE_USER' }, '{ workspace { id } }');
  const reviewers = (await run(alice, 'createGroup', { workspaceId, name: 'reviewers', description: 'Read every project they are given' }, '{ group { id } }')).group.id;
  await run(alice, 'addGroupMember', { groupId: reviewers, userId: carolId }, '{ group { id } }');
  await run(alice, 'saveTheme', { workspaceId, name: 'brand', tokens: { primary: '#0b5fff', radius: 6 } }, '{ theme { name } }');
  await run(alice, 'saveFont', { workspaceId, family: 'Inter', source: 'https://fonts.example/inter.woff2' }, '{ font { family } }');

  // Projects with an owner, editors and viewers, and what FlowX's permission matrix governs.
  const checkout = (await run(alice, 'createProject', { workspaceId, slug: 'checkout', name: 'Checkout' }, '{ project { id } }')).project.id;
  await run(alice, 'grantProjectAccess', { projectId: checkout, userId: bobId, role: 'PROJECT_EDITOR' }, '{ project { id } }');
  await run(alice, 'grantProjectAccess', { projectId: checkout, groupId: reviewers, role: 'PROJECT_VIEWER' }, '{ project { id } }');
  await run(bob, 'saveProcess', { projectId: checkout, name: 'onboarding', definition: { start: 'welcome', steps: ['welcome', 'verify', 'done'] } }, '{ process { name } }');
  await run(bob, 'saveTemplate', { projectId: checkout, name: 'welcome-email', body: { subject: 'Welcome', text: 'Hello {{name}}' } }, '{ template { name } }');
  await run(bob, 'saveIntegration', { projectId: checkout, name: 'payments', config: { provider: 'stripe', mode: 'test' } }, '{ integration { name } }');
  await run(bob, 'setConfigParameter', { projectId: checkout, key: 'region', value: 'eu-west-1' }, '{ configParameter { key } }');
  const build = (await run(bob, 'createBuild', { projectId: checkout, version: '1.0.0' }, '{ build { id } }')).build.id;
  await run(bob, 'setActivePolicy', { projectId: checkout, buildId: build }, '{ project { id } }');
  await run(bob, 'startProcessInstance', { projectId: checkout, processName: 'onboarding', variables: { customer: 'ada' } }, '{ processInstance { id } }');
  const billing = (await run(bob, 'createProject', { workspaceId, slug: 'billing', name: 'Billing', everyoneRole: null }, '{ project { id } }')).project.id;
  await run(bob, 'grantProjectAccess', { projectId: billing, userId: carolId, role: 'PROJECT_VIEWER' }, '{ project { id } }');

  return { organizationId, environmentId: web };
}

/**
 * What `npm start` prints in development: the demo tokens, and `export`
 * lines that set every variable the README's CI script and examples read.
 */
export async function demoBanner(url: string, tokenUrl: string, audience: string, issuer: DevIssuer, ids: DemoIds): Promise<string> {
  const principals = await demoTokens(issuer);
  const exports = {
    ORGRAPH_URL: url,
    TOKEN: principals[0]!.token,
    AUTH_TOKEN_URL: tokenUrl,
    AUDIENCE: audience,
    CLIENT_ID: DEMO_CLIENT.clientId,
    CLIENT_SECRET: issuer.clientSecret(DEMO_CLIENT.clientId),
    ORGANIZATION_ID: ids.organizationId,
    ENVIRONMENT_ID: ids.environmentId,
  };
  return [
    'Development issuer (no AUTH_ISSUER set). Demo tokens, valid 12 hours:',
    '',
    ...principals.flatMap(({ label, token }) => [`  ${label}`, `    ${token}`, '']),
    `The demo organization "${DEMO_ORGANIZATION}" is filled (docs in src/dev/demo.ts). Paste these to run the README's examples`,
    "and its CI script as written (TOKEN is Alice's; the client secret is the dev issuer's for demo-ci):",
    '',
    ...Object.entries(exports).map(([name, value]) => `export ${name}='${value}'`),
    '',
  ].join('\n');
}
