/**
 * A principal that cannot see a scope learns nothing from a mutation against
 * it: NOT_FOUND, word for word what an ID that exists nowhere gets, after
 * the same work (the same number of SQL statements, which /metrics shows
 * anyone), and nothing written into that tenant's audit trail. Only a
 * principal that sees the scope but lacks the role is FORBIDDEN, and that
 * attempt is recorded there as DENIED.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectError, expectOk } from '../helpers/expect.js';
import { missingId } from '../helpers/ids.js';
import { CREATE_ENVIRONMENT, NODE_ID, PUSH_GENERATION, SAVE_PROCESS, SET_WORKSPACE_ROLE, UPDATE_ORGANIZATION } from '../helpers/operations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let acme: SeededOrganization;
let outsider: Person;
let reader: Person;
const ids: Record<string, string> = {};

const MUTATIONS = {
  updateOrganization: UPDATE_ORGANIZATION,
  createEnvironment: CREATE_ENVIRONMENT,
  pushEnvironmentGeneration: PUSH_GENERATION,
  setWorkspaceRole: SET_WORKSPACE_ROLE,
  saveProcess: SAVE_PROCESS,
};

beforeAll(async () => {
  acme = await t.seed.organization('denials', { owner: 'dana', readers: ['rory'] });
  reader = acme.members.rory!;
  outsider = await t.seed.person('oscar');
  ids.Organization = acme.id;
  ids.Environment = (await t.seed.mutate(acme.owner.token, CREATE_ENVIRONMENT, { organizationId: acme.id, name: 'web', manifest: {} })).environment.id;
  const ws = await acme.workspace('ops', { name: 'Ops' });
  ids.Workspace = ws.id;
  ids.Project = (await ws.project('alpha', { owner: acme.owner, name: 'Alpha' })).id;
});

/** Every audit row of the database, DENIED ones included. */
async function auditRows(): Promise<number> {
  const result = (await t.server.orgraph.database.db.execute(sql`select count(*)::int as n from audit_events`)) as { rows: { n: number }[] };
  return result.rows[0]!.n;
}

/** A request's answer and the statements it cost, its principal already known (so that look-up is not counted). */
async function attempt(token: string, query: string, variables: Record<string, unknown>) {
  await t.server.graphql(token, '{ viewer { kind } }');
  const before = await t.server.metric('orgraph_db_statements_total');
  const res = await t.server.graphql(token, query, variables);
  return { res, statements: (await t.server.metric('orgraph_db_statements_total')) - before };
}

const cases: [string, () => Person, keyof typeof MUTATIONS, string, (id: string) => Record<string, unknown>][] = [
  ['an outsider renames an organization', () => outsider, 'updateOrganization', 'Organization', (id) => ({ organizationId: id, name: 'Taken' })],
  ['an outsider creates an environment in an organization', () => outsider, 'createEnvironment', 'Organization', (id) => ({ organizationId: id, name: 'evil', manifest: {} })],
  ['an outsider pushes a generation to an environment', () => outsider, 'pushEnvironmentGeneration', 'Environment', (id) => ({ environmentId: id, manifest: {} })],
  ['a member without a workspace role gives one in that workspace', () => reader, 'setWorkspaceRole', 'Workspace', (id) => ({ workspaceId: id, userId: reader.id, role: 'WORKSPACE_ADMIN' })],
  ['a member without access to a project saves a process in it', () => reader, 'saveProcess', 'Project', (id) => ({ projectId: id, name: 'p', definition: {} })],
];

describe('a mutation against a scope the principal cannot see', () => {
  it.each(cases)('%s: NOT_FOUND as for an ID of nothing, at the same cost, and no audit row', async (_what, who, mutation, type, input) => {
    const audit = await auditRows();
    const real = await attempt(who().token, MUTATIONS[mutation], { i: input(ids[type]!) });
    const missing = await attempt(who().token, MUTATIONS[mutation], { i: input(missingId(type)) });
    const refusal = expectError(real.res, 'NOT_FOUND');
    expect(refusal.message).toBe(expectError(missing.res, 'NOT_FOUND').message);
    expect(real.statements, `${real.statements} statements for a real ID, ${missing.statements} for a random one`).toBe(missing.statements);
    expect(await auditRows()).toBe(audit);
  });

  it('is not found through node(id:) either, at the same cost', async () => {
    for (const type of ['Organization', 'Environment', 'Workspace', 'Project']) {
      const who = type === 'Workspace' || type === 'Project' ? reader : outsider;
      const real = await attempt(who.token, NODE_ID, { id: ids[type] });
      const missing = await attempt(who.token, NODE_ID, { id: missingId(type) });
      expect(expectOk<any>(real.res).node, type).toBeNull();
      expect(expectOk<any>(missing.res).node, type).toBeNull();
      expect(real.statements, type).toBe(missing.statements);
    }
  });
});

describe('a mutation the principal can see but lacks the role for', () => {
  it('is FORBIDDEN, and recorded in that organization as DENIED', async () => {
    const before = await auditRows();
    expectError(await t.server.graphql(reader.token, MUTATIONS.createEnvironment, { i: { organizationId: acme.id, name: 'nope', manifest: {} } }), 'FORBIDDEN');
    expect(await auditRows()).toBe(before + 1);
    const log = expectOk<any>(
      await t.server.graphql(acme.owner.token, 'query($s: String!) { organization(slug: $s) { auditLog(first: 1) { edges { node { operation outcome actorUser { id } } } } } }', { s: acme.slug }),
    );
    expect(log.organization.auditLog.edges[0].node).toEqual({ operation: 'createEnvironment', outcome: 'DENIED', actorUser: { id: reader.id } });
  });
});

describe('what a FORBIDDEN answer says is missing', () => {
  it('names the roles that would allow it and the organization, workspace or project they are needed in', async () => {
    const ws = await acme.workspace('says', { users: ['wendy'] });
    const project = await ws.project('beta', { owner: acme.owner, viewers: ['wendy'], everyoneRole: null });
    const wendy = ws.members.wendy!;

    const mutation = expectError(await t.server.graphql(reader.token, MUTATIONS.createEnvironment, { i: { organizationId: acme.id, name: 'nope', manifest: {} } }), 'FORBIDDEN');
    expect(mutation.extensions).toMatchObject({ requiredRoles: ['WRITER'], scope: { level: 'ORGANIZATION', id: acme.id } });

    const inProject = expectError(await t.server.graphql(wendy.token, SAVE_PROCESS, { i: { projectId: project.id, name: 'p', definition: {} } }), 'FORBIDDEN');
    expect(inProject.extensions).toMatchObject({ requiredRoles: ['PROJECT_EDITOR'], scope: { level: 'PROJECT', id: project.id } });
    expect(inProject.message).toMatch(/PROJECT_EDITOR/);

    const field = await t.server.graphql(reader.token, 'query($s: String!) { organization(slug: $s) { slug machineClients { edges { node { id } } } } }', { s: acme.slug });
    expect(field.data.organization.slug).toBe(acme.slug);
    expect(field.errors?.[0]?.path).toEqual(['organization', 'machineClients']);
    expect(field.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['OWNER'], scope: { level: 'ORGANIZATION', id: acme.id } });

    const audit = await t.server.graphql(wendy.token, 'query($id: ID!) { node(id: $id) { ... on Workspace { auditLog { edges { node { id } } } } } }', { id: ws.id });
    expect(audit.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', requiredRoles: ['WORKSPACE_ADMIN'], scope: { level: 'WORKSPACE', id: ws.id } });
  });

  it('and an invisible scope still answers NOT_FOUND or null, with no detail', async () => {
    const refused = expectError(await t.server.graphql(outsider.token, MUTATIONS.createEnvironment, { i: { organizationId: acme.id, name: 'nope', manifest: {} } }), 'NOT_FOUND');
    expect(refused.extensions).not.toHaveProperty('requiredRoles');
    expect(refused.extensions).not.toHaveProperty('scope');
  });
});
