/**
 * Rules that admit users only (`principal: USER`) refuse a machine client
 * cleanly, whichever mutation it calls: FORBIDDEN where it sees the scope,
 * NOT_FOUND where it cannot (a workspace), never an internal error, and
 * nothing written.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { codes, expectOk } from '../helpers/expect.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let machine: string;
let organizationId: string;
let workspaceId: string;

beforeAll(async () => {
  const org = await t.seed.organization('machine-kinds', { owner: 'mona' });
  organizationId = org.id;
  expectOk(
    await t.server.graphql(org.owner.token, 'mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id } } }', {
      i: { organizationId, clientId: 'kinds-ci', name: 'CI', role: 'OWNER' },
    }),
  );
  const ws = expectOk<any>(
    await t.server.graphql(org.owner.token, 'mutation($i: CreateWorkspaceInput!) { createWorkspace(input: $i) { workspace { id } } }', {
      i: { organizationId, slug: 'kinds', name: 'Kinds' },
    }),
  );
  workspaceId = ws.createWorkspace.workspace.id;
  machine = await t.issuer.machineToken('kinds-ci');
});

describe('a machine client, even an OWNER one, calling mutations for users only', () => {
  it.each([
    ['createOrganization', 'mutation { createOrganization(input: { slug: "by-machine", name: "x" }) { organization { id } } }', {}, 'FORBIDDEN'],
    ['createWorkspace', 'mutation($o: ID!) { createWorkspace(input: { organizationId: $o, slug: "by-machine", name: "x" }) { workspace { id } } }', 'organization', 'FORBIDDEN'],
    ['createProject', 'mutation($w: ID!) { createProject(input: { workspaceId: $w, slug: "by-machine", name: "x" }) { project { id } } }', 'workspace', 'NOT_FOUND'],
  ] as const)('%s is refused with %s, and nothing is written', async (_name, query, scope, code) => {
    const before = await t.server.snapshot();
    const variables = scope === 'organization' ? { o: organizationId } : scope === 'workspace' ? { w: workspaceId } : {};
    const res = await t.server.graphql(machine, query, variables);
    expect(res.status, res.raw).toBe(200);
    expect(codes(res), res.raw).toEqual([code]);
    // The snapshot leaves out DENIED audit events: a FORBIDDEN attempt is recorded as one.
    expect(await t.server.snapshot()).toEqual(before);
  });
});
