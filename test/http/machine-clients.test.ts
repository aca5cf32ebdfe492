/**
 * Machine clients of an organization: created, listed and revoked by owners
 * only; their client-credentials tokens act as the organization with the
 * client's role, never manage members or clients whatever that role, and stop
 * working once the client is revoked. Over HTTP with real tokens from a real
 * client-credentials grant.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, expectError, expectOk } from '../helpers/expect.js';
import { ADD_MEMBER, CHANGE_MEMBER_ROLE, CREATE_MACHINE_CLIENT, ORGANIZATIONS, REMOVE_MEMBER, REVOKE_MACHINE_CLIENT } from '../helpers/operations.js';
import { ORG, ORG_WITH_CLIENTS } from '../helpers/organizations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();

describe('machine clients', () => {
  let org: SeededOrganization;
  let mona: Person, wes: Person, rita: Person;

  beforeAll(async () => {
    org = await t.seed.organization('robots', { owner: 'mona', writers: ['wes'], readers: ['rita'] });
    [mona, wes, rita] = [org.owner, org.members.wes!, org.members.rita!];
  });

  it('are created by owners, with a clientId, a name and a role', async () => {
    const res = await t.server.graphql(mona.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-ci', name: 'Robots CI', role: 'WRITER' } });
    expectOk(res);
    expect(res.data.createMachineClient.machineClient).toMatchObject({
      clientId: 'robots-ci',
      name: 'Robots CI',
      role: 'WRITER',
      revokedAt: null,
      organization: { slug: 'robots' },
    });
    expectOk(await t.server.graphql(mona.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-reader', name: 'Robots Reader', role: 'READER' } }));
    expectOk(await t.server.graphql(mona.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-owner', name: 'Robots Owner', role: 'OWNER' } }));
  });

  it('are listed in machineClients to owners', async () => {
    const res = await t.server.graphql(mona.token, ORG_WITH_CLIENTS, { slug: 'robots' });
    expectOk(res);
    expect(res.data.organization.machineClients.edges.map((e: any) => e.node)).toEqual(
      expect.arrayContaining([
        { clientId: 'robots-ci', name: 'Robots CI', role: 'WRITER', revokedAt: null },
        { clientId: 'robots-reader', name: 'Robots Reader', role: 'READER', revokedAt: null },
        { clientId: 'robots-owner', name: 'Robots Owner', role: 'OWNER', revokedAt: null },
      ]),
    );
    expect(res.data.organization.machineClients.edges).toHaveLength(3);
  });

  it('are not listed to writers or readers: machineClients is null with FORBIDDEN at its path, the rest is served', async () => {
    for (const [person, role] of [[wes, 'WRITER'], [rita, 'READER']] as const) {
      const res = await t.server.graphql(person.token, ORG_WITH_CLIENTS, { slug: 'robots' });
      expect(res.status).toBe(200);
      expect(res.data, res.raw).toEqual({ organization: { slug: 'robots', viewerRole: role, machineClients: null } });
      expect(res.errors, res.raw).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['organization', 'machineClients']);
      expect(res.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('a WRITER client’s token acts as the organization with the WRITER role', async () => {
    const token = await t.issuer.machineToken('robots-ci');
    const res = await t.server.graphql(token, `query { viewer { kind user { id } machineClient { clientId role } } organization(slug: "robots") { slug viewerRole } }`);
    expectOk(res);
    expect(res.data).toEqual({
      viewer: { kind: 'MACHINE', user: null, machineClient: { clientId: 'robots-ci', role: 'WRITER' } },
      organization: { slug: 'robots', viewerRole: 'WRITER' },
    });
    const list = await t.server.graphql(token, ORGANIZATIONS);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'robots', viewerRole: 'WRITER' }]);
    // Owners-only fields stay closed to it.
    const clients = await t.server.graphql(token, ORG_WITH_CLIENTS, { slug: 'robots' });
    expect(clients.data.organization).toEqual({ slug: 'robots', viewerRole: 'WRITER', machineClients: null });
    expect(clients.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['organization', 'machineClients'], 'FORBIDDEN']]);
  });

  it('a READER client’s token acts with the READER role', async () => {
    const res = await t.server.graphql(await t.issuer.machineToken('robots-reader'), ORG, { slug: 'robots' });
    expectOk(res);
    expect(res.data.organization.viewerRole).toBe('READER');
  });

  it('a WRITER client cannot add members (FORBIDDEN)', async () => {
    const token = await t.issuer.machineToken('robots-ci');
    const before = await t.server.snapshot();
    const res = await t.server.graphql(token, ADD_MEMBER, { i: { organizationId: org.id, userSubject: 'auth0|robot-friend', role: 'READER' } });
    expectError(res, 'FORBIDDEN');
    expect(await t.server.snapshot()).toEqual(before);
  });

  it('never manage members or machine clients, even when provisioned as OWNER (FORBIDDEN)', async () => {
    const token = await t.issuer.machineToken('robots-owner');
    const view = await t.server.graphql(token, ORG, { slug: 'robots' });
    expect(view.data.organization.viewerRole).toBe('OWNER');
    const before = await t.server.snapshot();
    expectError(await t.server.graphql(token, ADD_MEMBER, { i: { organizationId: org.id, userSubject: 'auth0|robot-friend', role: 'READER' } }), 'FORBIDDEN');
    expectError(await t.server.graphql(token, CHANGE_MEMBER_ROLE, { i: { organizationId: org.id, userId: wes.id, role: 'OWNER' } }), 'FORBIDDEN');
    expectError(await t.server.graphql(token, CHANGE_MEMBER_ROLE, { i: { organizationId: org.id, userId: mona.id, role: 'READER' } }), 'FORBIDDEN');
    expectError(await t.server.graphql(token, REMOVE_MEMBER, { i: { organizationId: org.id, userId: rita.id } }), 'FORBIDDEN');
    expectError(await t.server.graphql(token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-spawn', name: 'Spawn', role: 'OWNER' } }), 'FORBIDDEN');
    expectError(await t.server.graphql(token, REVOKE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-ci' } }), 'FORBIDDEN');
    expect(await t.server.snapshot()).toEqual(before);
  });

  it('revoked clients are refused with HTTP 401, even with a token issued before the revocation', async () => {
    expectOk(await t.server.graphql(mona.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-old', name: 'Old', role: 'WRITER' } }));
    const early = await t.issuer.machineToken('robots-old');
    expect((await t.server.graphql(early, '{ viewer { kind } }')).status).toBe(200);

    const revoked = await t.server.graphql(mona.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-old' } });
    expectOk(revoked);
    expect(revoked.data.revokeMachineClient.machineClient).toMatchObject({ clientId: 'robots-old', revokedAt: expect.any(String) });

    for (const token of [early, await t.issuer.machineToken('robots-old')]) {
      const res = await t.server.graphql(token, ORG, { slug: 'robots' });
      expect(res.status).toBe(401);
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
    }
    const listed = await t.server.graphql(mona.token, ORG_WITH_CLIENTS, { slug: 'robots' });
    const old = listed.data.organization.machineClients.edges.find((e: any) => e.node.clientId === 'robots-old');
    expect(old.node.revokedAt).toEqual(expect.any(String));
  });
});
