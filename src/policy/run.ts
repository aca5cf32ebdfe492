/**
 * `npm run policy:test`: each policy file on a throwaway embedded database
 * of its own, served by a real Orgraph in this process (the development
 * issuer signs the principals' tokens), fixtures built and expectations
 * checked over HTTP. With `candidate`, the server decides by the schema's
 * @candidateRule rules, so a rule change is tried before it ships.
 */
import type { GraphQLSchema } from 'graphql';
import { readAccessRules, type RuleMode } from '../access/rules.js';
import { loadConfig } from '../config.js';
import { buildSchema, scopedTypes } from '../graphql/schema.js';
import { createOrgraph } from '../server.js';
import { check, type Outcome } from './expectations.js';
import { buildFixtures, type GraphQLCall } from './fixtures.js';
import { readPolicyFile } from './policy-file.js';

export interface FileReport {
  file: string;
  outcomes: Outcome[];
}

export interface PolicyReport {
  files: FileReport[];
  /**
   * Rules that name roles and that no expectation exercises: a field's own
   * rule by its coordinate, a type's rule (which its other fields share) by
   * the type's name.
   */
  uncovered: string[];
  /** How many such rules the schema has. */
  ruled: number;
}

export async function runPolicyTests(files: string[], rules: RuleMode): Promise<PolicyReport> {
  const schema = buildSchema({ rules });
  const reports: FileReport[] = [];
  for (const file of files) reports.push({ file, outcomes: await runFile(file, schema, rules) });
  const exercised = new Set(reports.flatMap((r) => r.outcomes.flatMap((o) => [o.expectation.action, o.expectation.action.split('.')[0]!])));
  const ruled = rulesOf(schema, rules);
  return { files: reports, uncovered: ruled.filter((c) => !exercised.has(c)), ruled: ruled.length };
}

/** Each role rule once: a field's own by its coordinate, a type's by the type's name. */
function rulesOf(schema: GraphQLSchema, mode: RuleMode): string[] {
  const { rules, typeRules } = readAccessRules(schema, scopedTypes(), mode);
  const units = new Set<string>();
  for (const [coordinate, rule] of rules) {
    if (rule.kind !== 'role') continue;
    const type = coordinate.split('.')[0]!;
    units.add(typeRules.get(type) === rule ? type : coordinate);
  }
  return [...units];
}

async function runFile(file: string, schema: GraphQLSchema, rules: RuleMode): Promise<Outcome[]> {
  const policy = await readPolicyFile(file);
  const orgraph = await createOrgraph(
    loadConfig({
      NODE_ENV: 'test',
      PORT: '0',
      PGLITE_DIR: 'memory://',
      DEV_ISSUER_KEY_FILE: ':memory:',
      ACCESS_RULES: rules,
      RATE_LIMIT: 'off',
      LOG_LEVEL: 'error',
      EXPLORER: 'off',
    }),
  );
  try {
    const url = await orgraph.listen();
    const call: GraphQLCall = async (token, query, variables) => {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as Awaited<ReturnType<GraphQLCall>>;
    };
    const world = await buildFixtures(policy, orgraph.devIssuer!, call);
    const outcomes: Outcome[] = [];
    for (const expectation of policy.expectations) outcomes.push(await check(schema, world, call, expectation));
    return outcomes;
  } finally {
    await orgraph.stop();
  }
}
