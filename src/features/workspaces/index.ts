/** FlowX workspaces (schema/workspaces.graphql): their roles, members, groups (the everyone group among them), themes and fonts. */
import type { Feature } from '../feature.js';
import { designResolvers } from './design-resolvers.js';
import { groupResolvers } from './group-resolvers.js';
import { workspaceObjects } from './objects.js';
import { workspaceResolvers } from './workspace-resolvers.js';

export const workspaces: Feature = {
  schema: 'workspaces',
  resolvers: [workspaceResolvers, groupResolvers, designResolvers],
  objects: workspaceObjects,
};
