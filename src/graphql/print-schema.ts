import { fileURLToPath } from 'node:url';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { buildSchema } from './schema.js';

export const PRINTED_SCHEMA_PATH = fileURLToPath(new URL('../../docs/schema.graphql', import.meta.url));

/** The SDL as served, with the access-rule directives kept for tooling. */
export function printedSchema(): string {
  return `${printSchemaWithDirectives(buildSchema())}\n`;
}
