/**
 * FORBIDDEN answers that say what is missing: the rule's roles, and the
 * organization, workspace or project they are needed in. Only principals
 * that can see the scope get one (an invisible scope is NOT_FOUND, with no
 * detail), so naming the scope tells them nothing new.
 */
import { forbidden, type RefusalScope } from '../errors.js';
import { toGlobalId } from '../lib/global-id.js';
import type { AccessRole } from './roles.js';
import { levelOf, type Scope } from './scopes.js';

const LEVEL_NAMES = { organization: 'ORGANIZATION', workspace: 'WORKSPACE', project: 'PROJECT' } as const;

export function refusalScope(scope: Scope): RefusalScope {
  const level = levelOf(scope);
  if (level === 'project') return { level: LEVEL_NAMES.project, id: toGlobalId('Project', scope.projectId!) };
  if (level === 'workspace') return { level: LEVEL_NAMES.workspace, id: toGlobalId('Workspace', scope.workspaceId!) };
  return { level: LEVEL_NAMES.organization, id: toGlobalId('Organization', scope.organizationId) };
}

/** The FORBIDDEN answer to a rule not met in `scope`. */
export function forbiddenBy(rule: { anyOf: readonly AccessRole[]; principal: 'USER' | 'MACHINE' | null }, scope: Scope) {
  const where = levelOf(scope);
  const who = rule.principal === null ? '' : ` (${rule.principal === 'USER' ? 'users' : 'machine clients'} only)`;
  return forbidden(`This needs ${rule.anyOf.join(' or ')} in this ${where}${who}`, { requiredRoles: rule.anyOf, scope: refusalScope(scope) });
}
