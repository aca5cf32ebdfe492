/** Generated files are committed; they must match what their sources produce now. */
import { readFileSync } from 'node:fs';
import { generate } from '@graphql-codegen/cli';
import { describe, expect, it } from 'vitest';
import codegenConfig from '../../codegen.js';
import { printedSchema, PRINTED_SCHEMA_PATH } from '../../src/graphql/print-schema.js';

describe('generated files are fresh', () => {
  it('src/__generated__ matches schema/*.graphql (run `npm run codegen`)', async () => {
    const outputs = await generate({ ...codegenConfig, silent: true }, false);
    expect(outputs.length).toBeGreaterThan(0);
    for (const { filename, content } of outputs) {
      expect(readFileSync(filename, 'utf8'), `${filename} is stale: run npm run codegen`).toBe(content);
    }
  });

  it('docs/schema.graphql matches the served schema (run `npm run schema:print`)', () => {
    expect(readFileSync(PRINTED_SCHEMA_PATH, 'utf8'), 'run npm run schema:print').toBe(printedSchema());
  });
});
