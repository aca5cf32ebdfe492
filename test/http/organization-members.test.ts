/**
 * FloxHub organizations and their members (seeds/000_9ae949426edc673f.txt,
 * PRODUCT.md's access model), sentence by sentence: the creator is the first
 * owner, a user belongs to several organizations, owners add members by
 * subject or by verified email and change or remove them, writers and readers
 * cannot. Over HTTP with real signed tokens from an issuer on loopback.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, expectError, expectOk } from '../helpers/expect.js';
import { ADD_MEMBER, CREATE_MACHINE_CLIENT, CREATE_ORGANIZATION, ORGANIZATIONS, REVOKE_MACHINE_CLIENT } from '../helpers/operations.js';
import { ORG, organizationChecks } from '../helpers/organizations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const { rolesIn, addMember, changeRole, removeMember } = organizationChecks(t);

describe('createOrganization', () => {
  it('makes the caller its OWNER: viewerRole OWNER, and the members list shows them as OWNER', async () => {
    const alice = await t.seed.person('alice');
    const res = await t.server.graphql(alice.token, CREATE_ORGANIZATION, { i: { slug: 'founded', name: 'Founded Inc' } });
    expectOk(res);
    const org = res.data.createOrganization.organization;
    expect(org).toMatchObject({ slug: 'founded', name: 'Founded Inc', viewerRole: 'OWNER' });
    expect(org.members.edges.map((e: any) => e.node)).toEqual([{ role: 'OWNER', user: { id: alice.id, subject: alice.subject } }]);

    expect(await rolesIn('founded', alice)).toEqual({ [alice.subject]: 'OWNER' });
    const list = await t.server.graphql(alice.token, ORGANIZATIONS);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toContainEqual({ slug: 'founded', viewerRole: 'OWNER' });
  });

  it('is refused to machine principals (FORBIDDEN): a machine token acts as its organization, it cannot found another', async () => {
    const org = await t.seed.organization('has-ci', { owner: 'hank' });
    expectOk(await t.server.graphql(org.owner.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: 'has-ci-owner', name: 'CI', role: 'OWNER' } }));
    const before = await t.server.snapshot();
    const res = await t.server.graphql(await t.issuer.machineToken('has-ci-owner'), CREATE_ORGANIZATION, { i: { slug: 'by-a-robot', name: 'Robot' } });
    expectError(res, 'FORBIDDEN');
    expect(res.data).toBeNull();
    expect(await t.server.snapshot()).toEqual(before);
  });

  it('is refused to anonymous callers (UNAUTHENTICATED)', async () => {
    const before = await t.server.snapshot();
    const res = await t.server.graphql(null, CREATE_ORGANIZATION, { i: { slug: 'by-nobody', name: 'Nobody' } });
    expect(codeOf(res), res.raw).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
    expect(await t.server.snapshot()).toEqual(before);
  });
});

describe('user membership', () => {
  it('a user can belong to more than one organization, with a role in each', async () => {
    await t.seed.organization('multi-one', { owner: 'mia' });
    await t.seed.organization('multi-two', { owner: 'max', writers: ['mia'] });
    await t.seed.organization('multi-three', { owner: 'mel', readers: ['mia'] });
    await t.seed.organization('multi-none', { owner: 'max' });
    const mia = await t.seed.person('mia');

    const list = await t.server.graphql(mia.token, ORGANIZATIONS);
    expectOk(list);
    const seen = list.data.organizations.edges.map((e: any) => e.node).sort((a: any, b: any) => a.slug.localeCompare(b.slug));
    expect(seen).toEqual([
      { slug: 'multi-one', viewerRole: 'OWNER' },
      { slug: 'multi-three', viewerRole: 'READER' },
      { slug: 'multi-two', viewerRole: 'WRITER' },
    ]);
    for (const [slug, role] of [['multi-one', 'OWNER'], ['multi-two', 'WRITER'], ['multi-three', 'READER']] as const) {
      const one = await t.server.graphql(mia.token, ORG, { slug });
      expect(one.data.organization.viewerRole).toBe(role);
    }
  });
});

describe('owners add members', () => {
  it('by userSubject, creating the user record when that user has never signed in', async () => {
    const org = await t.seed.organization('by-subject', { owner: 'sam' });
    const subject = 'auth0|never-signed-in-1';
    expect((await t.server.snapshot()).users!.some((u: any) => u.subject === subject)).toBe(false);

    const added = await addMember(org.owner, org.id, subject, 'WRITER');
    expectOk(added);
    const member = added.data.addOrganizationMember.member;
    expect(member).toMatchObject({ role: 'WRITER', user: { subject } });
    expect((await t.server.snapshot()).users!.filter((u: any) => u.subject === subject)).toHaveLength(1);
    expect(await rolesIn('by-subject', org.owner)).toEqual({ [org.owner.subject]: 'OWNER', [subject]: 'WRITER' });

    // Later they sign in: the token's subject maps to the record created for them.
    const token = await t.issuer.userToken(subject, { email: 'late@example.test' });
    const viewer = await t.server.graphql(token, '{ viewer { kind user { id subject email } } }');
    expect(viewer.data.viewer).toEqual({ kind: 'USER', user: { id: member.user.id, subject, email: 'late@example.test' } });
    const list = await t.server.graphql(token, ORGANIZATIONS);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'by-subject', viewerRole: 'WRITER' }]);
    expect((await t.server.snapshot()).users!.filter((u: any) => u.subject === subject)).toHaveLength(1);
  });

  it('by userEmail, which needs a user who has signed in (the email comes from their token)', async () => {
    const org = await t.seed.organization('by-email', { owner: 'eva' });
    // erin signs in with a token whose `email` claim is her address.
    const erinToken = await t.issuer.userToken('auth0|erin', { email: 'erin.e@corp.test' });
    const erin = await t.server.graphql(erinToken, '{ viewer { user { id subject email } } }');
    expect(erin.data.viewer.user.email).toBe('erin.e@corp.test');

    const added = await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'erin.e@corp.test', role: 'READER' } });
    expectOk(added);
    expect(added.data.addOrganizationMember.member).toEqual({ role: 'READER', user: { id: erin.data.viewer.user.id, subject: 'auth0|erin' } });
    const list = await t.server.graphql(erinToken, ORGANIZATIONS);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'by-email', viewerRole: 'READER' }]);
  });

  it('by userEmail fails with NOT_FOUND for an address nobody has signed in with, and adds no one', async () => {
    const org = await t.seed.organization('by-email-unknown', { owner: 'eli' });
    // A user added by subject who never signed in has no email yet.
    expectOk(await addMember(org.owner, org.id, 'auth0|ghost', 'READER'));
    const before = await t.server.snapshot();
    for (const userEmail of ['nobody@nowhere.test', 'ghost@example.test']) {
      const res = await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail, role: 'READER' } });
      expectError(res, 'NOT_FOUND');
    }
    expect(await t.server.snapshot()).toEqual(before);
  });
});

describe('owners manage members; writers and readers cannot', () => {
  let org: SeededOrganization;
  let omar: Person, wanda: Person, ray: Person, tia: Person;

  beforeAll(async () => {
    org = await t.seed.organization('managed', { owner: 'omar', writers: ['wanda'], readers: ['ray', 'tia'] });
    [omar, wanda, ray, tia] = [org.owner, org.members.wanda!, org.members.ray!, org.members.tia!];
  });

  it('owners change a member’s role', async () => {
    const up = await changeRole(omar, org.id, tia, 'WRITER');
    expectOk(up);
    expect(up.data.changeOrganizationMemberRole.member).toEqual({ role: 'WRITER', user: { id: tia.id, subject: tia.subject } });
    expect((await rolesIn('managed', omar))[tia.subject]).toBe('WRITER');
    const tiaView = await t.server.graphql(tia.token, ORG, { slug: 'managed' });
    expect(tiaView.data.organization.viewerRole).toBe('WRITER');

    expectOk(await changeRole(omar, org.id, tia, 'OWNER'));
    expect((await rolesIn('managed', omar))[tia.subject]).toBe('OWNER');
    expectOk(await changeRole(omar, org.id, tia, 'READER'));
    expect((await rolesIn('managed', omar))[tia.subject]).toBe('READER');
  });

  for (const who of ['wanda', 'ray'] as const) {
    const label = who === 'wanda' ? 'a WRITER' : 'a READER';

    it(`${label} cannot add, change or remove members (FORBIDDEN), nor promote themselves`, async () => {
      const actor = who === 'wanda' ? wanda : ray;
      const newcomer = await t.seed.person(`newcomer-of-${who}`);
      const before = await t.server.snapshot();
      expectError(await addMember(actor, org.id, newcomer, 'READER'), 'FORBIDDEN');
      expectError(await t.server.graphql(actor.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: `newcomer-of-${who}@example.test`, role: 'READER' } }), 'FORBIDDEN');
      expectError(await changeRole(actor, org.id, tia, 'WRITER'), 'FORBIDDEN');
      expectError(await changeRole(actor, org.id, omar, 'READER'), 'FORBIDDEN');
      expectError(await changeRole(actor, org.id, actor, 'OWNER'), 'FORBIDDEN');
      expectError(await removeMember(actor, org.id, tia), 'FORBIDDEN');
      expectError(await removeMember(actor, org.id, omar), 'FORBIDDEN');
      expect(await t.server.snapshot()).toEqual(before);
      expect(await rolesIn('managed', omar)).toEqual({
        [omar.subject]: 'OWNER',
        [wanda.subject]: 'WRITER',
        [ray.subject]: 'READER',
        [tia.subject]: 'READER',
      });
    });

    it(`${label} cannot create or revoke machine clients (FORBIDDEN)`, async () => {
      const actor = who === 'wanda' ? wanda : ray;
      expectOk(await t.server.graphql(omar.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: `managed-${who}-target`, name: 'Target', role: 'READER' } }));
      const before = await t.server.snapshot();
      for (const role of ['READER', 'WRITER', 'OWNER']) {
        const res = await t.server.graphql(actor.token, CREATE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: `managed-${who}-${role}`, name: 'Mine', role } });
        expectError(res, 'FORBIDDEN');
      }
      expectError(await t.server.graphql(actor.token, REVOKE_MACHINE_CLIENT, { i: { organizationId: org.id, clientId: `managed-${who}-target` } }), 'FORBIDDEN');
      expect(await t.server.snapshot()).toEqual(before);
    });
  }

  it('owners remove a member, who then no longer sees the organization', async () => {
    const res = await removeMember(omar, org.id, tia);
    expectOk(res);
    expect(res.data.removeOrganizationMember.removedUserId).toBe(tia.id);
    const remaining = res.data.removeOrganizationMember.organization.members.edges.map((e: any) => e.node.user.subject);
    expect(remaining).not.toContain(tia.subject);
    expect(Object.keys(await rolesIn('managed', omar)).sort()).toEqual([omar.subject, ray.subject, wanda.subject].sort());

    const tiaView = await t.server.graphql(tia.token, ORG, { slug: 'managed' });
    expect(tiaView.data.organization).toBeNull();
    const tiaList = await t.server.graphql(tia.token, ORGANIZATIONS);
    expect(tiaList.data.organizations.edges.map((e: any) => e.node.slug)).not.toContain('managed');
  });
});
