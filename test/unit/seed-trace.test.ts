/**
 * Traceability: every ✅ / ❌ line of the FlowX seed's role cards has an entry
 * in scripts/seed-trace.ts naming the rules that implement it, every rule
 * it names exists in the schema, and no entry names a line the seed does not
 * have. The seed's table is traced by the mutations' @capability (its rows
 * are rendered, or the docs script fails).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleAsWritten } from '../../src/access/rules.js';
import { buildSchema } from '../../src/graphql/schema.js';
import { SEED_PATH, SEED_TRACE, seedLines } from '../../scripts/seed-trace.js';

const schema = buildSchema();
const lines = seedLines();

describe("the seed's role cards, line by line", () => {
  it('reads every ✅ and ❌ line outside the table', () => {
    const text = readFileSync(SEED_PATH, 'utf8');
    const marks = text.split('\n').filter((l) => /[✅❌]/.test(l) && !l.trimStart().startsWith('|'));
    expect(lines).toHaveLength(marks.length);
    expect(lines.length).toBeGreaterThanOrEqual(100);
    expect(new Set(lines.map((l) => l.card))).toEqual(new Set(Object.keys(SEED_TRACE)));
  });

  it.each(lines.map((l) => [l.card, l.line] as const))('%s: %s has an entry whose rules exist', (card, line) => {
    const entry = SEED_TRACE[card]?.[line];
    expect(entry, `no entry in scripts/seed-trace.ts for ${card}: ${line}`).toBeDefined();
    expect(entry!.rules.length + (entry!.choice ? 1 : 0)).toBeGreaterThan(0);
    for (const coordinate of entry!.rules) {
      const [type, field] = coordinate.split('.') as [string, string];
      expect(ruleAsWritten(schema, type, field), `${coordinate} has no rule`).not.toBeNull();
    }
  });

  it('names no line the seed does not have', () => {
    const known = new Set(lines.map((l) => `${l.card}\n${l.line}`));
    const stray = Object.entries(SEED_TRACE).flatMap(([card, entries]) => Object.keys(entries).map((line) => `${card}\n${line}`)).filter((k) => !known.has(k));
    expect(stray).toEqual([]);
  });
});
