/** The catalog (schema/catalog.graphql): an organization's environments, with generations and history, and packages. */
import type { Feature } from '../feature.js';
import { environmentResolvers } from './environment-resolvers.js';
import { catalogObjects } from './objects.js';
import { packageResolvers } from './package-resolvers.js';

export const catalog: Feature = {
  schema: 'catalog',
  resolvers: [environmentResolvers, packageResolvers],
  objects: catalogObjects,
};
