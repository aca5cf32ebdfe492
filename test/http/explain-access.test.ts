/**
 * `explainAccess`: each way a role reaches a principal (DIRECT, GROUP,
 * EVERYONE_GROUP, ORGANIZATION_OWNER, MACHINE_CLIENT) named in its grants,
 * the sentence that says what is missing, and who may ask: the principal
 * itself, the organization's owners, the workspace's admins; anyone else
 * gets null, as for an object that does not exist. (Its agreement with the
 * real outcome is checked on every cell of the matrix, in permission-matrix.test.ts.)
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOk, expectOnlyError } from '../helpers/expect.js';
import { missingId } from '../helpers/ids.js';
import { EXPLAIN_ACCESS } from '../helpers/operations.js';
import type { Person, SeededGroup, SeededMachineClient, SeededProject, SeededWorkspace } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({ RATE_LIMIT: 'off' });

let owner: Person;
let admin: Person;
let bob: Person;
let dave: Person;
let erin: Person;
let stranger: Person;
let rival: Person;
let ci: SeededMachineClient;
let orgId: string;
let ws: SeededWorkspace;
let devs: SeededGroup;
let alpha: SeededProject;
let hidden: SeededProject;

beforeAll(async () => {
  const org = await t.seed.organization('explained', { owner: 'xowner', readers: ['xbob', 'xdave', 'xerin'] });
  orgId = org.id;
  owner = org.owner;
  ws = await org.workspace('product', { admins: ['xadmin'], users: ['xbob', 'xdave', 'xerin'] });
  admin = ws.members.xadmin!;
  [bob, dave, erin] = [org.members.xbob!, org.members.xdave!, org.members.xerin!];
  devs = await ws.group('devs', [dave]);
  // The everyone group is a viewer of alpha (the API's default); devs edit it; erin edits it directly.
  alpha = await ws.project('alpha', { owner: admin, editors: [devs, erin] });
  hidden = await ws.project('hidden', { owner: admin, everyoneRole: null });
  ci = await org.machineClient('explained-ci', 'WRITER');
  stranger = await t.seed.person('xstranger');
  rival = (await t.seed.organization('rival', { owner: 'xrival' })).owner;
});

async function explain(asker: { token: string }, principalId: string, action: string, resourceId: string) {
  return expectOk(await t.server.graphql(asker.token, EXPLAIN_ACCESS, { p: principalId, a: action, r: resourceId })).explainAccess;
}

describe('explainAccess', () => {
  it('names a role reached through the everyone group, and what the rule needs instead', async () => {
    const answer = await explain(bob, bob.id, 'Mutation.saveProcess', alpha.id);
    expect(answer.decision).toBe('FORBIDDEN');
    expect(answer.rule).toMatch(/^@requiresRole\(/);
    expect(answer.requiredRoles).toContain('PROJECT_EDITOR');
    expect(answer.grants).toContainEqual({
      role: 'PROJECT_VIEWER',
      via: 'EVERYONE_GROUP',
      scope: { level: 'PROJECT', id: alpha.id, slug: 'alpha' },
      group: { id: ws.everyone.id, name: ws.everyone.name },
    });
    expect(answer.reason).toContain(`PROJECT_VIEWER on project alpha through the everyone group ${ws.everyone.name}`);
    expect(answer.reason).toContain('Mutation.saveProcess needs PROJECT_EDITOR on project alpha');
  });

  it('names a role reached through a custom group', async () => {
    const answer = await explain(dave, dave.id, 'Mutation.saveProcess', alpha.id);
    expect(answer.decision).toBe('ALLOWED');
    expect(answer.grants).toContainEqual(expect.objectContaining({ role: 'PROJECT_EDITOR', via: 'GROUP', group: { id: devs.id, name: 'devs' } }));
    expect(answer.reason).toMatch(/through group devs.*: allowed\.$/);
  });

  it('names a role given directly, and the organization and workspace roles beside it', async () => {
    const answer = await explain(erin, erin.id, 'Mutation.saveProcess', alpha.id);
    expect(answer.decision).toBe('ALLOWED');
    const direct = answer.grants.filter((g: { via: string }) => g.via === 'DIRECT');
    expect(direct).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ role: 'READER', scope: expect.objectContaining({ level: 'ORGANIZATION', id: orgId }) }),
        expect.objectContaining({ role: 'WORKSPACE_USER', scope: expect.objectContaining({ level: 'WORKSPACE', id: ws.id }) }),
        expect.objectContaining({ role: 'PROJECT_EDITOR', scope: expect.objectContaining({ level: 'PROJECT', id: alpha.id }) }),
      ]),
    );
  });

  it("names the organization owner's roles inside it", async () => {
    const answer = await explain(owner, owner.id, 'Mutation.transferProjectOwnership', alpha.id);
    expect(answer.decision).toBe('ALLOWED');
    expect(answer.grants).toContainEqual(expect.objectContaining({ role: 'PROJECT_OWNER', via: 'ORGANIZATION_OWNER' }));
    expect(answer.reason).toContain('as an owner of organization explained');
  });

  it("names a machine client's provisioned role", async () => {
    const answer = await explain(ci, ci.id, 'Mutation.createEnvironment', orgId);
    expect(answer.decision).toBe('ALLOWED');
    expect(answer.grants).toEqual([{ role: 'WRITER', via: 'MACHINE_CLIENT', scope: expect.objectContaining({ level: 'ORGANIZATION' }), group: null }]);
    const denied = await explain(ci, ci.id, 'Mutation.addOrganizationMember', orgId);
    expect(denied.decision).toBe('FORBIDDEN');
    expect(denied.reason).toContain('(users only)');
  });

  it('explains a field rule, scoped to the object whose field it is', async () => {
    expect((await explain(bob, bob.id, 'Organization.auditLog', orgId)).decision).toBe('FORBIDDEN');
    expect((await explain(owner, owner.id, 'Organization.auditLog', orgId)).decision).toBe('ALLOWED');
  });

  it('lets owners ask about anyone in the organization, and workspace admins about anyone in the workspace', async () => {
    expect((await explain(owner, bob.id, 'Mutation.saveProcess', alpha.id)).decision).toBe('FORBIDDEN');
    expect((await explain(owner, ci.id, 'Mutation.createEnvironment', orgId)).decision).toBe('ALLOWED');
    expect((await explain(admin, dave.id, 'Mutation.saveProcess', alpha.id)).decision).toBe('ALLOWED');
    // What the admin sees and bob does not: a project without an everyone grant.
    const unseen = await explain(admin, bob.id, 'Mutation.saveProcess', hidden.id);
    expect(unseen.decision).toBe('NOT_VISIBLE');
    expect(unseen.reason).toContain('cannot see project hidden');
  });

  it('answers null to anyone else, exactly as for an object that does not exist', async () => {
    // A member asking about another member; a stranger; the owner of another organization.
    expect(await explain(bob, dave.id, 'Mutation.saveProcess', alpha.id)).toBeNull();
    expect(await explain(stranger, bob.id, 'Mutation.saveProcess', alpha.id)).toBeNull();
    expect(await explain(rival, bob.id, 'Mutation.saveProcess', alpha.id)).toBeNull();
  });

  it('tells a principal about an object it cannot see the same whether the object exists or not', async () => {
    const existing = await explain(bob, bob.id, 'Mutation.saveProcess', hidden.id);
    const missing = await explain(bob, bob.id, 'Mutation.saveProcess', missingId('Project'));
    expect(existing.decision).toBe('NOT_VISIBLE');
    expect(existing.grants).toEqual([]);
    expect(missing).toEqual(existing);
    // Another organization's project reads the same to its outsiders.
    expect(await explain(rival, rival.id, 'Mutation.saveProcess', alpha.id)).toEqual(existing);
  });

  it('refuses an action that is not a rule, and an object of the wrong type, as bad input', async () => {
    const ask = (a: string, r: string) => t.server.graphql(bob.token, EXPLAIN_ACCESS, { p: bob.id, a, r });
    expectOnlyError(await ask('Mutation.noSuchThing', alpha.id), 'BAD_USER_INPUT', { field: 'action' });
    expectOnlyError(await ask('Mutation.saveProcess', orgId), 'BAD_USER_INPUT', { field: 'resourceId' });
    expectOnlyError(await ask('Mutation.saveProcess', 'not-an-id'), 'BAD_USER_INPUT', { field: 'resourceId' });
    expectOnlyError(await t.server.graphql(bob.token, EXPLAIN_ACCESS, { p: orgId, a: 'Mutation.saveProcess', r: alpha.id }), 'BAD_USER_INPUT', { field: 'principalId' });
  });

  it('is refused to anonymous callers', async () => {
    const res = await t.server.graphql(null, EXPLAIN_ACCESS, { p: bob.id, a: 'Mutation.saveProcess', r: alpha.id });
    expect(res.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
