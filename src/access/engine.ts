/**
 * The access engine's parts, as the schema assembly hands them over: the
 * object types the features declare, and the runner every mutation goes
 * through. What a check reads of a request is `AccessContext`.
 */
import type { Principal } from '../identity/principal.js';
import type { Access } from './held-roles.js';
import type { Decision } from './roles.js';
import type { RoleRule, RuleMode } from './rules.js';
import type { NamedScope, ObjectTypes } from './scopes.js';

/** What the checks read of a request's context. */
export interface AccessContext {
  principal: Principal;
  access: Access;
}

/** What a mutation is checked against, once before and once inside its transaction. */
export interface MutationGuard {
  operation: string;
  /** The type its scope argument names ("Environment"): the NOT_FOUND answer when the caller cannot see it, as when it does not exist. */
  target: string;
  /** The @requiresRole rule; null for rules checked before the runner (@public, @authenticated). */
  rule: RoleRule | null;
  /** The object the scope argument names, where it sits; null when the caller cannot see it or it does not exist; undefined without a scope argument. */
  scope: NamedScope | null | undefined;
}

export type MutationRunner<C> = (ctx: C, guard: MutationGuard, resolve: () => Promise<unknown>) => Promise<unknown>;

/** A request where a field's candidate rule decided otherwise than its live rule. */
export interface Divergence {
  coordinate: string;
  live: ShadowDecision;
  candidate: ShadowDecision;
}

/** `decide`'s answers, and the one that comes before any rule: not signed in. */
export type ShadowDecision = Decision | 'unauthenticated';

export interface AccessEngine<C> {
  /** Every object type's place in the access model, as the features declare them. */
  types: ObjectTypes<C>;
  runMutation: MutationRunner<C>;
  /** Which rules decide (default `live`: candidates only compared beside them). */
  rules?: RuleMode;
  /** Told of every divergence of a candidate from its live rule, in `live` mode. */
  onDivergence?: (ctx: C, divergence: Divergence) => void;
}

