/** The principal a resolver acts for, where its field's rule admits one kind only. */
import { forbidden } from '../errors.js';
import type { UserPrincipal } from '../identity/principal.js';
import type { Context } from './context.js';

/** The user calling a field whose rule says `principal: USER`; anyone else is FORBIDDEN, as the rule said already. */
export function userOf(ctx: Pick<Context, 'principal'>): UserPrincipal {
  if (ctx.principal.kind !== 'user') throw forbidden('Only users may do this');
  return ctx.principal;
}
