/**
 * docs/permissions.md, generated from the schema's directives: FlowX's
 * permission matrix as Orgraph enforces it (role x capability, computed with
 * the same role logic the server runs), then every field's rule.
 */
import { fileURLToPath } from 'node:url';
import { getDirective } from '@graphql-tools/utils';
import type { GraphQLSchema } from 'graphql';
import { readAccessRules, ruleAsWritten, type AccessRule } from '../src/access/rules.js';
import { SEED_TRACE, seedLines } from './seed-trace.js';
import { decide, type AccessRole, type HeldRoles } from '../src/access/roles.js';
import type { ProjectRole, WorkspaceRole } from '../src/db/schema.js';
import { mutationsByScopeType } from '../src/access/viewer-can.js';
import { buildSchema, scopedTypes } from '../src/graphql/schema.js';

export const PERMISSIONS_DOC_PATH = fileURLToPath(new URL('../docs/permissions.md', import.meta.url));

/** The seed's rows, in its order and sections. */
const SECTIONS: [string, string[]][] = [
  ['Workspace Management', ['Create workspace', 'Manage workspace users', 'Create projects']],
  ['Design & Branding', ['Edit themes', 'Manage fonts']],
  ['Runtime Operations', ['Create builds', 'Edit active policy', 'Manage config parameters']],
  ['Operations Management', ['Manage operations', 'Edit process variables']],
  ['Project Configuration', ['Edit processes', 'Manage templates', 'Configure integrations']],
  ['Access Control', ['Grant project access', 'Manage workspace access']],
];

const WORKSPACE_COLUMNS: [string, WorkspaceRole][] = [
  ['workspace_admin', 'WORKSPACE_ADMIN'],
  ['workspace_user', 'WORKSPACE_USER'],
  ['theme_editor', 'THEME_EDITOR'],
  ['runtime_editor', 'RUNTIME_EDITOR'],
  ['operations_editor', 'OPERATIONS_EDITOR'],
];
const PROJECT_COLUMNS: [string, ProjectRole][] = [
  ['project_owner', 'PROJECT_OWNER'],
  ['project_editor', 'PROJECT_EDITOR'],
  ['project_viewer', 'PROJECT_VIEWER'],
];

/** Where the seed's prose and table disagree, and what Orgraph does (the restrictive reading). */
const DISAGREEMENTS = [
  [
    'Edit process variables, workspace_user',
    'The table gives ✅; the prose says workspace_user runtime access is read-only ("Cannot create or modify runtime configurations").',
    'Denied.',
  ],
  [
    'Workspace admin and projects',
    'The prose says a workspace admin "has admin access to all projects in their workspace"; the table marks its project-configuration cells ✅\\*: only in projects it was granted.',
    'A workspace admin sees every project of its workspace (and its runtime resources), reads its configuration, and can grant access to anyone, itself included (audited); it edits processes, templates and integrations only with a PROJECT_EDITOR (or owner) grant.',
  ],
  [
    'Runtime and operations editors and projects',
    'The prose says runtime rights span "all projects in the workspace"; the note under the table says workspace roles need a grant for project resources.',
    'Runtime resources (builds, active policy, configuration parameters, process instances, operations, variables) are workspace-wide for RUNTIME_EDITOR, OPERATIONS_EDITOR and WORKSPACE_ADMIN, as the table\'s unstarred cells say; so these roles see every project of the workspace, but read or edit its configuration only with a grant.',
  ],
  [
    '✅\\* cells',
    'The note says workspace roles edit project resources only in projects they were granted, without saying which grant.',
    'Only a PROJECT_EDITOR or PROJECT_OWNER grant allows edits: a PROJECT_VIEWER grant is read-only ("Cannot edit any resources").',
  ],
  [
    'Test processes',
    'The prose lets project viewers "test processes"; the table has no row for it.',
    'startProcessInstance is open to PROJECT_VIEWER and up, and to workspace-wide runtime roles.',
  ],
  [
    'Transfer project ownership',
    'Listed for the project owner only; the table has no row for it.',
    'The project owner and the organization admin; the old owner stays as PROJECT_EDITOR.',
  ],
  [
    'Delete project',
    'The project owner card lists "Delete project"; the prose gives a workspace admin "admin access to all projects in their workspace".',
    'deleteProject is PROJECT_OWNER only (users): a workspace admin deletes a project only once it holds ownership (transferred to it); the organization admin holds every project role.',
  ],
  [
    'Scheduled processes',
    'The runtime card names runtime editors and admins for "Manage scheduled processes"; the table lets project owners and editors create builds and edit policies, but has no row for schedules.',
    'saveScheduledProcess, setScheduledProcessActive and deleteScheduledProcess are RUNTIME_EDITOR (WORKSPACE_ADMIN includes it) only; project roles and workspace users read them (Project.scheduledProcesses).',
  ],
  [
    'Process instances across the workspace',
    'Operations editors "View all process instances across workspace"; workspace users see those "for accessible projects".',
    'Workspace.processInstances is OPERATIONS_EDITOR or RUNTIME_EDITOR (and admins); everyone else reads Project.processInstances of the projects they see.',
  ],
  [
    'Libraries',
    'Workspace roles "Create projects and libraries"; the seed says nothing else of who works in a library.',
    'A library has a project\'s roles (an owner, editors, viewers, the everyone group pre-selected): the mutations that take a projectId take a library\'s ID too; it holds reusable resources only, and has no runtime (builds, policies, instances, schedules are BAD_USER_INPUT on it).',
  ],
  [
    'System settings',
    'Global fonts, out-of-office policies and platform status are listed for the organization admin only.',
    'Changing them is OWNER and users only; reading out-of-office policies and platform status is OWNER; global fonts are read by every member (workspaces use them).',
  ],
];

type Cell = '✅' | '✅\\*' | '❌' | 'N/A';

const user = (organization: HeldRoles['organization'], workspace: WorkspaceRole[] = [], project: ProjectRole[] = []): HeldRoles => ({
  principal: 'user',
  organization,
  workspace,
  project,
});

const PROJECT_ROLES = new Set<AccessRole>(['PROJECT_OWNER', 'PROJECT_EDITOR', 'PROJECT_VIEWER']);

function cellsOf(rule: Extract<AccessRule, { kind: 'role' }>, level: 'organization' | 'workspace' | 'project'): Cell[] {
  const allowed = (held: HeldRoles) => decide(held, level, rule) === 'allow';
  const namesProjectRoles = rule.anyOf.some((r) => PROJECT_ROLES.has(r));
  const onlyProjectRoles = rule.anyOf.every((r) => PROJECT_ROLES.has(r));
  const org: Cell = allowed(user('OWNER')) ? '✅' : '❌';
  const workspace = WORKSPACE_COLUMNS.map(([, role]): Cell => {
    if (allowed(user('READER', [role]))) return '✅';
    return onlyProjectRoles && allowed(user('READER', [role], ['PROJECT_EDITOR'])) ? '✅\\*' : '❌';
  });
  const project = PROJECT_COLUMNS.map(([, role]): Cell => (!namesProjectRoles ? 'N/A' : allowed(user('READER', [], [role])) ? '✅' : '❌'));
  return [org, ...workspace, ...project];
}

function ruleText(rule: AccessRule): string {
  if (rule.kind === 'public') return 'public';
  const who = rule.principal ? ` (${rule.principal === 'USER' ? 'users' : 'machine clients'} only)` : '';
  if (rule.kind === 'authenticated') return `any signed-in principal${who}`;
  const at = rule.at ? ` (decided in its ${rule.at})` : '';
  return `${rule.anyOf.join(' or ')}${rule.scopePath ? ` in \`${rule.scopePath.join('.')}\`` : ''}${at}${who}`;
}

/** How to ask why, and who holds what: answered by the same rules and `decide` as enforcement. */
const ASKING_WHY = [
  '## Asking why: `explainAccess`',
  '',
  '`explainAccess(principalId:, action:, resourceId:)` answers what the request itself would get: `ALLOWED`, `FORBIDDEN`',
  '(the principal sees the object but lacks the role) or `NOT_VISIBLE` (it would get NOT_FOUND or null), with the rule as',
  'written, the roles it accepts, every grant the principal holds that bears on it (`via` `DIRECT`, `GROUP` with the group,',
  '`EVERYONE_GROUP`, `ORGANIZATION_OWNER`, `MACHINE_CLIENT`) and one sentence to act on, e.g.',
  '"bob holds PROJECT_VIEWER on project alpha through the everyone group all_users_product; Mutation.saveProcess needs',
  'PROJECT_EDITOR on project alpha, or ...". `action` is a schema coordinate with a rule (`Mutation.saveProcess`,',
  '`Organization.auditLog`); `resourceId` the object the rule is scoped to (what the mutation\'s scope argument names, or',
  'the object whose field it is).',
  '',
  'Anyone may ask about themselves: about an object they cannot see, the answer is `NOT_VISIBLE` with no grants and the',
  'same sentence whether the object exists or not. An organization\'s owners may ask about anyone in it, and a',
  'workspace\'s admins about anyone in their workspace on anything in it. Anyone else gets null, as for an object that',
  'does not exist. The permission-matrix suite checks the answer against the real outcome on every cell.',
  '',
  '## Trying a rule change: candidate rules',
  '',
  'A `@candidateRule(role: | anyOf:, principal:, scope:, at:)` beside a field\'s (or a type\'s) live rule is tried without',
  'being enforced: every request is decided by the live rule, and wherever the candidate would decide otherwise',
  '`orgraph_candidate_rule_divergence_total{coordinate, live, candidate}` counts it and one log line names the request,',
  'the principal and both decisions. `npm run policy:test -- --candidate` checks the policy files with the candidates',
  'deciding (as `ACCESS_RULES=candidate` runs a server), so a change is tried against them before and after it ships.',
  'The table below lists each candidate beside its live rule.',
  '',
  '## Who holds what: access reviews',
  '',
  '`Organization.accessReview` (owners) lists every member and active machine client; `Workspace.accessReview`',
  '(workspace admins) every member of the organization with a role in the workspace or one of its projects, given to',
  'them or to a group they are in, and the organization\'s owners. Each principal comes with all its grants there (and',
  'their `via`) and `lastSeenAt`: when a token of it was last accepted, written at most once per five minutes per',
  'principal and process (never once per request), and heard by no cache, so an answer served from the response',
  'cache may show an older time until the next write. A page costs the same statements for ten principals or a thousand.',
];

export function renderPermissionsDoc(schema: GraphQLSchema = buildSchema()): string {
  const { rules, candidates } = readAccessRules(schema, scopedTypes());
  const mutationType = schema.getMutationType()!;
  const byCapability = new Map<string, { field: string; rule: Extract<AccessRule, { kind: 'role' }> }[]>();
  for (const field of Object.values(mutationType.getFields())) {
    const [capability] = getDirective(schema, field, 'capability') ?? [];
    const rule = rules.get(`Mutation.${field.name}`);
    if (!capability || rule?.kind !== 'role') continue;
    const list = byCapability.get(capability.name as string) ?? [];
    byCapability.set(capability.name as string, [...list, { field: field.name, rule }]);
  }
  const levelOfScope = (path: string[] | null) => {
    const arg = path?.at(-1) ?? '';
    return arg === 'organizationId' ? 'organization' : arg === 'workspaceId' || arg === 'groupId' ? 'workspace' : 'project';
  };

  const columns = ['org_admin', ...WORKSPACE_COLUMNS.map(([c]) => c), ...PROJECT_COLUMNS.map(([c]) => c)];
  const lines = [
    '# Permissions',
    '',
    '<!-- Generated by `npm run docs:permissions` from the schema\'s directives. Do not edit; the tests fail when it is stale. -->',
    '',
    "FlowX's permission matrix as Orgraph enforces it. Each cell is computed from the",
    '`@requiresRole` rule of the mutations that implement the row (named beside it),',
    'with the role logic the server runs. org_admin is a user who owns the organization.',
    '',
    '✅\\* : only in a project the user was granted PROJECT_EDITOR (or PROJECT_OWNER) on. N/A: the rule names no project role.',
    '',
    `| Capability | ${columns.join(' | ')} | mutations |`,
    `| --- | ${columns.map(() => '---').join(' | ')} | --- |`,
  ];
  for (const [section, capabilities] of SECTIONS) {
    lines.push(`| **${section}** | ${columns.map(() => '').join(' | ')} | |`);
    for (const capability of capabilities) {
      const implementations = byCapability.get(capability);
      if (!implementations) throw new Error(`No mutation carries @capability(name: "${capability}")`);
      const rendered = implementations.map(({ rule }) => cellsOf(rule, levelOfScope(rule.scopePath)).join(' | '));
      if (new Set(rendered).size > 1) throw new Error(`The mutations of "${capability}" disagree: ${implementations.map((i) => i.field).join(', ')}`);
      lines.push(`| ${capability} | ${rendered[0]} | ${implementations.map((i) => `\`${i.field}\``).join(', ')} |`);
    }
  }
  lines.push(
    '',
    "## Where the seed's prose and table disagree",
    '',
    'The more restrictive reading wins.',
    '',
    '| Where | Disagreement | Orgraph |',
    '| --- | --- | --- |',
    ...DISAGREEMENTS.map((row) => `| ${row.join(' | ')} |`),
    '',
    "The seed's table shows ❌ rather than N/A for project roles on \"Create workspace\", \"Manage workspace users\" and \"Manage workspace access\"; both mean that a project role gives nothing there.",
    '',
    "## Every line of the seed's role cards",
    '',
    'Each ✅ / ❌ line of the role cards and of the everyone group (`docs/seeds/003_08a88d3ee09f656d.txt`), with the rules that',
    'implement it, as written in the SDL, and the choice made where a rule alone does not say it. The table\'s rows are above;',
    '`test/unit/seed-trace.test.ts` fails when a line has no entry (the entries: `scripts/seed-trace.ts`).',
    '',
    '| Card | Line | Rules | How |',
    '| --- | --- | --- | --- |',
    ...seedLines().map(({ card, line }) => {
      const entry = SEED_TRACE[card]?.[line];
      if (!entry) throw new Error(`No entry in scripts/seed-trace.ts for "${card}: ${line}"`);
      const rules = entry.rules.map((coordinate) => {
        const [type, field] = coordinate.split('.') as [string, string];
        return `\`${coordinate}\` \`${ruleAsWritten(schema, type, field)}\``;
      });
      return `| ${card} | ${line} | ${rules.join('<br>')} | ${entry.choice ?? ''} |`;
    }),
    '',
    '## Asking instead of copying: `viewerCan`',
    '',
    'Every type that mutations take as their scope has `viewerCan`, one flag per such mutation, named as the mutation,',
    "answered from the same rule and the same `decide` as the mutation's own check, with the roles the request has already",
    'loaded (no statement per object of a list). A web app hides a button by asking `project { viewerCan { saveProcess } }`;',
    'checks of the input (CONFLICT, BAD_USER_INPUT) remain the mutation\'s. Adding a mutation with a scoped rule adds its flag.',
    '',
    '| Type | Flags |',
    '| --- | --- |',
    ...[...mutationsByScopeType(schema)].map(([type, mutations]) => `| \`${type}\` | ${mutations.map((m) => `\`${m.name}\``).join(', ')} |`),
    '',
    ...ASKING_WHY,
    '',
    '## Every field',
    '',
    'The rule of each field reachable from Query or Mutation (a field without its own rule has its type\'s), and the',
    '`@candidateRule` tried beside it, if any.',
    '',
    '| Field | Rule | Candidate |',
    '| --- | --- | --- |',
    ...[...rules].map(([coordinate, rule]) => {
      const candidate = candidates.get(coordinate)?.candidate;
      return `| \`${coordinate}\` | ${ruleText(rule)} | ${candidate ? ruleText(candidate) : ''} |`;
    }),
    '',
  );
  return lines.join('\n');
}
