import { fileURLToPath } from 'node:url';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from './schema.js';

export const PRINTED_SCHEMA_PATH = fileURLToPath(new URL('../../docs/schema.graphql', import.meta.url));

/** The SDL as served, with the access-rule directives kept for tooling. */
export function printedSchema(): string {
  return printSdl(buildSchema());
}

/** A schema's SDL with its directives, descriptions as the SDL files write them; print before `describeRules` adds to them. */
export function printSdl(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(schema)}\n`;
}
