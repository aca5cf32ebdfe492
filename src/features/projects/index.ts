/** FlowX projects (schema/projects.graphql): one owner, editors and viewers, and the resources of the permission matrix. */
import type { Feature } from '../feature.js';
import { projectObjects } from './objects.js';
import { projectResolvers } from './project-resolvers.js';
import { projectResourceResolvers } from './resource-resolvers.js';

export const projects: Feature = {
  schema: 'projects',
  resolvers: [projectResolvers, projectResourceResolvers],
  objects: projectObjects,
};
