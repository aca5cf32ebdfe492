/**
 * Shadow mode: a field with a @candidateRule is decided by its live rule as
 * ever, and the candidate is decided beside it from the same roles and the
 * same scope, before the field resolves. Where the two differ, the engine is
 * told. The response never depends on the candidate: where deciding either
 * fails (a malformed ID), the comparison is skipped and the live guard answers.
 */
import type { GraphQLFieldResolver } from 'graphql';
import type { AccessContext, AccessEngine, ShadowDecision } from './engine.js';
import { decide } from './roles.js';
import type { AccessRule, RoleRule } from './rules.js';
import { atLevel, levelOf, scopeOfId, typeNameOfScope } from './scopes.js';

type Resolver<C> = GraphQLFieldResolver<unknown, C, Record<string, unknown>>;

export function shadowed<C extends AccessContext>(
  engine: AccessEngine<C>,
  coordinate: string,
  rules: { live: AccessRule; candidate: RoleRule },
  resolve: Resolver<C>,
): Resolver<C> {
  const onDivergence = engine.onDivergence;
  if (!onDivergence) return resolve;
  const [typeName] = coordinate.split('.') as [string];
  return async (parent, args, ctx, info) => {
    const [live, candidate] = await Promise.all([
      decisionOf(engine, rules.live, typeName, parent, args, ctx),
      decisionOf(engine, rules.candidate, typeName, parent, args, ctx),
    ]).catch(() => [null, null]);
    if (live !== null && live !== candidate) onDivergence(ctx, { coordinate, live, candidate: candidate! });
    return resolve(parent, args, ctx, info);
  };
}

/** What `rule` decides for this request at this field, as the guards would. */
async function decisionOf<C extends AccessContext>(
  engine: AccessEngine<C>,
  rule: AccessRule,
  typeName: string,
  parent: unknown,
  args: Record<string, unknown>,
  ctx: C,
): Promise<ShadowDecision> {
  if (rule.kind === 'public') return 'allow';
  if (ctx.principal.kind === 'anonymous') return 'unauthenticated';
  if (rule.principal !== null && ctx.principal.kind !== rule.principal.toLowerCase()) return 'forbidden';
  if (rule.kind === 'authenticated') return 'allow';
  const placed = rule.scopePath
    ? await scopeOfId(engine.types, ctx, argumentAt(args, rule.scopePath), rule.scopePath.at(-1)!, typeNameOfScope(rule.scopePath))
    : engine.types[typeName]?.scopeOf?.(parent as never);
  if (!placed) return 'invisible';
  const scope = atLevel(placed, rule.at);
  return decide(await ctx.access.rolesIn(scope), levelOf(scope), rule);
}

export function argumentAt(args: Record<string, unknown>, path: string[]): unknown {
  return path.reduce<unknown>((value, key) => (value as Record<string, unknown> | null | undefined)?.[key], args);
}
