/** Generated files are committed; they must match what their sources produce now. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS_DOC_PATH, renderPermissionsDoc } from '../../scripts/permissions-doc.js';
import { generateResolverTypes, RESOLVER_TYPES_PATH } from '../../scripts/resolver-types.js';
import { printedSchema, PRINTED_SCHEMA_PATH } from '../../src/graphql/print-schema.js';

describe('generated files are fresh', () => {
  it('src/__generated__ matches schema/*.graphql (run `npm run codegen`)', async () => {
    expect(readFileSync(RESOLVER_TYPES_PATH, 'utf8'), 'run npm run codegen').toBe(await generateResolverTypes());
  });

  it('docs/permissions.md matches the directives (run `npm run docs:permissions`)', () => {
    expect(readFileSync(PERMISSIONS_DOC_PATH, 'utf8'), 'run npm run docs:permissions').toBe(renderPermissionsDoc());
  });

  it('docs/schema.graphql matches the served schema (run `npm run schema:print`)', () => {
    expect(readFileSync(PRINTED_SCHEMA_PATH, 'utf8'), 'run npm run schema:print').toBe(printedSchema());
  });
});
