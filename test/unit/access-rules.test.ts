/**
 * Deny by default: the schema does not build while a reachable field lacks
 * an access rule, or carries one the transformer could not enforce.
 */
import { describe, expect, it } from 'vitest';
import { AccessRuleError } from '../../src/access/rules.js';
import { buildSchema, loadTypeDefs } from '../../src/graphql/schema.js';

function buildWith(extra: string) {
  return () => buildSchema({ typeDefs: [...loadTypeDefs(), extra] });
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof AccessRuleError) return error.problems;
    throw error;
  }
  throw new Error('the schema built');
}

describe('the schema build', () => {
  it('succeeds for the shipped schema', () => {
    expect(() => buildSchema()).not.toThrow();
  });

  it('fails for a root field without a rule', () => {
    expect(problemsOf(buildWith('extend type Query { secrets: [String!]! }'))).toEqual([
      'Query.secrets has no access rule: add @public, @authenticated or @requiresRole to it or to Query',
    ]);
  });

  it('fails for a field without a rule on a type reachable only through other types', () => {
    const problems = problemsOf(
      buildWith('type Billing { iban: String } extend type Organization { billing: Billing @requiresRole(role: OWNER) }'),
    );
    expect(problems).toEqual(['Billing.iban has no access rule: add @public, @authenticated or @requiresRole to it or to Billing']);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf(buildWith('extend type Query { a: Int b: Int c: Int @public @authenticated }'));
    expect(problems).toHaveLength(3);
  });

  it('fails for @requiresRole on a root field without a scope argument', () => {
    expect(problemsOf(buildWith('extend type Query { x: Int @requiresRole(role: OWNER) }'))[0]).toMatch(/needs scope/);
  });

  it('fails for a scope path that names no ID argument', () => {
    expect(problemsOf(buildWith('extend type Query { x(slug: String): Int @requiresRole(role: OWNER, scope: "slug") }'))[0]).toMatch(
      /does not name an ID argument/,
    );
  });

  it('fails for @requiresRole with both role and anyOf', () => {
    expect(
      problemsOf(buildWith('extend type Query { x(id: ID!): Int @requiresRole(role: OWNER, anyOf: [READER], scope: "id") }'))[0],
    ).toMatch(/exactly one of role or anyOf/);
  });

  it('fails for a non-null field that its own @requiresRole can deny', () => {
    expect(problemsOf(buildWith('extend type Organization { secret: String! @requiresRole(role: OWNER) }'))[0]).toMatch(
      /must be nullable/,
    );
  });

  it('ignores types that no root field reaches', () => {
    expect(() => buildWith('type Orphan { x: Int }')()).not.toThrow();
  });
});
