/**
 * Authorship of catalog rows: the principal that wrote them (a user or a
 * machine client), and the `Actor` union object that reads it back.
 */
import type { Principal } from '../auth/principal.js';
import type { Context } from '../context.js';
import type { MachineClientRow, UserRow } from '../db/schema.js';

export interface Authored {
  authorUserId: string | null;
  authorMachineClientId: string | null;
}

export function authorOf(principal: Principal): Authored {
  if (principal.kind === 'user') return { authorUserId: principal.userId, authorMachineClientId: null };
  if (principal.kind === 'machine') return { authorUserId: null, authorMachineClientId: principal.machineClientId };
  throw new Error('anonymous principals write nothing');
}

export type ActorRow = (UserRow & { __typename: 'User' }) | (MachineClientRow & { __typename: 'MachineClient' });

/** graphql-js picks the union member from `__typename`. */
export async function actorOf(ctx: Context, row: Authored): Promise<ActorRow> {
  if (row.authorUserId) return { __typename: 'User', ...(await ctx.loaders.userById.load(row.authorUserId))! };
  return { __typename: 'MachineClient', ...(await ctx.loaders.machineClientById.load(row.authorMachineClientId!))! };
}
