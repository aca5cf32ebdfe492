/** `npm run codegen`: writes src/__generated__/resolvers-types.ts from schema/*.graphql. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { generateResolverTypes, RESOLVER_TYPES_PATH } from './resolver-types.js';

mkdirSync(dirname(RESOLVER_TYPES_PATH), { recursive: true });
writeFileSync(RESOLVER_TYPES_PATH, await generateResolverTypes());
console.log(`Wrote ${RESOLVER_TYPES_PATH}`);
