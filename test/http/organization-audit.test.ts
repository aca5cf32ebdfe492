/**
 * The audit log of an organization: every member and client change writes
 * one event naming the operation, its target and the acting user; only
 * owners read it; a failed mutation writes no event and changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { codes, expectOk } from '../helpers/expect.js';
import { ADD_MEMBER, CHANGE_MEMBER_ROLE, CREATE_MACHINE_CLIENT, CREATE_ORGANIZATION, REMOVE_MEMBER, REVOKE_MACHINE_CLIENT } from '../helpers/operations.js';
import { ORG_WITH_AUDIT, organizationChecks } from '../helpers/organizations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { addMember, changeRole, removeMember, auditCount } = organizationChecks(t);

describe('audit log', () => {
  it('every mutation writes one audit event naming the operation and the acting user', async () => {
    const olga = await t.seed.person('olga');
    const pat = await t.seed.person('pat');
    const quinn = await t.seed.person('quinn');
    const countBefore = await auditCount();

    const created = await t.server.graphql(olga.token, CREATE_ORGANIZATION, { i: { slug: 'audited', name: 'Audited' } });
    expectOk(created);
    const orgId = created.data.createOrganization.organization.id as string;
    expectOk(await addMember(olga, orgId, pat, 'WRITER'));
    expectOk(await t.server.graphql(olga.token, ADD_MEMBER, { i: { organizationId: orgId, userEmail: 'quinn@example.test', role: 'READER' } }));
    expectOk(await changeRole(olga, orgId, pat, 'READER'));
    expectOk(await removeMember(olga, orgId, quinn));
    const client = await t.server.graphql(olga.token, CREATE_MACHINE_CLIENT, { i: { organizationId: orgId, clientId: 'audited-ci', name: 'Audited CI', role: 'WRITER' } });
    expectOk(client);
    const clientId = client.data.createMachineClient.machineClient.id as string;
    expectOk(await t.server.graphql(olga.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: orgId, clientId: 'audited-ci' } }));

    expect(await auditCount()).toBe(countBefore + 7);
    const res = await t.server.graphql(olga.token, ORG_WITH_AUDIT, { slug: 'audited' });
    expectOk(res);
    const events = res.data.organization.auditLog.edges.map((e: any) => e.node);
    // Newest first.
    expect(events.map((e: any) => [e.operation, e.targetId])).toEqual([
      ['revokeMachineClient', clientId],
      ['createMachineClient', clientId],
      ['removeOrganizationMember', quinn.id],
      ['changeOrganizationMemberRole', pat.id],
      ['addOrganizationMember', quinn.id],
      ['addOrganizationMember', pat.id],
      ['createOrganization', orgId],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ actorKind: 'USER', actorUser: { id: olga.id, subject: olga.subject }, actorMachineClient: null });
    }
    expect(events[3].details).toMatchObject({ from: 'WRITER', to: 'READER' });
  });

  it('is readable by owners only: writers, readers and machine clients get null with FORBIDDEN at the auditLog path', async () => {
    const org = await t.seed.organization('audit-closed', { owner: 'otis', writers: ['wyn'], readers: ['rae'] });
    expectOk(await t.server.graphql(org.owner.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'audit-closed-ci', name: 'CI', role: 'WRITER' } }));
    const callers: [string, string, string][] = [
      ['a WRITER', org.members.wyn!.token, 'WRITER'],
      ['a READER', org.members.rae!.token, 'READER'],
      ['a WRITER machine client', await t.issuer.machineToken('audit-closed-ci'), 'WRITER'],
    ];
    for (const [label, token, role] of callers) {
      const res = await t.server.graphql(token, ORG_WITH_AUDIT, { slug: 'audit-closed' });
      expect(res.status, label).toBe(200);
      expect(res.data, `${label}: ${res.raw}`).toEqual({ organization: { slug: 'audit-closed', viewerRole: role, auditLog: null } });
      expect(res.errors?.map((e) => [e.path, e.extensions?.code]), label).toEqual([[['organization', 'auditLog'], 'FORBIDDEN']]);
    }
    const owner = await t.server.graphql(org.owner.token, ORG_WITH_AUDIT, { slug: 'audit-closed' });
    expectOk(owner);
    expect(owner.data.organization.auditLog.edges.length).toBeGreaterThanOrEqual(4);
  });

  it('a failed mutation writes no audit event and changes nothing', async () => {
    const org = await t.seed.organization('no-trace', { owner: 'nora', owners: ['nils'], writers: ['nat'] });
    const [nora, nils, nat] = [org.owner, org.members.nils!, org.members.nat!];
    const outsider = await t.seed.person('nobody-here');
    expectOk(await t.server.graphql(nora.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'no-trace-ci', name: 'CI', role: 'OWNER' } }));
    expectOk(await t.server.graphql(nora.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'no-trace-gone', name: 'Gone', role: 'READER' } }));
    expectOk(await t.server.graphql(nora.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'no-trace-gone' } }));
    const machine = await t.issuer.machineToken('no-trace-ci');
    expectOk(await t.server.graphql(machine, '{ viewer { kind } }'));

    const failures: [string, string, string, Record<string, unknown>, string][] = [
      ['writer adds a member', nat.token, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', role: 'READER' }, 'FORBIDDEN'],
      ['owner demotes self', nora.token, CHANGE_MEMBER_ROLE, { organizationId: org.id, userId: nora.id, role: 'WRITER' }, 'FORBIDDEN'],
      ['owner removes self', nils.token, REMOVE_MEMBER, { organizationId: org.id, userId: nils.id }, 'FORBIDDEN'],
      ['non-member adds a member', outsider.token, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', role: 'OWNER' }, 'NOT_FOUND'],
      ['owner adds an existing member', nora.token, ADD_MEMBER, { organizationId: org.id, userSubject: nat.subject, role: 'OWNER' }, 'CONFLICT'],
      ['owner adds by subject and email at once', nora.token, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', userEmail: 'x@example.test', role: 'READER' }, 'BAD_USER_INPUT'],
      ['owner adds an unknown email', nora.token, ADD_MEMBER, { organizationId: org.id, userEmail: 'nobody@nowhere.test', role: 'READER' }, 'NOT_FOUND'],
      ['owner changes the role of a non-member', nora.token, CHANGE_MEMBER_ROLE, { organizationId: org.id, userId: outsider.id, role: 'READER' }, 'NOT_FOUND'],
      ['owner removes a non-member', nora.token, REMOVE_MEMBER, { organizationId: org.id, userId: outsider.id }, 'NOT_FOUND'],
      ['owner registers a taken clientId', nora.token, CREATE_MACHINE_CLIENT, { organizationId: org.id, clientId: 'no-trace-ci', name: 'Again', role: 'READER' }, 'CONFLICT'],
      ['owner revokes an unknown client', nora.token, REVOKE_MACHINE_CLIENT, { organizationId: org.id, clientId: 'no-such-ci' }, 'NOT_FOUND'],
      ['owner revokes a revoked client', nora.token, REVOKE_MACHINE_CLIENT, { organizationId: org.id, clientId: 'no-trace-gone' }, 'CONFLICT'],
      ['machine client adds a member', machine, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', role: 'READER' }, 'FORBIDDEN'],
      ['machine client creates an organization', machine, CREATE_ORGANIZATION, { slug: 'no-trace-two', name: 'Two' }, 'FORBIDDEN'],
      ['user creates an organization with a taken slug', nora.token, CREATE_ORGANIZATION, { slug: 'no-trace', name: 'Again' }, 'CONFLICT'],
      ['user creates an organization with an invalid slug', nora.token, CREATE_ORGANIZATION, { slug: 'Not A Slug', name: 'Bad' }, 'BAD_USER_INPUT'],
    ];
    for (const [label, token, query, input, code] of failures) {
      const before = await t.server.snapshot();
      const res = await t.server.graphql(token, query, { i: input });
      expect(codes(res), `${label}: ${res.raw}`).toEqual([code]);
      const after = await t.server.snapshot();
      expect(after.audit_events!.length, label).toBe(before.audit_events!.length);
      expect(after, label).toEqual(before);
    }
  });
});
