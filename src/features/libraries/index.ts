/** FlowX libraries (schema/libraries.graphql): project-like containers of reusable resources, their published versions. */
import type { Feature } from '../feature.js';
import { libraryObjects } from './objects.js';
import { libraryResolvers } from './library-resolvers.js';

export const libraries: Feature = {
  schema: 'libraries',
  resolvers: [libraryResolvers],
  objects: libraryObjects,
};
