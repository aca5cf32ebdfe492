/**
 * Adding a member by email (`addOrganizationMember(userEmail:)`) finds only
 * a user whose identity provider verified that email (`email_verified`,
 * plain or under AUTH_CLAIMS_NAMESPACE). Anyone can sign up with someone
 * else's address: an unverified email is as unknown as no email.
 */
import { describe, expect, it } from 'vitest';
import { ADD_MEMBER } from '../helpers/operations.js';
import { expectError, expectOk } from '../helpers/expect.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const VIEWER = '{ viewer { user { id email emailVerified } } }';

describe('adding a member by email', () => {
  const t = useOrgraph();

  it('an unverified email takes over no invitation: NOT_FOUND, and nothing is written', async () => {
    const org = await t.seed.organization('invites', { owner: 'ivy' });
    const mallory = await t.issuer.userToken('auth0|mallory', { email: 'victor@corp.test', email_verified: false });
    expect(expectOk<any>(await t.server.graphql(mallory, VIEWER)).viewer.user).toMatchObject({ email: 'victor@corp.test', emailVerified: false });
    const before = await t.server.snapshot();
    const res = await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'victor@corp.test', role: 'WRITER' } });
    expect(expectError(res, 'NOT_FOUND').message).toMatch(/verified email/);
    expect(await t.server.snapshot()).toEqual(before);
  });

  it('a token without email_verified leaves the email unverified', async () => {
    const org = await t.seed.organization('invites-unstated', { owner: 'ines' });
    const token = await t.issuer.userToken('auth0|unstated', { email: 'unstated@corp.test', email_verified: undefined });
    expect(expectOk<any>(await t.server.graphql(token, VIEWER)).viewer.user.emailVerified).toBe(false);
    const res = await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'unstated@corp.test', role: 'READER' } });
    expectError(res, 'NOT_FOUND');
  });

  it('the user who verified the address is the one added, even when someone else claims it unverified', async () => {
    const org = await t.seed.organization('invites-verified', { owner: 'vera' });
    const squatter = await t.issuer.userToken('auth0|squatter', { email: 'Victor.Real@corp.test', email_verified: false });
    const victor = await t.issuer.userToken('auth0|victor', { email: 'victor.real@corp.test', email_verified: true });
    expectOk(await t.server.graphql(squatter, VIEWER));
    const victorId = expectOk<any>(await t.server.graphql(victor, VIEWER)).viewer.user.id;
    const added = expectOk<any>(await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'VICTOR.real@corp.test', role: 'READER' } }));
    expect(added.addOrganizationMember.member.user.id).toBe(victorId);
  });

  it('an email verified once and then sent unverified is unverified again', async () => {
    const org = await t.seed.organization('invites-revoked', { owner: 'rita' });
    expectOk(await t.server.graphql(await t.issuer.userToken('auth0|fickle', { email: 'fickle@corp.test', email_verified: true }), VIEWER));
    const now = await t.server.graphql(await t.issuer.userToken('auth0|fickle', { email: 'fickle@corp.test', email_verified: false }), VIEWER);
    expect(expectOk<any>(now).viewer.user.emailVerified).toBe(false);
    expectError(await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'fickle@corp.test', role: 'READER' } }), 'NOT_FOUND');
  });
});

describe('with AUTH_CLAIMS_NAMESPACE', () => {
  const NS = 'https://orgraph.test/';
  const t = useOrgraph({ AUTH_CLAIMS_NAMESPACE: NS });

  it('reads email_verified under the namespace too', async () => {
    const org = await t.seed.organization('invites-ns', { owner: 'nora' });
    const plain = { email: undefined, email_verified: undefined };
    const unverified = await t.issuer.userToken('auth0|ns-unverified', { ...plain, [`${NS}email`]: 'ns.one@corp.test', [`${NS}email_verified`]: false });
    const verified = await t.issuer.userToken('auth0|ns-verified', { ...plain, [`${NS}email`]: 'ns.two@corp.test', [`${NS}email_verified`]: true });
    expectOk(await t.server.graphql(unverified, VIEWER));
    expectOk(await t.server.graphql(verified, VIEWER));
    expectError(await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'ns.one@corp.test', role: 'READER' } }), 'NOT_FOUND');
    expectOk(await t.server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'ns.two@corp.test', role: 'READER' } }));
  });
});
