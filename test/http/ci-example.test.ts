/**
 * The README's CI example, run as written: the shell script is read from the
 * README and executed with sh and curl against a real OAuth2 server and Orgraph.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor, type SeededOrganization } from '../helpers/seed.js';

const script = /<!-- ci-example:start -->\n```sh\n([\s\S]*?)```\n<!-- ci-example:end -->/.exec(
  readFileSync(new URL('../../README.md', import.meta.url), 'utf8'),
)![1]!;

let issuer: TestIssuer;
let server: TestOrgraph;
let org: SeededOrganization;
let environmentId: string;

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  org = await seedFor(server, issuer).organization('acme', { owner: 'alice' });
  await server.graphql(org.owner.token, 'mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id } } }', {
    i: { organizationId: org.id, clientId: 'acme-ci', name: 'Acme CI', role: 'WRITER' },
  });
  const created = await server.graphql(org.owner.token, 'mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { environment { id } } }', {
    i: { organizationId: org.id, name: 'web' },
  });
  environmentId = created.data.createEnvironment.environment.id;
});

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

describe("the README's CI example", () => {
  it('gets a machine token, pushes a generation and publishes a package', async () => {
    const { stdout } = await promisify(execFile)('sh', ['-c', script], {
      env: {
        PATH: process.env.PATH,
        AUTH_TOKEN_URL: issuer.tokenUrl,
        AUDIENCE: issuer.audience,
        CLIENT_ID: 'acme-ci',
        CLIENT_SECRET: 'not-checked-by-the-test-issuer',
        ORGRAPH_URL: server.url,
        ORGANIZATION_ID: org.id,
        ENVIRONMENT_ID: environmentId,
      },
    });
    expect(stdout).not.toContain('"errors"');
    expect(stdout).toContain('"pushEnvironmentGeneration":{"generation":{"number":2}}');

    const read = await server.graphql(org.owner.token, `{ organization(slug: "acme") {
      environment(name: "web") { currentGeneration { number description createdBy { ... on MachineClient { clientId } } } }
      package(name: "hello") { versions { version systems publishedBy { ... on MachineClient { clientId } } } }
    } }`);
    expect(read.data.organization).toEqual({
      environment: { currentGeneration: { number: 2, description: 'CI build', createdBy: { clientId: 'acme-ci' } } },
      package: { versions: [{ version: '1.2.0', systems: ['aarch64-darwin', 'x86_64-linux'], publishedBy: { clientId: 'acme-ci' } }] },
    });
  });
});
