/** Who is calling (schema/viewer.graphql): the viewer, and the users it can see. */
import type { Feature } from '../feature.js';
import { viewerObjects } from './objects.js';
import { viewerResolvers } from './viewer-resolvers.js';

export const viewer: Feature = {
  schema: 'viewer',
  resolvers: [viewerResolvers],
  objects: viewerObjects,
};
