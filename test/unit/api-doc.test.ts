/** docs/api.md is generated from the schema and committed; it must match what the schema produces now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { API_DOC_PATH, renderApiDoc } from '../../scripts/api-doc.js';

describe('docs/api.md', () => {
  it('matches the schema (run `npm run docs:api`)', () => {
    expect(readFileSync(API_DOC_PATH, 'utf8'), 'run npm run docs:api').toBe(renderApiDoc());
  });
});
