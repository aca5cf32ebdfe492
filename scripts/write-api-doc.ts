/** `npm run docs:api`: writes docs/api.md from the schema and its directives. */
import { writeFileSync } from 'node:fs';
import { API_DOC_PATH, renderApiDoc } from './api-doc.js';

writeFileSync(API_DOC_PATH, renderApiDoc());
console.log(`Wrote ${API_DOC_PATH}`);
