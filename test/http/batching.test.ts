/**
 * No N+1, authorization included: the statements a nested read costs depend
 * on the query's shape, not on how many rows its lists hold.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type TestOrgraph } from '../helpers/orgraph.js';
import { seedFor } from '../helpers/seed.js';

let issuer: TestIssuer;
let server: TestOrgraph;
let seed: ReturnType<typeof seedFor>;

const NESTED = `{
  organizations(first: 100) {
    edges { node {
      slug viewerRole
      members(first: 10) { edges { node { role user { subject email } } } }
      machineClients(first: 10) { edges { node { clientId organization { slug } } } }
    } }
  }
}`;

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  seed = seedFor(server, issuer);
  // few-owner owns 3 organizations, many-owner 30, each with two more members.
  for (const [owner, count] of [['few', 3], ['many', 30]] as const) {
    for (let i = 0; i < count; i++) {
      const org = await seed.organization(`${owner}-${i}`, { owner: `${owner}-owner`, writers: [`${owner}-w${i}`], readers: [`${owner}-r${i}`] });
      await server.graphql(org.owner.token, `mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id } } }`, {
        i: { organizationId: org.id, clientId: `${owner}-${i}-ci`, name: 'CI', role: 'READER' },
      });
    }
  }
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

async function statementsFor(person: string) {
  const token = (await seed.person(person)).token;
  const before = await server.metric('orgraph_db_statements_total');
  const res = await server.graphql(token, NESTED);
  expect(res.errors).toBeUndefined();
  return { statements: (await server.metric('orgraph_db_statements_total')) - before, orgs: res.data.organizations.edges.length };
}

describe('a nested read of organizations, members, users and machine clients', () => {
  it('costs the same number of statements for 3 organizations as for 30', async () => {
    const few = await statementsFor('few-owner');
    const many = await statementsFor('many-owner');
    expect([few.orgs, many.orgs]).toEqual([3, 30]);
    expect(many.statements).toBe(few.statements);
    // principal, organizations, role batch, members, users, machine clients, their organizations
    expect(few.statements).toBeLessThanOrEqual(8);
  });
});
