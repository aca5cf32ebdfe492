/**
 * `npm run policy:test`: the shipped policy files hold; a file with one
 * wrong expectation fails with exit code 1 and the reason (with the
 * candidate rules deciding, which the shipped schema has none of); coverage names
 * the rules no expectation exercises; a malformed file is refused with the
 * path of each problem. The runner brings its own embedded database, so
 * this suite runs once, with the PGlite project.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runPolicyTests } from '../../src/policy/run.js';
import { engine } from '../helpers/database.js';

const POLICY = `
organizations:
  - slug: shop
    owner: olga
    writers: [wes]
    machineClients: [{ clientId: shop-ci, role: READER }]
    workspaces:
      - slug: web
        roles: { wes: WORKSPACE_USER }
        projects:
          - { slug: site, owner: olga, everyoneRole: null }
people: [stranger]
expectations:
  - { principal: wes, action: Mutation.createEnvironment, resource: organization/shop, decision: ALLOWED }
  - { principal: shop-ci, action: Mutation.createEnvironment, resource: organization/shop, decision: FORBIDDEN }
  - { principal: stranger, action: Organization.members, resource: organization/shop, decision: NOT_VISIBLE }
  - { principal: wes, action: Mutation.saveProcess, resource: project/shop/web/site, decision: NOT_VISIBLE }
`;

async function policyTest(yaml: string, ...flags: string[]) {
  const dir = await mkdtemp(join(tmpdir(), 'orgraph-policy-'));
  const file = join(dir, 'policy.yaml');
  await writeFile(file, yaml);
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/policy-test.ts', file, ...flags]);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, output: `${failed.stdout}${failed.stderr}` };
  }
}

describe.runIf(engine === 'pglite')('policy tests', () => {
  it('holds on the shipped policy files', async () => {
    const report = await runPolicyTests(['policy/floxhub.yaml', 'policy/flowx-matrix.yaml'], 'live');
    const failures = report.files.flatMap((f) => f.outcomes.filter((o) => o.observed !== o.expectation.decision));
    expect(failures).toEqual([]);
    // Every cell of the seed's table is in the FlowX file, each as at least one expectation.
    expect(report.files[1]!.outcomes.length).toBeGreaterThanOrEqual(120);
  }, 180_000);

  it('fails a file with one wrong expectation, with the reason and the coverage', async () => {
    const wrong = POLICY.replace('resource: organization/shop, decision: FORBIDDEN', 'resource: organization/shop, decision: ALLOWED');
    const { code, output } = await policyTest(wrong, '--candidate');
    expect(code, output).toBe(1);
    expect(output).toContain('✗ shop-ci Mutation.createEnvironment organization/shop: expected ALLOWED, got FORBIDDEN');
    expect(output).toContain('machine client shop-ci holds READER in organization shop as its machine client; Mutation.createEnvironment needs WRITER in organization shop.');
    expect(output).toContain('3 of 4 expectations hold');
    expect(output).toMatch(/Coverage: \d+ of \d+ role rules exercised/);
    expect(output).toContain('Organization.auditLog');
  }, 60_000);

  it('refuses a malformed file, naming each problem', async () => {
    const { code, output } = await policyTest('organizations: [{ slug: x }]\nexpectations: [{ principal: a, action: nope, resource: r, decision: MAYBE }]\n');
    expect(code).toBe(1);
    expect(output).toContain('organizations.0.owner');
    expect(output).toContain('expectations.0.action');
    expect(output).toContain('expectations.0.decision');
  }, 60_000);
});
