/**
 * `npm run schema:print`: writes the schema, directives included, to
 * docs/schema.graphql for tooling (codegen, IDEs, registries). The tests fail
 * when the committed file differs from what the SDL produces.
 */
import { writeFileSync } from 'node:fs';
import { printedSchema, PRINTED_SCHEMA_PATH } from '../src/graphql/print-schema.js';

writeFileSync(PRINTED_SCHEMA_PATH, printedSchema());
console.log(`Wrote ${PRINTED_SCHEMA_PATH}`);
