/** Where libraries and their versions sit: a library is a project scope, so project roles apply to it as they do to a project. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { Context } from '../context.js';
import { projectScopeOf } from '../projects/objects.js';

export const libraryObjects: ObjectTypes<Context> = {
  // The mutations that take a projectId take a library's ID too: `@actsAs(type: "Project")` in its SDL.
  Library: { scopeOf: projectScopeOf, visibleById: (ctx, id) => ctx.loaders.visibleLibraryById.load(id) },
  LibraryVersion: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleLibraryVersionById.load(id) },
};
