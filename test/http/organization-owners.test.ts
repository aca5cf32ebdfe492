/**
 * Every organization keeps at least one owner, and owners may not change
 * their own role or remove themselves: step by step, over a seeded random
 * walk of every member change, and when two owners demote or remove each
 * other at the same moment. Over HTTP with real signed tokens.
 */
import { describe, expect, it } from 'vitest';
import { engine } from '../helpers/database.js';
import { codeOf, codes, expectError, expectOk } from '../helpers/expect.js';
import { ORG_WITH_AUDIT, organizationChecks, ownersOf } from '../helpers/organizations.js';
import type { GraphQLResponse } from '../helpers/orgraph.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

/** Real concurrency needs a real server: PGlite runs one transaction at a time, so fewer rounds there. */
const RACE_ROUNDS = engine === 'postgres' ? 100 : 24;

const t = useOrgraph();
const { rolesIn, addMember, changeRole, removeMember } = organizationChecks(t);

describe('owners may not modify their own role or remove themselves', () => {
  it('even when the organization has other owners (FORBIDDEN)', async () => {
    const org = await t.seed.organization('selfish', { owner: 'ola', owners: ['oscar'] });
    const [ola, oscar] = [org.owner, org.members.oscar!];
    const before = await t.server.snapshot();
    for (const owner of [ola, oscar]) {
      expectError(await changeRole(owner, org.id, owner, 'WRITER'), 'FORBIDDEN');
      expectError(await changeRole(owner, org.id, owner, 'READER'), 'FORBIDDEN');
      expectError(await removeMember(owner, org.id, owner), 'FORBIDDEN');
    }
    expect(await t.server.snapshot()).toEqual(before);
    expect(await rolesIn('selfish', ola)).toEqual({ [ola.subject]: 'OWNER', [oscar.subject]: 'OWNER' });
  });
});

describe('the organization must have at least one owner', () => {
  it('with two owners A and B, A demotes B; now B, a writer, cannot demote A (FORBIDDEN)', async () => {
    const org = await t.seed.organization('two-owners', { owner: 'amy', owners: ['bob'] });
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
    const org = await t.seed.organization('random-walk', { owner: 'walk-a', writers: ['walk-b'], readers: ['walk-c'] });
    const people = await Promise.all(names.map((n) => t.seed.person(n)));
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
    const ann = await t.seed.person('ann');
    const ben = await t.seed.person('ben');
    for (let round = 0; round < RACE_ROUNDS; round++) {
      // A fresh organization whose only owners are ann and ben.
      const org = await t.seed.organization(`race-demote-${round}`, { owner: 'ann', owners: ['ben'] });
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
      const audit = await t.server.graphql(winner.token, ORG_WITH_AUDIT, { slug: `race-demote-${round}` });
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
    const ann = await t.seed.person('ann');
    const ben = await t.seed.person('ben');
    for (let round = 0; round < 12; round++) {
      const org = await t.seed.organization(`race-remove-${round}`, { owner: 'ann', owners: ['ben'] });
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
