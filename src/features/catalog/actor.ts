/**
 * Authorship of catalog rows: the principal that wrote them (a user or a
 * machine client), and the `Actor` union object that reads it back.
 */
import type { MachineClientRow, UserRow } from '../../db/schema.js';
import type { Principal } from '../../identity/principal.js';
import type { Context } from '../context.js';

export interface Authored {
  organizationId: string;
  authorUserId: string | null;
  authorMachineClientId: string | null;
  /** The author itself, where the row was read with it (a page of generations). */
  author?: ActorRow | undefined;
}

export function authorOf(principal: Principal): Omit<Authored, 'organizationId'> {
  if (principal.kind === 'user') return { authorUserId: principal.userId, authorMachineClientId: null };
  if (principal.kind === 'machine') return { authorUserId: null, authorMachineClientId: principal.machineClientId };
  throw new Error('anonymous principals write nothing');
}

export type ActorRow = UserRow | MachineClientRow;

/** The user or machine client behind a row; a check constraint gives every authored row exactly one. */
export function actorOf(ctx: Context, row: Authored): ActorRow | Promise<ActorRow> {
  if (row.author) return row.author;
  if (row.authorUserId !== null) return ctx.loaders.userById.load(row.authorUserId);
  if (row.authorMachineClientId !== null) return ctx.loaders.machineClientById.load({ id: row.authorMachineClientId, organizationId: row.organizationId });
  throw new Error('an authored row without its author');
}

/** Without a `__typename` copy of each row: a user row has a subject, a machine client's a client id. */
export const resolveActorType = (actor: ActorRow) => ('subject' in actor ? 'User' : 'MachineClient');
