/**
 * The one sentence an explanation ends with: who holds what, through what,
 * and what the rule needs where, e.g. "bob holds PROJECT_VIEWER on project
 * alpha through the everyone group all_users_product; Mutation.saveProcess
 * needs PROJECT_EDITOR on project alpha, or RUNTIME_EDITOR in workspace
 * product".
 */
import { levelOfRole, WORKSPACE_WIDE_ROLES, type AccessRole } from '../../access/roles.js';
import type { AccessRule } from '../../access/rules.js';
import type { Scope } from '../../access/scopes.js';
import type { Db } from '../../db/client.js';
import type { AccessDecision, Grant } from './explanation.js';
import { groupNamesOf, type ScopeNames } from './subjects.js';

export interface Names {
  subject: string;
  scopes: ScopeNames;
  groups: Map<string, string>;
}

interface Facts {
  decision: AccessDecision;
  action: string;
  rule: AccessRule;
  requiredRoles: AccessRole[];
  grants: Grant[];
  scope: Scope;
  names: Names;
}

/** Where a role is held; without names (an object the asker cannot see), said of the object itself. */
const place = (names: ScopeNames | null, level: 'organization' | 'workspace' | 'project') =>
  names === null
    ? level === 'project' ? 'on the project' : level === 'workspace' ? 'in its workspace' : 'in its organization'
    : level === 'project' ? `on project ${names.project}` : level === 'workspace' ? `in workspace ${names.workspace}` : `in organization ${names.organization}`;

function held(grant: Grant, names: Names): string {
  const where = place(names.scopes, grant.scope.projectId ? 'project' : grant.scope.workspaceId ? 'workspace' : 'organization');
  switch (grant.via) {
    case 'DIRECT':
      return `${grant.role} ${where}`;
    case 'GROUP':
      return `${grant.role} ${where} through group ${names.groups.get(grant.group!.id) ?? '?'}`;
    case 'EVERYONE_GROUP':
      return `${grant.role} ${where} through the everyone group ${names.groups.get(grant.group!.id) ?? '?'}`;
    case 'ORGANIZATION_OWNER':
      return `${grant.role} ${where} as an owner of organization ${names.scopes.organization}`;
    case 'MACHINE_CLIENT':
      return `${grant.role} ${where} as its machine client`;
  }
}

function needs({ rule, action }: Pick<Facts, 'rule' | 'action'>, names: ScopeNames | null): string {
  if (rule.kind === 'public') return `${action} is public`;
  const who = rule.principal === null ? '' : rule.principal === 'USER' ? ' (users only)' : ' (machine clients only)';
  if (rule.kind === 'authenticated') return `${action} needs only a signed-in principal${who}`;
  const required = rule.anyOf.map((role) => `${role} ${place(names, levelOfRole(role))}`).join(', or ');
  return `${action} needs ${required}${who}`;
}

export async function reasonFor(db: Db, facts: Facts): Promise<string> {
  const groupIds = facts.grants.flatMap((g) => (g.group ? [g.group.id] : []));
  facts.names.groups = await groupNamesOf(db, facts.scope.organizationId, groupIds);
  const { names, grants, decision } = facts;
  const holds = grants.length > 0 ? `${names.subject} holds ${grants.map((g) => held(g, names)).join('; ')}` : `${names.subject} holds no role here`;
  if (decision === 'NOT_VISIBLE') {
    const level = facts.scope.projectId ? 'project' : facts.scope.workspaceId ? 'workspace' : 'organization';
    const what = level === 'project' ? `project ${names.scopes.project}` : level === 'workspace' ? `workspace ${names.scopes.workspace}` : `organization ${names.scopes.organization}`;
    const sees =
      level === 'project'
        ? `seeing a project needs a role on it, or ${WORKSPACE_WIDE_ROLES.join(' or ')} in workspace ${names.scopes.workspace}`
        : level === 'workspace'
          ? `seeing a workspace needs a role in it`
          : `seeing an organization needs a role in it`;
    return `${names.subject} cannot see ${what}: ${holds.replace(`${names.subject} holds`, 'it holds')}, and ${sees}; ${needs(facts, names.scopes)}.`;
  }
  return `${holds}; ${needs(facts, names.scopes)}${decision === 'ALLOWED' ? ': allowed' : ''}.`;
}

/**
 * For a principal asking about an object it cannot see: the same sentence
 * whether the object exists or not, as the request itself answers NOT_FOUND
 * for both.
 */
export function unseenReason(facts: Pick<Facts, 'rule' | 'action'>, typeName: string): string {
  return `This ${typeName} does not exist or is not visible to you; ${needs(facts, null)}.`;
}
