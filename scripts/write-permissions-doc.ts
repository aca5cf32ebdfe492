/** `npm run docs:permissions`: writes docs/permissions.md from the schema's directives. */
import { writeFileSync } from 'node:fs';
import { PERMISSIONS_DOC_PATH, renderPermissionsDoc } from './permissions-doc.js';

writeFileSync(PERMISSIONS_DOC_PATH, renderPermissionsDoc());
console.log(`Wrote ${PERMISSIONS_DOC_PATH}`);
