/**
 * No N+1, authorization included: the statements a nested read costs depend
 * on the query's shape, not on how many rows its lists hold.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CREATE_ENVIRONMENT, PUBLISH_PACKAGE, PUSH_GENERATION } from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();

const NESTED = `{
  organizations(first: 100) {
    edges { node {
      slug viewerRole
      members(first: 10) { edges { node { role user { subject email } } } }
      machineClients(first: 10) { edges { node { clientId organization { slug } } } }
    } }
  }
}`;

const CATALOG = `query($slug: String!) {
  organization(slug: $slug) {
    environments(first: 100) { edges { node {
      name owner { subject }
      currentGeneration { number manifest }
      generations(first: 10) { edges { node { number description createdBy { __typename ... on User { subject } ... on MachineClient { clientId } } } } }
      history(first: 10) { edges { node { kind actor { __typename } } } }
    } } }
    packages(first: 100) { edges { node { name versions { version systems publishedBy { __typename } } } } }
  }
}`;

/** `size` environments with three generations each (one pushed by a machine client) and `size` packages with two versions. */
async function catalogOf(slug: string, size: number) {
  const org = await t.seed.organization(slug, { owner: `${slug}-owner` });
  const ci = (await org.machineClient(`${slug}-ci`, 'WRITER', 'CI')).token;
  for (let i = 0; i < size; i++) {
    const environmentId = (await t.seed.mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: `env-${i}`, manifest: { install: {} } })).environment.id;
    await t.seed.mutate(ci, PUSH_GENERATION, { environmentId, manifest: { install: { go: {} } }, description: 'from CI' });
    await t.seed.mutate(org.owner.token, PUSH_GENERATION, { environmentId, manifest: { install: { go: {}, jq: {} } }, description: 'by hand' });
    for (const version of ['1.0.0', '1.1.0']) {
      await t.seed.mutate(i % 2 ? ci : org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, name: `pkg-${i}`, version, systems: ['x86_64-linux'] });
    }
  }
  return org;
}

beforeAll(async () => {
  await catalogOf('small', 3);
  await catalogOf('large', 30);
  // few-owner owns 3 organizations, many-owner 30, each with two more members.
  for (const [owner, count] of [['few', 3], ['many', 30]] as const) {
    for (let i = 0; i < count; i++) {
      const org = await t.seed.organization(`${owner}-${i}`, { owner: `${owner}-owner`, writers: [`${owner}-w${i}`], readers: [`${owner}-r${i}`] });
      await org.machineClient(`${owner}-${i}-ci`, 'READER', 'CI');
    }
  }
}, 120_000);

async function statementsFor(person: string, query = NESTED, variables?: Record<string, unknown>) {
  const token = (await t.seed.person(person)).token;
  const before = await t.server.metric('orgraph_db_statements_total');
  const res = await t.server.graphql(token, query, variables);
  expect(res.errors, res.raw).toBeUndefined();
  return { statements: (await t.server.metric('orgraph_db_statements_total')) - before, data: res.data };
}

describe('a nested read of organizations, members, users and machine clients', () => {
  it('costs the same number of statements for 3 organizations as for 30', async () => {
    const few = await statementsFor('few-owner');
    const many = await statementsFor('many-owner');
    expect([few.data.organizations.edges.length, many.data.organizations.edges.length]).toEqual([3, 30]);
    expect(many.statements).toBe(few.statements);
    // principal, organizations, role batch, members, users, machine clients, their organizations
    expect(few.statements).toBeLessThanOrEqual(8);
  });
});

describe('a nested read of the catalog: environments, generations and their authors, history, packages and versions', () => {
  it('costs the same number of statements for 3 environments as for 30', async () => {
    const small = await statementsFor('small-owner', CATALOG, { slug: 'small' });
    const large = await statementsFor('large-owner', CATALOG, { slug: 'large' });
    const environments = (r: typeof small) => r.data.organization.environments.edges;
    expect([environments(small).length, environments(large).length]).toEqual([3, 30]);
    expect(environments(large).every((e: any) => e.node.generations.edges.length === 3)).toBe(true);
    expect(large.data.organization.packages.edges.every((e: any) => e.node.versions.length === 2)).toBe(true);
    expect(large.statements).toBe(small.statements);
    // principal, organization, role batch, environments, owners, current generations, generations,
    // users + machine clients (authors), history, packages, versions
    expect(small.statements).toBeLessThanOrEqual(13);
  });
});
