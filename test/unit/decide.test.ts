/**
 * `decide`, cell by cell of FlowX's permission matrix (the table of
 * helpers/permission-matrix.ts): for each capability, the rule of every
 * mutation that carries `@capability(name:)` is read from the schema itself,
 * each role column becomes the roles it gives in that mutation's scope, and
 * `decide` must answer what the table says: allow, or, for a denied cell,
 * FORBIDDEN where the role sees the scope and NOT_FOUND (invisible) where it
 * does not. A ✅* cell is allowed once a PROJECT_EDITOR grant is added.
 */
import { getDirective } from '@graphql-tools/utils';
import { describe, expect, it } from 'vitest';
import { decide, type AccessRole, type Decision, type HeldRoles, type ScopeLevel } from '../../src/access/roles.js';
import { readAccessRules } from '../../src/access/rules.js';
import { levelOf, type Scope } from '../../src/access/scopes.js';
import { buildSchema, scopedTypes } from '../../src/graphql/schema.js';
import { CELLS, MATRIX, ROLES, STARRED, type Cell, type Role } from '../helpers/permission-matrix.js';
import type { OrganizationRole, ProjectRole, WorkspaceRole } from '../helpers/seed.js';

const schema = buildSchema();
const { rules } = readAccessRules(schema, scopedTypes());

/** Where the object a scope argument names sits: a group in its workspace, a process instance in its project. */
const SCOPE_OF_ARGUMENT: Record<string, Scope> = {
  organizationId: { organizationId: 'o' },
  workspaceId: { organizationId: 'o', workspaceId: 'w' },
  groupId: { organizationId: 'o', workspaceId: 'w' },
  projectId: { organizationId: 'o', workspaceId: 'w', projectId: 'p' },
  processInstanceId: { organizationId: 'o', workspaceId: 'w', projectId: 'p' },
};

interface CapabilityRule {
  field: string;
  level: ScopeLevel;
  rule: { anyOf: AccessRole[]; principal: 'USER' | 'MACHINE' | null };
}

/** Each capability's mutations, with their rule and the level of their scope. */
const byCapability = new Map<string, CapabilityRule[]>();
const mutationType = schema.getMutationType()!;
for (const field of Object.values(mutationType.getFields())) {
  const capability = getDirective(schema, field, 'capability')?.[0]?.name as string | undefined;
  if (!capability) continue;
  const rule = rules.get(`Mutation.${field.name}`);
  if (rule?.kind !== 'role' || !rule.scopePath) throw new Error(`Mutation.${field.name} carries @capability without a scoped @requiresRole`);
  const scope = SCOPE_OF_ARGUMENT[rule.scopePath.at(-1)!];
  if (!scope) throw new Error(`Mutation.${field.name}: no scope known for ${rule.scopePath.join('.')}`);
  byCapability.set(capability, [...(byCapability.get(capability) ?? []), { field: field.name, level: levelOf(scope), rule }]);
}

/**
 * The roles each column holds, as the matrix's HTTP suite gives them: every
 * role but the organization admin is an organization READER and a member of
 * the workspace; the project roles are on the project every role acts on.
 */
const COLUMNS: Record<Role, { organization: OrganizationRole; workspace: WorkspaceRole[]; project: ProjectRole[] }> = {
  org_admin: { organization: 'OWNER', workspace: [], project: [] },
  workspace_admin: { organization: 'READER', workspace: ['WORKSPACE_ADMIN'], project: [] },
  workspace_user: { organization: 'READER', workspace: ['WORKSPACE_USER'], project: [] },
  theme_editor: { organization: 'READER', workspace: ['THEME_EDITOR'], project: [] },
  runtime_editor: { organization: 'READER', workspace: ['RUNTIME_EDITOR'], project: [] },
  operations_editor: { organization: 'READER', workspace: ['OPERATIONS_EDITOR'], project: [] },
  project_owner: { organization: 'READER', workspace: ['WORKSPACE_USER'], project: ['PROJECT_OWNER'] },
  project_editor: { organization: 'READER', workspace: ['WORKSPACE_USER'], project: ['PROJECT_EDITOR'] },
  project_viewer: { organization: 'READER', workspace: ['WORKSPACE_USER'], project: ['PROJECT_VIEWER'] },
};

/** Who sees the project without a grant of their own (docs/access-model.md, "Who sees a project"); everyone sees the organization and the workspace. */
const SEES_THE_PROJECT: Role[] = ['org_admin', 'workspace_admin', 'runtime_editor', 'operations_editor', 'project_owner', 'project_editor', 'project_viewer'];

/** What `role` holds in a scope at `level`: workspace roles only inside a workspace, project roles only inside a project. */
function held(role: Role, level: ScopeLevel, granted: ProjectRole[] = []): HeldRoles {
  const column = COLUMNS[role];
  return {
    principal: 'user',
    organization: column.organization,
    workspace: level === 'organization' ? [] : column.workspace,
    project: level === 'project' ? [...column.project, ...granted] : [],
  };
}

function expected(cell: Cell, role: Role, level: ScopeLevel): Decision {
  if (cell === 'allow') return 'allow';
  return level !== 'project' || SEES_THE_PROJECT.includes(role) ? 'forbidden' : 'invisible';
}

describe('decide, over every cell of the permission matrix', () => {
  it('finds a rule in the schema for each of the 15 capabilities, and nothing else carries one', () => {
    expect(MATRIX).toHaveLength(15);
    expect([...byCapability.keys()].sort()).toEqual(MATRIX.map((r) => r.capability).sort());
    expect(CELLS).toHaveLength(120);
    expect(ROLES).toHaveLength(9);
  });

  it.each(CELLS)('%s as %s: %s', (capability, role, cell) => {
    for (const { field, level, rule } of byCapability.get(capability)!) {
      expect(decide(held(role, level), level, rule), `${field} in a ${level} scope`).toBe(expected(cell, role, level));
    }
  });

  it.each(STARRED)('%s as %s with a PROJECT_EDITOR grant on the project: allow', (capability, role) => {
    for (const { field, level, rule } of byCapability.get(capability)!) {
      expect(level, field).toBe('project');
      expect(decide(held(role, level, ['PROJECT_EDITOR']), level, rule), field).toBe('allow');
    }
  });
});
