/** The organization admin's system settings (schema/system.graphql): global fonts, out-of-office policies, platform status. */
import type { Feature } from '../feature.js';
import { systemObjects } from './objects.js';
import { systemResolvers } from './system-resolvers.js';

export const system: Feature = {
  schema: 'system',
  resolvers: [systemResolvers],
  objects: systemObjects,
};
