/** Organizations (schema/organizations.graphql): FloxHub's owners, writers and readers, and the machine clients that act as them. */
import type { Feature } from '../feature.js';
import { machineClientResolvers } from './machine-client-resolvers.js';
import { memberResolvers } from './member-resolvers.js';
import { organizationObjects } from './objects.js';
import { organizationResolvers } from './organization-resolvers.js';

export const organizations: Feature = {
  schema: 'organizations',
  resolvers: [organizationResolvers, memberResolvers, machineClientResolvers],
  objects: organizationObjects,
};
