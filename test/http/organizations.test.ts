/**
 * The FloxHub organization rules (seeds/000_9ae949426edc673f.txt, PRODUCT.md's
 * access model), sentence by sentence, over HTTP with real signed tokens from
 * an issuer on loopback.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../helpers/database.js';
import { startIssuer, type TestIssuer } from '../helpers/issuer.js';
import { startOrgraph, type GraphQLResponse, type TestOrgraph } from '../helpers/orgraph.js';
import { ADD_MEMBER, seedFor, type Person, type SeededOrganization } from '../helpers/seed.js';

/** Real concurrency needs a real server: PGlite runs one transaction at a time, so fewer rounds there. */
const RACE_ROUNDS = engine === 'postgres' ? 100 : 24;

let issuer: TestIssuer;
let server: TestOrgraph;
let seed: ReturnType<typeof seedFor>;

beforeAll(async () => {
  issuer = await startIssuer();
  server = await startOrgraph(issuer);
  seed = seedFor(server, issuer);
});

afterAll(async () => {
  await server?.stop();
  await issuer?.stop();
});

// ---------------------------------------------------------------------------
// Operations, exactly as clients send them.

const CREATE_ORG = `mutation($i: CreateOrganizationInput!) {
  createOrganization(input: $i) {
    organization { id slug name viewerRole members { edges { node { role user { id subject } } } } }
  }
}`;
const CHANGE_ROLE = `mutation($i: ChangeOrganizationMemberRoleInput!) {
  changeOrganizationMemberRole(input: $i) { member { role user { id subject } } }
}`;
const REMOVE_MEMBER = `mutation($i: RemoveOrganizationMemberInput!) {
  removeOrganizationMember(input: $i) { removedUserId organization { slug members { edges { node { role user { subject } } } } } }
}`;
const CREATE_CLIENT = `mutation($i: CreateMachineClientInput!) {
  createMachineClient(input: $i) { machineClient { id clientId name role revokedAt organization { slug } } }
}`;
const REVOKE_CLIENT = `mutation($i: RevokeMachineClientInput!) {
  revokeMachineClient(input: $i) { machineClient { id clientId revokedAt } }
}`;
const UPDATE_ORG = `mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { name } } }`;

const ORG = `query($slug: String!) {
  organization(slug: $slug) { id slug viewerRole members { edges { node { role user { id subject } } } } }
}`;
const ORG_WITH_CLIENTS = `query($slug: String!) {
  organization(slug: $slug) { slug viewerRole machineClients { edges { node { clientId name role revokedAt } } } }
}`;
const ORG_WITH_AUDIT = `query($slug: String!) {
  organization(slug: $slug) {
    slug viewerRole
    auditLog(first: 100) {
      edges { node { operation outcome actorKind targetId details actorUser { id subject } actorMachineClient { clientId } } }
    }
  }
}`;
const ORG_LIST = '{ organizations(first: 100) { edges { node { slug viewerRole } } } }';

// ---------------------------------------------------------------------------
// Small local helpers.

const codeOf = (res: GraphQLResponse) => res.errors?.[0]?.extensions?.code;
const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);

/** Expects the request to fail with exactly this error code (and no data for the mutation). */
function expectError(res: GraphQLResponse, code: string) {
  expect(res.status, res.raw).toBe(200);
  expect(codes(res), res.raw).toEqual([code]);
}

function expectOk(res: GraphQLResponse) {
  expect(res.status, res.raw).toBe(200);
  expect(res.errors, res.raw).toBeUndefined();
}

/** subject -> role of every member, read by `viewer` (who must see the organization). */
async function rolesIn(slug: string, viewer: Person): Promise<Record<string, string>> {
  const res = await server.graphql(viewer.token, ORG, { slug });
  expectOk(res);
  expect(res.data.organization, `${viewer.subject} cannot see ${slug}`).not.toBeNull();
  return Object.fromEntries(res.data.organization.members.edges.map((e: any) => [e.node.user.subject, e.node.role]));
}

const ownersOf = (roles: Record<string, string>) => Object.keys(roles).filter((s) => roles[s] === 'OWNER').sort();

async function addMember(owner: Person, organizationId: string, who: Person | string, role: string) {
  const userSubject = typeof who === 'string' ? who : who.subject;
  return server.graphql(owner.token, ADD_MEMBER, { i: { organizationId, userSubject, role } });
}

const changeRole = (actor: Person, organizationId: string, target: Person, role: string) =>
  server.graphql(actor.token, CHANGE_ROLE, { i: { organizationId, userId: target.id, role } });

const removeMember = (actor: Person, organizationId: string, target: Person) =>
  server.graphql(actor.token, REMOVE_MEMBER, { i: { organizationId, userId: target.id } });

async function auditCount(): Promise<number> {
  return (await server.snapshot()).audit_events!.length;
}

/** A well-formed global ID of an organization that does not exist. */
const missingOrganizationId = () => Buffer.from(`Organization:${randomUUID()}`).toString('base64url');

// ---------------------------------------------------------------------------

describe('createOrganization', () => {
  it('makes the caller its OWNER: viewerRole OWNER, and the members list shows them as OWNER', async () => {
    const alice = await seed.person('alice');
    const res = await server.graphql(alice.token, CREATE_ORG, { i: { slug: 'founded', name: 'Founded Inc' } });
    expectOk(res);
    const org = res.data.createOrganization.organization;
    expect(org).toMatchObject({ slug: 'founded', name: 'Founded Inc', viewerRole: 'OWNER' });
    expect(org.members.edges.map((e: any) => e.node)).toEqual([{ role: 'OWNER', user: { id: alice.id, subject: alice.subject } }]);

    expect(await rolesIn('founded', alice)).toEqual({ [alice.subject]: 'OWNER' });
    const list = await server.graphql(alice.token, ORG_LIST);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toContainEqual({ slug: 'founded', viewerRole: 'OWNER' });
  });

  it('is refused to machine principals (FORBIDDEN): a machine token acts as its organization, it cannot found another', async () => {
    const org = await seed.organization('has-ci', { owner: 'hank' });
    expectOk(await server.graphql(org.owner.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'has-ci-owner', name: 'CI', role: 'OWNER' } }));
    const before = await server.snapshot();
    const res = await server.graphql(await issuer.machineToken('has-ci-owner'), CREATE_ORG, { i: { slug: 'by-a-robot', name: 'Robot' } });
    expectError(res, 'FORBIDDEN');
    expect(res.data).toBeNull();
    expect(await server.snapshot()).toEqual(before);
  });

  it('is refused to anonymous callers (UNAUTHENTICATED)', async () => {
    const before = await server.snapshot();
    const res = await server.graphql(null, CREATE_ORG, { i: { slug: 'by-nobody', name: 'Nobody' } });
    expect(codeOf(res), res.raw).toBe('UNAUTHENTICATED');
    expect(res.data ?? null).toBeNull();
    expect(await server.snapshot()).toEqual(before);
  });
});

describe('user membership', () => {
  it('a user can belong to more than one organization, with a role in each', async () => {
    await seed.organization('multi-one', { owner: 'mia' });
    await seed.organization('multi-two', { owner: 'max', writers: ['mia'] });
    await seed.organization('multi-three', { owner: 'mel', readers: ['mia'] });
    await seed.organization('multi-none', { owner: 'max' });
    const mia = await seed.person('mia');

    const list = await server.graphql(mia.token, ORG_LIST);
    expectOk(list);
    const seen = list.data.organizations.edges.map((e: any) => e.node).sort((a: any, b: any) => a.slug.localeCompare(b.slug));
    expect(seen).toEqual([
      { slug: 'multi-one', viewerRole: 'OWNER' },
      { slug: 'multi-three', viewerRole: 'READER' },
      { slug: 'multi-two', viewerRole: 'WRITER' },
    ]);
    for (const [slug, role] of [['multi-one', 'OWNER'], ['multi-two', 'WRITER'], ['multi-three', 'READER']] as const) {
      const one = await server.graphql(mia.token, ORG, { slug });
      expect(one.data.organization.viewerRole).toBe(role);
    }
  });
});

describe('owners add members', () => {
  it('by userSubject, creating the user record when that user has never signed in', async () => {
    const org = await seed.organization('by-subject', { owner: 'sam' });
    const subject = 'auth0|never-signed-in-1';
    expect((await server.snapshot()).users!.some((u: any) => u.subject === subject)).toBe(false);

    const added = await addMember(org.owner, org.id, subject, 'WRITER');
    expectOk(added);
    const member = added.data.addOrganizationMember.member;
    expect(member).toMatchObject({ role: 'WRITER', user: { subject } });
    expect((await server.snapshot()).users!.filter((u: any) => u.subject === subject)).toHaveLength(1);
    expect(await rolesIn('by-subject', org.owner)).toEqual({ [org.owner.subject]: 'OWNER', [subject]: 'WRITER' });

    // Later they sign in: the token's subject maps to the record created for them.
    const token = await issuer.userToken(subject, { email: 'late@example.test' });
    const viewer = await server.graphql(token, '{ viewer { kind user { id subject email } } }');
    expect(viewer.data.viewer).toEqual({ kind: 'USER', user: { id: member.user.id, subject, email: 'late@example.test' } });
    const list = await server.graphql(token, ORG_LIST);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'by-subject', viewerRole: 'WRITER' }]);
    expect((await server.snapshot()).users!.filter((u: any) => u.subject === subject)).toHaveLength(1);
  });

  it('by userEmail, which needs a user who has signed in (the email comes from their token)', async () => {
    const org = await seed.organization('by-email', { owner: 'eva' });
    // erin signs in with a token whose `email` claim is her address.
    const erinToken = await issuer.userToken('auth0|erin', { email: 'erin.e@corp.test' });
    const erin = await server.graphql(erinToken, '{ viewer { user { id subject email } } }');
    expect(erin.data.viewer.user.email).toBe('erin.e@corp.test');

    const added = await server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: 'erin.e@corp.test', role: 'READER' } });
    expectOk(added);
    expect(added.data.addOrganizationMember.member).toEqual({ role: 'READER', user: { id: erin.data.viewer.user.id, subject: 'auth0|erin' } });
    const list = await server.graphql(erinToken, ORG_LIST);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'by-email', viewerRole: 'READER' }]);
  });

  it('by userEmail fails with NOT_FOUND for an address nobody has signed in with, and adds no one', async () => {
    const org = await seed.organization('by-email-unknown', { owner: 'eli' });
    // A user added by subject who never signed in has no email yet.
    expectOk(await addMember(org.owner, org.id, 'auth0|ghost', 'READER'));
    const before = await server.snapshot();
    for (const userEmail of ['nobody@nowhere.test', 'ghost@example.test']) {
      const res = await server.graphql(org.owner.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail, role: 'READER' } });
      expectError(res, 'NOT_FOUND');
    }
    expect(await server.snapshot()).toEqual(before);
  });
});

describe('owners manage members; writers and readers cannot', () => {
  let org: SeededOrganization;
  let omar: Person, wanda: Person, ray: Person, tia: Person;

  beforeAll(async () => {
    org = await seed.organization('managed', { owner: 'omar', writers: ['wanda'], readers: ['ray', 'tia'] });
    [omar, wanda, ray, tia] = [org.owner, org.members.wanda!, org.members.ray!, org.members.tia!];
  });

  it('owners change a member’s role', async () => {
    const up = await changeRole(omar, org.id, tia, 'WRITER');
    expectOk(up);
    expect(up.data.changeOrganizationMemberRole.member).toEqual({ role: 'WRITER', user: { id: tia.id, subject: tia.subject } });
    expect((await rolesIn('managed', omar))[tia.subject]).toBe('WRITER');
    const tiaView = await server.graphql(tia.token, ORG, { slug: 'managed' });
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
      const newcomer = await seed.person(`newcomer-of-${who}`);
      const before = await server.snapshot();
      expectError(await addMember(actor, org.id, newcomer, 'READER'), 'FORBIDDEN');
      expectError(await server.graphql(actor.token, ADD_MEMBER, { i: { organizationId: org.id, userEmail: `newcomer-of-${who}@example.test`, role: 'READER' } }), 'FORBIDDEN');
      expectError(await changeRole(actor, org.id, tia, 'WRITER'), 'FORBIDDEN');
      expectError(await changeRole(actor, org.id, omar, 'READER'), 'FORBIDDEN');
      expectError(await changeRole(actor, org.id, actor, 'OWNER'), 'FORBIDDEN');
      expectError(await removeMember(actor, org.id, tia), 'FORBIDDEN');
      expectError(await removeMember(actor, org.id, omar), 'FORBIDDEN');
      expect(await server.snapshot()).toEqual(before);
      expect(await rolesIn('managed', omar)).toEqual({
        [omar.subject]: 'OWNER',
        [wanda.subject]: 'WRITER',
        [ray.subject]: 'READER',
        [tia.subject]: 'READER',
      });
    });

    it(`${label} cannot create or revoke machine clients (FORBIDDEN)`, async () => {
      const actor = who === 'wanda' ? wanda : ray;
      expectOk(await server.graphql(omar.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: `managed-${who}-target`, name: 'Target', role: 'READER' } }));
      const before = await server.snapshot();
      for (const role of ['READER', 'WRITER', 'OWNER']) {
        const res = await server.graphql(actor.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: `managed-${who}-${role}`, name: 'Mine', role } });
        expectError(res, 'FORBIDDEN');
      }
      expectError(await server.graphql(actor.token, REVOKE_CLIENT, { i: { organizationId: org.id, clientId: `managed-${who}-target` } }), 'FORBIDDEN');
      expect(await server.snapshot()).toEqual(before);
    });
  }

  it('owners remove a member, who then no longer sees the organization', async () => {
    const res = await removeMember(omar, org.id, tia);
    expectOk(res);
    expect(res.data.removeOrganizationMember.removedUserId).toBe(tia.id);
    const remaining = res.data.removeOrganizationMember.organization.members.edges.map((e: any) => e.node.user.subject);
    expect(remaining).not.toContain(tia.subject);
    expect(Object.keys(await rolesIn('managed', omar)).sort()).toEqual([omar.subject, ray.subject, wanda.subject].sort());

    const tiaView = await server.graphql(tia.token, ORG, { slug: 'managed' });
    expect(tiaView.data.organization).toBeNull();
    const tiaList = await server.graphql(tia.token, ORG_LIST);
    expect(tiaList.data.organizations.edges.map((e: any) => e.node.slug)).not.toContain('managed');
  });
});

describe('owners may not modify their own role or remove themselves', () => {
  it('even when the organization has other owners (FORBIDDEN)', async () => {
    const org = await seed.organization('selfish', { owner: 'ola', owners: ['oscar'] });
    const [ola, oscar] = [org.owner, org.members.oscar!];
    const before = await server.snapshot();
    for (const owner of [ola, oscar]) {
      expectError(await changeRole(owner, org.id, owner, 'WRITER'), 'FORBIDDEN');
      expectError(await changeRole(owner, org.id, owner, 'READER'), 'FORBIDDEN');
      expectError(await removeMember(owner, org.id, owner), 'FORBIDDEN');
    }
    expect(await server.snapshot()).toEqual(before);
    expect(await rolesIn('selfish', ola)).toEqual({ [ola.subject]: 'OWNER', [oscar.subject]: 'OWNER' });
  });
});

describe('the organization must have at least one owner', () => {
  it('with two owners A and B, A demotes B; now B, a writer, cannot demote A (FORBIDDEN)', async () => {
    const org = await seed.organization('two-owners', { owner: 'amy', owners: ['bob'] });
    const [amy, bob] = [org.owner, org.members.bob!];
    expectOk(await changeRole(amy, org.id, bob, 'WRITER'));
    expect(await rolesIn('two-owners', amy)).toEqual({ [amy.subject]: 'OWNER', [bob.subject]: 'WRITER' });

    expectError(await changeRole(bob, org.id, amy, 'WRITER'), 'FORBIDDEN');
    expectError(await removeMember(bob, org.id, amy), 'FORBIDDEN');
    expectError(await changeRole(bob, org.id, bob, 'OWNER'), 'FORBIDDEN');
    expect(await rolesIn('two-owners', amy)).toEqual({ [amy.subject]: 'OWNER', [bob.subject]: 'WRITER' });
  });

  it('no sequence of role changes and removals, by anyone, ever leaves it without an owner', async () => {
    // A seeded random walk over every action any of four people can take,
    // checked step by step against the rules: the organization ends every
    // step with at least one owner, and each request has the predicted outcome.
    const names = ['walk-a', 'walk-b', 'walk-c', 'walk-d'];
    const org = await seed.organization('random-walk', { owner: 'walk-a', writers: ['walk-b'], readers: ['walk-c'] });
    const people = await Promise.all(names.map((n) => seed.person(n)));
    const model = new Map<string, string>([
      ['auth0|walk-a', 'OWNER'],
      ['auth0|walk-b', 'WRITER'],
      ['auth0|walk-c', 'READER'],
    ]);
    let state = 0x2545f491;
    const random = (n: number) => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const roles = ['OWNER', 'WRITER', 'READER'];
    let successes = 0;
    for (let step = 0; step < 120; step++) {
      // Bias the actor towards current owners so that the walk actually changes things.
      const owners = people.filter((p) => model.get(p.subject) === 'OWNER');
      const actor = random(3) === 0 ? people[random(people.length)]! : owners[random(owners.length)]!;
      const target = people[random(people.length)]!;
      const op = random(3);
      const role = roles[random(3)]!;
      const actorRole = model.get(actor.subject);
      const targetRole = model.get(target.subject);
      const ownerCount = [...model.values()].filter((r) => r === 'OWNER').length;

      let res: GraphQLResponse;
      let expected: string | null;
      if (op === 0) {
        res = await addMember(actor, org.id, target, role);
        expected = !actorRole ? 'NOT_FOUND' : actorRole !== 'OWNER' ? 'FORBIDDEN' : targetRole ? 'CONFLICT' : null;
        if (expected === null) model.set(target.subject, role);
      } else if (op === 1) {
        res = await changeRole(actor, org.id, target, role);
        expected = expectedForMemberChange(actorRole, actor === target, targetRole, targetRole === 'OWNER' && role !== 'OWNER' && ownerCount <= 1);
        if (expected === null) model.set(target.subject, role);
      } else {
        res = await removeMember(actor, org.id, target);
        expected = expectedForMemberChange(actorRole, actor === target, targetRole, targetRole === 'OWNER' && ownerCount <= 1);
        if (expected === null) model.delete(target.subject);
      }
      const what = `step ${step}: ${actor.subject} ${['add', 'change', 'remove'][op]} ${target.subject} ${role}: ${res.raw}`;
      if (expected === null) {
        successes++;
        expect(res.errors, what).toBeUndefined();
      } else {
        expect(codes(res), what).toEqual([expected]);
      }
      const anOwner = people.find((p) => model.get(p.subject) === 'OWNER')!;
      const actual = await rolesIn('random-walk', anOwner);
      expect(actual, what).toEqual(Object.fromEntries(model));
      expect(ownersOf(actual).length, what).toBeGreaterThanOrEqual(1);
    }
    expect(successes).toBeGreaterThan(10);
  });

  it(`two owners demoting each other at the same moment: exactly one wins, the other is refused, an owner always remains (${RACE_ROUNDS} rounds)`, async () => {
    const ann = await seed.person('ann');
    const ben = await seed.person('ben');
    for (let round = 0; round < RACE_ROUNDS; round++) {
      // A fresh organization whose only owners are ann and ben.
      const org = await seed.organization(`race-demote-${round}`, { owner: 'ann', owners: ['ben'] });
      const demoted = round % 2 === 0 ? 'WRITER' : 'READER';
      const [annDemotesBen, benDemotesAnn] = await Promise.all([
        changeRole(ann, org.id, ben, demoted),
        changeRole(ben, org.id, ann, demoted),
      ]);
      const ok = [annDemotesBen, benDemotesAnn].filter((r) => r.errors === undefined);
      const refused = [annDemotesBen, benDemotesAnn].filter((r) => r.errors !== undefined);
      const what = `round ${round}: ${annDemotesBen.raw} / ${benDemotesAnn.raw}`;
      expect(ok, what).toHaveLength(1);
      expect(refused, what).toHaveLength(1);
      expect(['FORBIDDEN', 'CONFLICT'], what).toContain(codeOf(refused[0]!));
      expect(refused[0]!.data ?? null, what).toBeNull();

      const [winner, loser] = ok[0] === annDemotesBen ? [ann, ben] : [ben, ann];
      expect(ok[0]!.data.changeOrganizationMemberRole.member, what).toEqual({ role: demoted, user: { id: loser.id, subject: loser.subject } });
      const roles = await rolesIn(`race-demote-${round}`, winner);
      expect(roles, what).toEqual({ [winner.subject]: 'OWNER', [loser.subject]: demoted });
      // The refused mutation changed nothing; the trail records it as a denied attempt by the loser.
      const audit = await server.graphql(winner.token, ORG_WITH_AUDIT, { slug: `race-demote-${round}` });
      const changes = audit.data.organization.auditLog.edges
        .map((e: any) => e.node)
        .filter((e: any) => e.operation === 'changeOrganizationMemberRole');
      expect(changes.map((e: any) => [e.outcome, e.actorUser.id]), what).toEqual(
        expect.arrayContaining([['SUCCEEDED', winner.id]]),
      );
      expect(changes.filter((e: any) => e.outcome === 'SUCCEEDED'), what).toHaveLength(1);
      expect(changes.filter((e: any) => e.outcome === 'DENIED').map((e: any) => e.actorUser.id), what).toEqual(
        changes.length === 2 ? [loser.id] : [],
      );
    }
  });

  it('two owners removing each other at the same moment: exactly one wins, an owner always remains (12 rounds)', async () => {
    const ann = await seed.person('ann');
    const ben = await seed.person('ben');
    for (let round = 0; round < 12; round++) {
      const org = await seed.organization(`race-remove-${round}`, { owner: 'ann', owners: ['ben'] });
      // Odd rounds mix the two ways of taking an owner away.
      const [fromAnn, fromBen] = await Promise.all([
        removeMember(ann, org.id, ben),
        round % 2 === 0 ? removeMember(ben, org.id, ann) : changeRole(ben, org.id, ann, 'READER'),
      ]);
      const what = `round ${round}: ${fromAnn.raw} / ${fromBen.raw}`;
      const ok = [fromAnn, fromBen].filter((r) => r.errors === undefined);
      const refused = [fromAnn, fromBen].filter((r) => r.errors !== undefined);
      expect(ok, what).toHaveLength(1);
      expect(refused, what).toHaveLength(1);
      // The loser was removed (NOT_FOUND: it no longer sees the organization),
      // demoted (FORBIDDEN) or stopped by the last-owner rule (CONFLICT).
      expect(['FORBIDDEN', 'CONFLICT', 'NOT_FOUND'], what).toContain(codeOf(refused[0]!));
      const winner = ok[0] === fromAnn ? ann : ben;
      const roles = await rolesIn(`race-remove-${round}`, winner);
      expect(ownersOf(roles), what).toEqual([winner.subject]);
    }
  });
});

describe('machine clients', () => {
  let org: SeededOrganization;
  let mona: Person, wes: Person, rita: Person;

  beforeAll(async () => {
    org = await seed.organization('robots', { owner: 'mona', writers: ['wes'], readers: ['rita'] });
    [mona, wes, rita] = [org.owner, org.members.wes!, org.members.rita!];
  });

  it('are created by owners, with a clientId, a name and a role', async () => {
    const res = await server.graphql(mona.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-ci', name: 'Robots CI', role: 'WRITER' } });
    expectOk(res);
    expect(res.data.createMachineClient.machineClient).toMatchObject({
      clientId: 'robots-ci',
      name: 'Robots CI',
      role: 'WRITER',
      revokedAt: null,
      organization: { slug: 'robots' },
    });
    expectOk(await server.graphql(mona.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-reader', name: 'Robots Reader', role: 'READER' } }));
    expectOk(await server.graphql(mona.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-owner', name: 'Robots Owner', role: 'OWNER' } }));
  });

  it('are listed in machineClients to owners', async () => {
    const res = await server.graphql(mona.token, ORG_WITH_CLIENTS, { slug: 'robots' });
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
      const res = await server.graphql(person.token, ORG_WITH_CLIENTS, { slug: 'robots' });
      expect(res.status).toBe(200);
      expect(res.data, res.raw).toEqual({ organization: { slug: 'robots', viewerRole: role, machineClients: null } });
      expect(res.errors, res.raw).toHaveLength(1);
      expect(res.errors![0]!.path).toEqual(['organization', 'machineClients']);
      expect(res.errors![0]!.extensions?.code).toBe('FORBIDDEN');
    }
  });

  it('a WRITER client’s token acts as the organization with the WRITER role', async () => {
    const token = await issuer.machineToken('robots-ci');
    const res = await server.graphql(token, `query { viewer { kind user { id } machineClient { clientId role } } organization(slug: "robots") { slug viewerRole } }`);
    expectOk(res);
    expect(res.data).toEqual({
      viewer: { kind: 'MACHINE', user: null, machineClient: { clientId: 'robots-ci', role: 'WRITER' } },
      organization: { slug: 'robots', viewerRole: 'WRITER' },
    });
    const list = await server.graphql(token, ORG_LIST);
    expect(list.data.organizations.edges.map((e: any) => e.node)).toEqual([{ slug: 'robots', viewerRole: 'WRITER' }]);
    // Owners-only fields stay closed to it.
    const clients = await server.graphql(token, ORG_WITH_CLIENTS, { slug: 'robots' });
    expect(clients.data.organization).toEqual({ slug: 'robots', viewerRole: 'WRITER', machineClients: null });
    expect(clients.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['organization', 'machineClients'], 'FORBIDDEN']]);
  });

  it('a READER client’s token acts with the READER role', async () => {
    const res = await server.graphql(await issuer.machineToken('robots-reader'), ORG, { slug: 'robots' });
    expectOk(res);
    expect(res.data.organization.viewerRole).toBe('READER');
  });

  it('a WRITER client cannot add members (FORBIDDEN)', async () => {
    const token = await issuer.machineToken('robots-ci');
    const before = await server.snapshot();
    const res = await server.graphql(token, ADD_MEMBER, { i: { organizationId: org.id, userSubject: 'auth0|robot-friend', role: 'READER' } });
    expectError(res, 'FORBIDDEN');
    expect(await server.snapshot()).toEqual(before);
  });

  it('never manage members or machine clients, even when provisioned as OWNER (FORBIDDEN)', async () => {
    const token = await issuer.machineToken('robots-owner');
    const view = await server.graphql(token, ORG, { slug: 'robots' });
    expect(view.data.organization.viewerRole).toBe('OWNER');
    const before = await server.snapshot();
    expectError(await server.graphql(token, ADD_MEMBER, { i: { organizationId: org.id, userSubject: 'auth0|robot-friend', role: 'READER' } }), 'FORBIDDEN');
    expectError(await server.graphql(token, CHANGE_ROLE, { i: { organizationId: org.id, userId: wes.id, role: 'OWNER' } }), 'FORBIDDEN');
    expectError(await server.graphql(token, CHANGE_ROLE, { i: { organizationId: org.id, userId: mona.id, role: 'READER' } }), 'FORBIDDEN');
    expectError(await server.graphql(token, REMOVE_MEMBER, { i: { organizationId: org.id, userId: rita.id } }), 'FORBIDDEN');
    expectError(await server.graphql(token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-spawn', name: 'Spawn', role: 'OWNER' } }), 'FORBIDDEN');
    expectError(await server.graphql(token, REVOKE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-ci' } }), 'FORBIDDEN');
    expect(await server.snapshot()).toEqual(before);
  });

  it('revoked clients are refused with HTTP 401, even with a token issued before the revocation', async () => {
    expectOk(await server.graphql(mona.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-old', name: 'Old', role: 'WRITER' } }));
    const early = await issuer.machineToken('robots-old');
    expect((await server.graphql(early, '{ viewer { kind } }')).status).toBe(200);

    const revoked = await server.graphql(mona.token, REVOKE_CLIENT, { i: { organizationId: org.id, clientId: 'robots-old' } });
    expectOk(revoked);
    expect(revoked.data.revokeMachineClient.machineClient).toMatchObject({ clientId: 'robots-old', revokedAt: expect.any(String) });

    for (const token of [early, await issuer.machineToken('robots-old')]) {
      const res = await server.graphql(token, ORG, { slug: 'robots' });
      expect(res.status).toBe(401);
      expect(codeOf(res)).toBe('UNAUTHENTICATED');
      expect(res.data).toBeUndefined();
    }
    const listed = await server.graphql(mona.token, ORG_WITH_CLIENTS, { slug: 'robots' });
    const old = listed.data.organization.machineClients.edges.find((e: any) => e.node.clientId === 'robots-old');
    expect(old.node.revokedAt).toEqual(expect.any(String));
  });
});

describe('visibility is the same on every path', () => {
  let hidden: SeededOrganization;
  let hiddenClientId: string;
  let otto: Person;

  beforeAll(async () => {
    hidden = await seed.organization('hidden', { owner: 'hana', writers: ['hugo'] });
    const client = await server.graphql(hidden.owner.token, CREATE_CLIENT, { i: { organizationId: hidden.id, clientId: 'hidden-ci', name: 'Hidden CI', role: 'READER' } });
    expectOk(client);
    hiddenClientId = client.data.createMachineClient.machineClient.id;
    await seed.organization('ottos-own', { owner: 'otto' });
    otto = await seed.person('otto');
    expectOk(await server.graphql(otto.token, CREATE_CLIENT, {
      i: { organizationId: (await server.graphql(otto.token, ORG, { slug: 'ottos-own' })).data.organization.id, clientId: 'ottos-ci', name: 'Otto CI', role: 'OWNER' },
    }));
  });

  const outsiders = () => [
    ['a user who is not a member', async () => otto.token],
    ['a machine client of another organization', async () => issuer.machineToken('ottos-ci')],
  ] as const;

  it('a non-member gets null from organization(slug:) and node(id:), and the organization is absent from organizations', async () => {
    for (const [label, tokenOf] of outsiders()) {
      const token = await tokenOf();
      const res = await server.graphql(token, `query($org: ID!, $client: ID!, $owner: ID!) {
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
    const member = await server.graphql(hugo.token, `query($org: ID!) { organization(slug: "hidden") { id } node(id: $org) { id } }`, { org: hidden.id });
    expect(member.data).toEqual({ organization: { id: hidden.id }, node: { id: hidden.id } });
  });

  it('a mutation against it gives NOT_FOUND, exactly as for an organization that does not exist, never FORBIDDEN', async () => {
    const hugo = hidden.members.hugo!;
    const mutations = (organizationId: string): [string, string, Record<string, unknown>][] => [
      ['addOrganizationMember', ADD_MEMBER, { organizationId, userSubject: 'auth0|sneaky', role: 'OWNER' }],
      ['addOrganizationMember by email', ADD_MEMBER, { organizationId, userEmail: 'otto@example.test', role: 'OWNER' }],
      ['changeOrganizationMemberRole', CHANGE_ROLE, { organizationId, userId: hugo.id, role: 'OWNER' }],
      ['removeOrganizationMember', REMOVE_MEMBER, { organizationId, userId: hugo.id }],
      ['createMachineClient', CREATE_CLIENT, { organizationId, clientId: `sneaky-${randomUUID()}`, name: 'Sneaky', role: 'OWNER' }],
      ['revokeMachineClient', REVOKE_CLIENT, { organizationId, clientId: 'hidden-ci' }],
      ['updateOrganization', UPDATE_ORG, { organizationId, name: 'Pwned' }],
    ];
    const before = await server.snapshot();
    for (const [label, tokenOf] of outsiders()) {
      const token = await tokenOf();
      const real = mutations(hidden.id);
      const missing = mutations(missingOrganizationId());
      for (let i = 0; i < real.length; i++) {
        const [name, query, input] = real[i]!;
        const res = await server.graphql(token, query, { i: input });
        const what = `${label}, ${name}: ${res.raw}`;
        expect(res.status, what).toBe(200);
        expect(codes(res), what).toEqual(['NOT_FOUND']);
        expect(res.data, what).toBeNull();
        // No existence leak: the same answer as for an organization that does not exist.
        const [, missingQuery, missingInput] = missing[i]!;
        const absent = await server.graphql(token, missingQuery, { i: missingInput });
        expect(absent.errors?.map((e) => [e.extensions?.code, e.message]), what).toEqual(res.errors!.map((e) => [e.extensions?.code, e.message]));
      }
    }
    expect(await server.snapshot()).toEqual(before);
  });

  it('a member who is removed loses it on every path too', async () => {
    const org = await seed.organization('left-behind', { owner: 'lara', writers: ['leo'] });
    const leo = org.members.leo!;
    expectOk(await removeMember(org.owner, org.id, leo));
    const res = await server.graphql(leo.token, `query($org: ID!) { organization(slug: "left-behind") { id } node(id: $org) { id } organizations { edges { node { slug } } } }`, { org: org.id });
    expect(res.data.organization).toBeNull();
    expect(res.data.node).toBeNull();
    expect(res.data.organizations.edges.map((e: any) => e.node.slug)).not.toContain('left-behind');
    expectError(await addMember(leo, org.id, leo, 'OWNER'), 'NOT_FOUND');
  });
});

describe('audit log', () => {
  it('every mutation writes one audit event naming the operation and the acting user', async () => {
    const olga = await seed.person('olga');
    const pat = await seed.person('pat');
    const quinn = await seed.person('quinn');
    const countBefore = await auditCount();

    const created = await server.graphql(olga.token, CREATE_ORG, { i: { slug: 'audited', name: 'Audited' } });
    expectOk(created);
    const orgId = created.data.createOrganization.organization.id as string;
    expectOk(await addMember(olga, orgId, pat, 'WRITER'));
    expectOk(await server.graphql(olga.token, ADD_MEMBER, { i: { organizationId: orgId, userEmail: 'quinn@example.test', role: 'READER' } }));
    expectOk(await changeRole(olga, orgId, pat, 'READER'));
    expectOk(await removeMember(olga, orgId, quinn));
    const client = await server.graphql(olga.token, CREATE_CLIENT, { i: { organizationId: orgId, clientId: 'audited-ci', name: 'Audited CI', role: 'WRITER' } });
    expectOk(client);
    const clientId = client.data.createMachineClient.machineClient.id as string;
    expectOk(await server.graphql(olga.token, REVOKE_CLIENT, { i: { organizationId: orgId, clientId: 'audited-ci' } }));

    expect(await auditCount()).toBe(countBefore + 7);
    const res = await server.graphql(olga.token, ORG_WITH_AUDIT, { slug: 'audited' });
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
    const org = await seed.organization('audit-closed', { owner: 'otis', writers: ['wyn'], readers: ['rae'] });
    expectOk(await server.graphql(org.owner.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'audit-closed-ci', name: 'CI', role: 'WRITER' } }));
    const callers: [string, string, string][] = [
      ['a WRITER', org.members.wyn!.token, 'WRITER'],
      ['a READER', org.members.rae!.token, 'READER'],
      ['a WRITER machine client', await issuer.machineToken('audit-closed-ci'), 'WRITER'],
    ];
    for (const [label, token, role] of callers) {
      const res = await server.graphql(token, ORG_WITH_AUDIT, { slug: 'audit-closed' });
      expect(res.status, label).toBe(200);
      expect(res.data, `${label}: ${res.raw}`).toEqual({ organization: { slug: 'audit-closed', viewerRole: role, auditLog: null } });
      expect(res.errors?.map((e) => [e.path, e.extensions?.code]), label).toEqual([[['organization', 'auditLog'], 'FORBIDDEN']]);
    }
    const owner = await server.graphql(org.owner.token, ORG_WITH_AUDIT, { slug: 'audit-closed' });
    expectOk(owner);
    expect(owner.data.organization.auditLog.edges.length).toBeGreaterThanOrEqual(4);
  });

  it('a failed mutation writes no audit event and changes nothing', async () => {
    const org = await seed.organization('no-trace', { owner: 'nora', owners: ['nils'], writers: ['nat'] });
    const [nora, nils, nat] = [org.owner, org.members.nils!, org.members.nat!];
    const outsider = await seed.person('nobody-here');
    expectOk(await server.graphql(nora.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'no-trace-ci', name: 'CI', role: 'OWNER' } }));
    expectOk(await server.graphql(nora.token, CREATE_CLIENT, { i: { organizationId: org.id, clientId: 'no-trace-gone', name: 'Gone', role: 'READER' } }));
    expectOk(await server.graphql(nora.token, REVOKE_CLIENT, { i: { organizationId: org.id, clientId: 'no-trace-gone' } }));
    const machine = await issuer.machineToken('no-trace-ci');
    expectOk(await server.graphql(machine, '{ viewer { kind } }'));

    const failures: [string, string, string, Record<string, unknown>, string][] = [
      ['writer adds a member', nat.token, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', role: 'READER' }, 'FORBIDDEN'],
      ['owner demotes self', nora.token, CHANGE_ROLE, { organizationId: org.id, userId: nora.id, role: 'WRITER' }, 'FORBIDDEN'],
      ['owner removes self', nils.token, REMOVE_MEMBER, { organizationId: org.id, userId: nils.id }, 'FORBIDDEN'],
      ['non-member adds a member', outsider.token, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', role: 'OWNER' }, 'NOT_FOUND'],
      ['owner adds an existing member', nora.token, ADD_MEMBER, { organizationId: org.id, userSubject: nat.subject, role: 'OWNER' }, 'CONFLICT'],
      ['owner adds by subject and email at once', nora.token, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', userEmail: 'x@example.test', role: 'READER' }, 'BAD_USER_INPUT'],
      ['owner adds an unknown email', nora.token, ADD_MEMBER, { organizationId: org.id, userEmail: 'nobody@nowhere.test', role: 'READER' }, 'NOT_FOUND'],
      ['owner changes the role of a non-member', nora.token, CHANGE_ROLE, { organizationId: org.id, userId: outsider.id, role: 'READER' }, 'NOT_FOUND'],
      ['owner removes a non-member', nora.token, REMOVE_MEMBER, { organizationId: org.id, userId: outsider.id }, 'NOT_FOUND'],
      ['owner registers a taken clientId', nora.token, CREATE_CLIENT, { organizationId: org.id, clientId: 'no-trace-ci', name: 'Again', role: 'READER' }, 'CONFLICT'],
      ['owner revokes an unknown client', nora.token, REVOKE_CLIENT, { organizationId: org.id, clientId: 'no-such-ci' }, 'NOT_FOUND'],
      ['owner revokes a revoked client', nora.token, REVOKE_CLIENT, { organizationId: org.id, clientId: 'no-trace-gone' }, 'CONFLICT'],
      ['machine client adds a member', machine, ADD_MEMBER, { organizationId: org.id, userSubject: 'auth0|x-new', role: 'READER' }, 'FORBIDDEN'],
      ['machine client creates an organization', machine, CREATE_ORG, { slug: 'no-trace-two', name: 'Two' }, 'FORBIDDEN'],
      ['user creates an organization with a taken slug', nora.token, CREATE_ORG, { slug: 'no-trace', name: 'Again' }, 'CONFLICT'],
      ['user creates an organization with an invalid slug', nora.token, CREATE_ORG, { slug: 'Not A Slug', name: 'Bad' }, 'BAD_USER_INPUT'],
    ];
    for (const [label, token, query, input, code] of failures) {
      const before = await server.snapshot();
      const res = await server.graphql(token, query, { i: input });
      expect(codes(res), `${label}: ${res.raw}`).toEqual([code]);
      const after = await server.snapshot();
      expect(after.audit_events!.length, label).toBe(before.audit_events!.length);
      expect(after, label).toEqual(before);
    }
  });
});

/** What the rules answer to an owner-only change of a member: the reference model of the random walk. */
function expectedForMemberChange(
  actorRole: string | undefined,
  onSelf: boolean,
  targetRole: string | undefined,
  leavesNoOwner: boolean,
): string | null {
  if (!actorRole) return 'NOT_FOUND';
  if (actorRole !== 'OWNER' || onSelf) return 'FORBIDDEN';
  if (!targetRole) return 'NOT_FOUND';
  return leavesNoOwner ? 'CONFLICT' : null;
}
