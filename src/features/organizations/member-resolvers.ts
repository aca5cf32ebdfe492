import type { Resolvers } from '../../__generated__/resolvers-types.js';
import { refusalScope } from '../../access/refusals.js';
import type { Tx } from '../../db/client.js';
import type { UserRow } from '../../db/schema.js';
import { badInput, conflict, forbidden, notFound } from '../../errors.js';
import { isTimeKey, readPage, toConnection } from '../../lib/connection.js';
import { expectGlobalId, toCompositeId, toGlobalId } from '../../lib/global-id.js';
import { scopedMutationOf } from '../../mutations/runner.js';
import { userOf } from '../principals.js';
import { email, providerId } from '../../lib/validate.js';
import { findOrCreateUserBySubject, usersByVerifiedEmail } from '../viewer/user-queries.js';
import { ownedProjectCount, removeFromAllWorkspaces } from '../workspaces/workspace-queries.js';
import { countOwners, deleteMember, findMember, insertMember, setMemberRole } from './member-queries.js';

export const memberResolvers: Resolvers = {
  Organization: {
    members: async (org, args, ctx) => {
      const page = readPage(args, isTimeKey);
      const rows = await ctx.loaders.membersPage.load({ parentId: org.id, page });
      return toConnection(rows, page, (m) => [m.createdAt.toISOString(), m.userId]);
    },
  },
  OrganizationMember: {
    id: (member) => toCompositeId('OrganizationMember', member.organizationId, member.userId),
    user: (member, _args, ctx) => ctx.loaders.userById.load(member.userId),
    joinedAt: (member) => member.createdAt,
  },
  RemoveOrganizationMemberPayload: {
    organization: (removed, _args, ctx) => ctx.loaders.organizationById.load(removed.organizationId),
    removedUserId: (removed) => toGlobalId('User', removed.userId),
  },
  Mutation: {
    addOrganizationMember: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const organizationId = scope.id;
      const user = await userToAdd(tx, input.userSubject ?? null, input.userEmail ?? null);
      const member = await insertMember(tx, { organizationId, userId: user.id, role: input.role });
      if (!member) throw conflict('This user is already a member of the organization');
      Object.assign(audit, { targetId: toGlobalId('User', user.id), details: { subject: user.subject, role: input.role } });
      return { member };
    },
    changeOrganizationMemberRole: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (userId === userOf(ctx).userId) throw forbidden('Owners may not change their own role', { requiredRoles: [], scope: refusalScope(scope) });
      const current = await findMember(tx, scope.id, userId);
      if (!current) throw notFound('Member');
      await assertOwnerRemains(tx, scope.id, current.role === 'OWNER' && input.role !== 'OWNER');
      const member = await setMemberRole(tx, current, input.role);
      Object.assign(audit, { targetId: toGlobalId('User', userId), details: { from: current.role, to: input.role } });
      return { member };
    },
    removeOrganizationMember: async (_parent, { input }, ctx) => {
      const { tx, audit, scope } = scopedMutationOf(ctx);
      const organizationId = scope.id;
      const userId = expectGlobalId(input.userId, 'User', 'userId');
      if (userId === userOf(ctx).userId) throw forbidden('Owners may not remove themselves', { requiredRoles: [], scope: refusalScope(scope) });
      const current = await findMember(tx, organizationId, userId);
      if (!current) throw notFound('Member');
      await assertOwnerRemains(tx, organizationId, current.role === 'OWNER');
      if ((await ownedProjectCount(tx, userId, { organizationId })) > 0) {
        throw conflict('This member owns projects; transfer their ownership first');
      }
      await removeFromAllWorkspaces(tx, organizationId, userId);
      await deleteMember(tx, organizationId, userId);
      Object.assign(audit, { targetId: toGlobalId('User', userId), details: { role: current.role } });
      return { organizationId, userId };
    },
  },
};

/**
 * Refuses a change that would leave no owner. The organization row is locked
 * by the mutation runner, so no concurrent change can slip in between this
 * count and the write; the database's deferred trigger is the backstop.
 */
async function assertOwnerRemains(tx: Tx, organizationId: string, removesAnOwner: boolean) {
  if (removesAnOwner && (await countOwners(tx, organizationId)) <= 1) {
    throw conflict('An organization must keep at least one owner');
  }
}

async function userToAdd(tx: Tx, subject: string | null, mail: string | null): Promise<UserRow> {
  if ((subject === null) === (mail === null)) throw badInput('Give exactly one of userSubject or userEmail', 'input');
  if (subject !== null) return findOrCreateUserBySubject(tx, providerId(subject, 'userSubject'));
  const matches = await usersByVerifiedEmail(tx, email(mail!));
  if (matches.length === 0) throw notFound('User with this verified email (they must sign in once first, with an email their identity provider verified)');
  if (matches.length > 1) throw conflict('Several users share this email; add the user by subject instead');
  return matches[0]!;
}
