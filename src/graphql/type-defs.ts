/**
 * The SDL: `schema/base.graphql` (scalars, directives, shared types), then
 * one file per feature (`src/features/<feature>/`), in the order the
 * generated docs read, and the types derived from their rules. Read
 * without loading any resolver, so codegen and the printed schema never
 * depend on the code they describe.
 */
import { readFileSync } from 'node:fs';
import { viewerCanTypeDefs } from '../access/viewer-can.js';

export const SCHEMA_DIR = new URL('../../schema/', import.meta.url);

export const SDL_FILES = ['base', 'node', 'viewer', 'organizations', 'audit', 'catalog', 'workspaces', 'projects', 'libraries', 'system', 'access'];

/** The SDL files' text. */
export function sdlFileTypeDefs(): string[] {
  return SDL_FILES.map((name) => readFileSync(new URL(`${name}.graphql`, SCHEMA_DIR), 'utf8'));
}

/** The whole SDL: the files, and what is derived from their rules (`viewerCan`, access/viewer-can.ts). */
export function loadTypeDefs(files: string[] = sdlFileTypeDefs()): string[] {
  return [...files, viewerCanTypeDefs(files)];
}
