/** Where an object sits in the access model: organization > workspace > project. */
import type { ScopeLevel } from './roles.js';

export interface Scope {
  organizationId: string;
  workspaceId?: string | null | undefined;
  projectId?: string | null | undefined;
}

export const levelOf = (scope: Scope): ScopeLevel =>
  scope.projectId ? 'project' : scope.workspaceId ? 'workspace' : 'organization';
