/** Who a workspace or project role is given to: one user or one group of the workspace, exactly one. */
import type { Tx } from '../../db/client.js';
import { badInput, notFound } from '../../errors.js';
import { expectGlobalId, toGlobalId } from '../../lib/global-id.js';
import { findGroup } from './group-queries.js';
import type { Grantee, InWorkspace } from './workspace-queries.js';

export type { Grantee } from './workspace-queries.js';

export interface GranteeInput {
  userId?: string | null;
  groupId?: string | null;
}

/**
 * Reads the input's grantee: a user that `eligible` admits (else
 * BAD_USER_INPUT saying `eligibleAs`), or a group of this workspace (else
 * NOT_FOUND, as for a group that does not exist).
 */
export async function granteeOf(
  tx: Tx,
  ws: InWorkspace,
  input: GranteeInput,
  eligible: (userId: string) => Promise<boolean>,
  eligibleAs: string,
): Promise<Grantee> {
  const userGlobalId = input.userId ?? null;
  const groupGlobalId = input.groupId ?? null;
  if (userGlobalId !== null && groupGlobalId === null) {
    const userId = expectGlobalId(userGlobalId, 'User', 'userId');
    if (!(await eligible(userId))) throw badInput(`userId must be ${eligibleAs}`, 'userId');
    return { userId, groupId: null };
  }
  if (groupGlobalId !== null && userGlobalId === null) {
    const group = await findGroup(tx, { organizationId: ws.organizationId, id: expectGlobalId(groupGlobalId, 'Group', 'groupId') });
    if (!group || group.workspaceId !== ws.workspaceId) throw notFound('Group');
    return { userId: null, groupId: group.id };
  }
  throw badInput('Give exactly one of userId or groupId', 'input');
}

export const granteeId = (grantee: Grantee) => (grantee.userId !== null ? toGlobalId('User', grantee.userId) : toGlobalId('Group', grantee.groupId));
