/** FlowX projects (schema/projects.graphql): one owner, editors and viewers, their configuration and runtime resources. */
import type { Feature } from '../feature.js';
import { projectObjects } from './objects.js';
import { projectResolvers } from './project-resolvers.js';
import { projectResourceResolvers } from './resource-resolvers.js';
import { scheduleResolvers } from './schedule-resolvers.js';

export const projects: Feature = {
  schema: 'projects',
  resolvers: [projectResolvers, projectResourceResolvers, scheduleResolvers],
  objects: projectObjects,
};
