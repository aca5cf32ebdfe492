/**
 * An organization is visible to its members and machine clients only, the
 * same on every path: organization(slug:), node(id:) and organizations read
 * null or leave it out for anyone else, and a mutation against it answers
 * NOT_FOUND word for word as for one that does not exist.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { codes, expectError, expectOk } from '../helpers/expect.js';
import { missingId } from '../helpers/ids.js';
import { ADD_MEMBER, CHANGE_MEMBER_ROLE, CREATE_MACHINE_CLIENT, REMOVE_MEMBER, REVOKE_MACHINE_CLIENT, UPDATE_ORGANIZATION } from '../helpers/operations.js';
import { ORG, organizationChecks } from '../helpers/organizations.js';
import type { Person, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
const SLUG_ONLY = 'query($slug: String!) { organization(slug: $slug) { id slug name viewerRole } }';
const { addMember, removeMember } = organizationChecks(t);

describe('visibility is the same on every path', () => {
  let hidden: SeededOrganization;
  let hiddenClientId: string;
  let otto: Person;

  beforeAll(async () => {
    hidden = await t.seed.organization('hidden', { owner: 'hana', writers: ['hugo'] });
    const client = await t.server.graphql(hidden.owner.token, CREATE_MACHINE_CLIENT, { i: { organizationId: hidden.id, clientId: 'hidden-ci', name: 'Hidden CI', role: 'READER' } });
    expectOk(client);
    hiddenClientId = client.data.createMachineClient.machineClient.id;
    await t.seed.organization('ottos-own', { owner: 'otto' });
    otto = await t.seed.person('otto');
    expectOk(await t.server.graphql(otto.token, CREATE_MACHINE_CLIENT, {
      i: { organizationId: (await t.server.graphql(otto.token, ORG, { slug: 'ottos-own' })).data.organization.id, clientId: 'ottos-ci', name: 'Otto CI', role: 'OWNER' },
    }));
  });

  const outsiders = () => [
    ['a user who is not a member', async () => otto.token],
    ['a machine client of another organization', async () => t.issuer.machineToken('ottos-ci')],
  ] as const;

  it('a non-member gets null from organization(slug:) and node(id:), and the organization is absent from organizations', async () => {
    for (const [label, tokenOf] of outsiders()) {
      const token = await tokenOf();
      const res = await t.server.graphql(token, `query($org: ID!, $client: ID!, $owner: ID!) {
        organization(slug: "hidden") { id slug }
        org: node(id: $org) { id }
        client: node(id: $client) { id }
        owner: node(id: $owner) { id }
        organizations(first: 100) { edges { node { slug } } }
      }`, { org: hidden.id, client: hiddenClientId, owner: hidden.owner.id });
      expect(res.errors, `${label}: ${res.raw}`).toBeUndefined();
      expect(res.data.organization, label).toBeNull();
      expect(res.data.org, label).toBeNull();
      expect(res.data.client, label).toBeNull();
      expect(res.data.owner, label).toBeNull();
      const slugs = res.data.organizations.edges.map((e: any) => e.node.slug);
      expect(slugs, label).toEqual(['ottos-own']);
    }
    // The members do see it, on every path.
    const hugo = hidden.members.hugo!;
    const member = await t.server.graphql(hugo.token, `query($org: ID!) { organization(slug: "hidden") { id } node(id: $org) { id } }`, { org: hidden.id });
    expect(member.data).toEqual({ organization: { id: hidden.id }, node: { id: hidden.id } });
  });

  it('a mutation against it gives NOT_FOUND, exactly as for an organization that does not exist, never FORBIDDEN', async () => {
    const hugo = hidden.members.hugo!;
    const mutations = (organizationId: string): [string, string, Record<string, unknown>][] => [
      ['addOrganizationMember', ADD_MEMBER, { organizationId, userSubject: 'auth0|sneaky', role: 'OWNER' }],
      ['addOrganizationMember by email', ADD_MEMBER, { organizationId, userEmail: 'otto@example.test', role: 'OWNER' }],
      ['changeOrganizationMemberRole', CHANGE_MEMBER_ROLE, { organizationId, userId: hugo.id, role: 'OWNER' }],
      ['removeOrganizationMember', REMOVE_MEMBER, { organizationId, userId: hugo.id }],
      ['createMachineClient', CREATE_MACHINE_CLIENT, { organizationId, clientId: `sneaky-${randomUUID()}`, name: 'Sneaky', role: 'OWNER' }],
      ['revokeMachineClient', REVOKE_MACHINE_CLIENT, { organizationId, clientId: 'hidden-ci' }],
      ['updateOrganization', UPDATE_ORGANIZATION, { organizationId, name: 'Pwned' }],
    ];
    const before = await t.server.snapshot();
    for (const [label, tokenOf] of outsiders()) {
      const token = await tokenOf();
      const real = mutations(hidden.id);
      const missing = mutations(missingId('Organization'));
      for (let i = 0; i < real.length; i++) {
        const [name, query, input] = real[i]!;
        const res = await t.server.graphql(token, query, { i: input });
        const what = `${label}, ${name}: ${res.raw}`;
        expect(res.status, what).toBe(200);
        expect(codes(res), what).toEqual(['NOT_FOUND']);
        expect(res.data, what).toBeNull();
        // No existence leak: the same answer as for an organization that does not exist.
        const [, missingQuery, missingInput] = missing[i]!;
        const absent = await t.server.graphql(token, missingQuery, { i: missingInput });
        expect(absent.errors?.map((e) => [e.extensions?.code, e.message]), what).toEqual(res.errors!.map((e) => [e.extensions?.code, e.message]));
      }
    }
    expect(await t.server.snapshot()).toEqual(before);
  });

  it('organization(slug:) costs no statement of its own, whether the organization is the caller\'s, hidden, or absent', async () => {
    const callers = [
      ['a member', hidden.owner.token],
      ['a machine client of it', await t.issuer.machineToken('hidden-ci')],
      ...(await Promise.all(outsiders().map(async ([who, token]) => [who, await token()] as const))),
    ] as const;
    const statements = () => t.server.metric('orgraph_db_statements_total');
    for (const [who, token] of callers) {
      // The principal is then known (kept until a write), and its first sight recorded.
      expectOk(await t.server.graphql(token, '{ viewer { kind } }'));
      for (let last = NaN, now = await statements(); now !== last; last = now, now = await statements()) await new Promise((r) => setTimeout(r, 100));
      for (const slug of ['hidden', 'ottos-own', 'no-such-organization']) {
        const before = await statements();
        const res = await t.server.graphql(token, SLUG_ONLY, { slug });
        expect(res.errors, `${who}, ${slug}`).toBeUndefined();
        expect((await statements()) - before, `${who}, ${slug}`).toBe(0);
      }
    }
  });

  it('a member who is removed loses it on every path too', async () => {
    const org = await t.seed.organization('left-behind', { owner: 'lara', writers: ['leo'] });
    const leo = org.members.leo!;
    expectOk(await removeMember(org.owner, org.id, leo));
    const res = await t.server.graphql(leo.token, `query($org: ID!) { organization(slug: "left-behind") { id } node(id: $org) { id } organizations { edges { node { slug } } } }`, { org: org.id });
    expect(res.data.organization).toBeNull();
    expect(res.data.node).toBeNull();
    expect(res.data.organizations.edges.map((e: any) => e.node.slug)).not.toContain('left-behind');
    expectError(await addMember(leo, org.id, leo, 'OWNER'), 'NOT_FOUND');
  });
});
