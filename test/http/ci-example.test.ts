/**
 * The README's CI example, run as written: the shell script is read from the
 * README and executed with sh and curl against a real OAuth2 server and Orgraph
 * (test/http/npm-start.test.ts runs it against `npm start`'s dev issuer).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATE_ENVIRONMENT, CREATE_MACHINE_CLIENT } from '../helpers/operations.js';
import { ciScript as script } from '../helpers/readme.js';
import type { SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';


const t = useOrgraph();
let org: SeededOrganization;
let environmentId: string;

beforeAll(async () => {
  org = await t.seed.organization('acme', { owner: 'alice' });
  // Registered, but no token fetched: the script gets its own.
  await t.seed.mutate(org.owner.token, CREATE_MACHINE_CLIENT, { organizationId: org.id, clientId: 'acme-ci', name: 'Acme CI', role: 'WRITER' });
  environmentId = (await t.seed.mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: 'web' })).environment.id;
});

describe("the README's CI example", () => {
  it('gets a machine token, pushes a generation and publishes a package', async () => {
    const run = () =>
      promisify(execFile)('sh', ['-c', script], {
        env: {
          PATH: process.env.PATH,
          AUTH_TOKEN_URL: t.issuer.tokenUrl,
          AUDIENCE: t.issuer.audience,
          CLIENT_ID: 'acme-ci',
          CLIENT_SECRET: 'not-checked-by-the-test-issuer',
          ORGRAPH_URL: t.server.url,
          ORGANIZATION_ID: org.id,
          ENVIRONMENT_ID: environmentId,
          RUN_ID: 'build-17',
        },
      });
    const { stdout } = await run();
    expect(stdout).not.toContain('"errors"');
    expect(stdout).toContain('"pushEnvironmentGeneration":{"generation":{"number":2}}');
    // The same run again (a CI retry): its Idempotency-Keys get the first answers, and nothing is pushed twice.
    expect((await run()).stdout).toBe(stdout);

    const read = await t.server.graphql(org.owner.token, `{ organization(slug: "acme") {
      environment(name: "web") { currentGeneration { number description createdBy { ... on MachineClient { clientId } } } }
      package(name: "hello") { versions { version systems publishedBy { ... on MachineClient { clientId } } } }
    } }`);
    expect(read.data.organization).toEqual({
      environment: { currentGeneration: { number: 2, description: 'CI build', createdBy: { clientId: 'acme-ci' } } },
      package: { versions: [{ version: '1.2.0', systems: ['aarch64-darwin', 'x86_64-linux'], publishedBy: { clientId: 'acme-ci' } }] },
    });
  });
});
