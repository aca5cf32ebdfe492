/**
 * The SDL: `schema/base.graphql` (scalars, directives, shared types), then
 * one file per feature (`src/features/<feature>/`), in the order the
 * generated docs read. Read without loading any resolver, so codegen and the
 * printed schema never depend on the code they describe.
 */
import { readFileSync } from 'node:fs';

export const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

export const SDL_FILES = ['base', 'node', 'viewer', 'organizations', 'audit', 'catalog', 'workspaces', 'projects'];

export function loadTypeDefs(): string[] {
  return SDL_FILES.map((name) => readFileSync(new URL(`${name}.graphql`, SCHEMA_DIR), 'utf8'));
}
