/** Where the catalog's objects sit: every one inside its organization. */
import { placed, type ObjectTypes } from '../../access/scopes.js';
import type { Context } from '../context.js';

export const catalogObjects: ObjectTypes<Context> = {
  Environment: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visibleEnvironmentById.load(id) },
  EnvironmentGeneration: { scopeOf: placed },
  EnvironmentEvent: { scopeOf: placed },
  Package: { scopeOf: placed, visibleById: (ctx, id) => ctx.loaders.visiblePackageById.load(id) },
  PackageVersion: { scopeOf: placed },
};
