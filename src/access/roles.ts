/**
 * The role hierarchy of the access model, in one place:
 * - organization: OWNER > WRITER > READER;
 * - workspace: WORKSPACE_ADMIN includes the other four, and THEME_EDITOR,
 *   RUNTIME_EDITOR and OPERATIONS_EDITOR each include WORKSPACE_USER;
 * - project: PROJECT_OWNER > PROJECT_EDITOR > PROJECT_VIEWER;
 * - a *user* who owns the organization holds every workspace and project role
 *   in it (FlowX's organization admin). A machine client never does: it acts
 *   only at the organization level.
 */
import type { OrganizationRole, ProjectRole, WorkspaceRole } from '../db/schema.js';
import type { Principal } from '../identity/principal.js';

export type AccessRole = OrganizationRole | WorkspaceRole | ProjectRole;

const ORGANIZATION_RANK: Record<OrganizationRole, number> = { READER: 1, WRITER: 2, OWNER: 3 };
const PROJECT_RANK: Record<ProjectRole, number> = { PROJECT_VIEWER: 1, PROJECT_EDITOR: 2, PROJECT_OWNER: 3 };
export const WORKSPACE_INCLUDES: Record<WorkspaceRole, readonly WorkspaceRole[]> = {
  WORKSPACE_ADMIN: ['WORKSPACE_ADMIN', 'WORKSPACE_USER', 'THEME_EDITOR', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR'],
  THEME_EDITOR: ['THEME_EDITOR', 'WORKSPACE_USER'],
  RUNTIME_EDITOR: ['RUNTIME_EDITOR', 'WORKSPACE_USER'],
  OPERATIONS_EDITOR: ['OPERATIONS_EDITOR', 'WORKSPACE_USER'],
  WORKSPACE_USER: ['WORKSPACE_USER'],
};

const isOrganizationRole = (r: AccessRole): r is OrganizationRole => r in ORGANIZATION_RANK;
const isProjectRole = (r: AccessRole): r is ProjectRole => r in PROJECT_RANK;

/** Where a role is held: organization roles in an organization, and so on. */
export const levelOfRole = (role: AccessRole): 'organization' | 'workspace' | 'project' =>
  isOrganizationRole(role) ? 'organization' : isProjectRole(role) ? 'project' : 'workspace';

/** What a principal holds in one scope: its organization role, and its workspace and project roles there. */
export interface HeldRoles {
  principal: Principal['kind'];
  organization: OrganizationRole | null;
  /** Direct and through groups; empty outside a workspace scope. */
  workspace: readonly WorkspaceRole[];
  /** Direct and through groups; empty outside a project scope. */
  project: readonly ProjectRole[];
}

/**
 * FlowX's organization admin: a *user* holding this organization role holds
 * every workspace and project role inside. The checks below and the
 * visibility SQL (visibility.ts) both read the rule from here.
 */
export const ORGANIZATION_ADMIN: OrganizationRole = 'OWNER';

export const isOrganizationAdmin = (held: HeldRoles) => held.principal === 'user' && held.organization === ORGANIZATION_ADMIN;

export function satisfies(held: HeldRoles, anyOf: readonly AccessRole[]): boolean {
  if (held.organization === null) return false;
  // A loop, not anyOf.some(closure): this runs for every guarded field and workspace-level object of a response.
  for (const required of anyOf) if (holds(held, held.organization, required)) return true;
  return false;
}

function holds(held: HeldRoles, organization: OrganizationRole, required: AccessRole): boolean {
  if (isOrganizationRole(required)) return ORGANIZATION_RANK[organization] >= ORGANIZATION_RANK[required];
  if (isOrganizationAdmin(held)) return true;
  if (isProjectRole(required)) return held.project.some((role) => PROJECT_RANK[role] >= PROJECT_RANK[required]);
  return held.workspace.some((role) => WORKSPACE_INCLUDES[role].includes(required));
}

/** Workspace roles whose rights span every project of the workspace, so they see every project. */
export const WORKSPACE_WIDE_ROLES: readonly WorkspaceRole[] = ['WORKSPACE_ADMIN', 'RUNTIME_EDITOR', 'OPERATIONS_EDITOR'];

export type ScopeLevel = 'organization' | 'workspace' | 'project';

/**
 * Whether the principal can see the scope at all. Where it cannot, objects
 * read as null and actions answer NOT_FOUND, as if the scope did not exist.
 */
export function canSee(held: HeldRoles, level: ScopeLevel): boolean {
  if (held.organization === null) return false;
  if (level === 'organization' || isOrganizationAdmin(held)) return true;
  if (level === 'workspace') return held.workspace.length > 0;
  return held.project.length > 0 || held.workspace.some((role) => WORKSPACE_WIDE_ROLES.includes(role));
}

export type Decision = 'allow' | 'forbidden' | 'invisible';

/** The answer to one rule in one scope: allowed, FORBIDDEN, or NOT_FOUND (the scope is invisible). */
export function decide(
  held: HeldRoles,
  level: ScopeLevel,
  rule: { anyOf: readonly AccessRole[]; principal: 'USER' | 'MACHINE' | null },
): Decision {
  if (!canSee(held, level)) return 'invisible';
  if (rule.principal !== null && held.principal !== rule.principal.toLowerCase()) return 'forbidden';
  return satisfies(held, rule.anyOf) ? 'allow' : 'forbidden';
}
