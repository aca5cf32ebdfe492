/**
 * Every ✅ / ❌ line of the FlowX seed's role cards and default groups
 * (docs/seeds/003_08a88d3ee09f656d.txt, a verbatim copy), each with the rules
 * that implement it (schema coordinates, whose directives docs/permissions.md
 * quotes) or the choice made where no rule can say it. The table's rows are
 * traced by their mutations' @capability. test/unit/seed-trace.test.ts fails
 * when a line of the seed has no entry here, or an entry no line.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const SEED_PATH = fileURLToPath(new URL('../docs/seeds/003_08a88d3ee09f656d.txt', import.meta.url));

export interface SeedLine {
  /** The role card (or section) the line is under: its `###` heading. */
  card: string;
  /** The mark and the text, e.g. `✅ Delete project`. */
  line: string;
}

/** The ✅ / ❌ lines outside the capability table, in the seed's order. */
export function seedLines(text = readFileSync(SEED_PATH, 'utf8')): SeedLine[] {
  const lines: SeedLine[] = [];
  let card = '';
  for (const raw of text.split('\n')) {
    const heading = /^###\s+(.+)$/.exec(raw);
    if (heading) card = heading[1]!.trim();
    if (raw.trimStart().startsWith('|')) continue; // the table: traced by @capability
    const mark = /(?:^|\s)([✅❌])\s*(.+?)\\?\s*$/.exec(raw);
    if (mark) lines.push({ card, line: `${mark[1]} ${mark[2]!.trim()}` });
  }
  return lines;
}

export interface TraceEntry {
  /** Type.field coordinates whose rules implement the line. */
  rules: string[];
  /** How the line is met where its rules alone do not say it (or why it is not served). */
  choice?: string;
}

const M = (...names: string[]) => names.map((n) => `Mutation.${n}`);
const P = (...names: string[]) => names.map((n) => `Project.${n}`);
const W = (...names: string[]) => names.map((n) => `Workspace.${n}`);

const SAVES = M('saveProcess', 'saveTemplate', 'saveIntegration', 'saveWorkflow', 'saveEnumeration', 'saveProjectMedia', 'saveAiAgent', 'saveReusableResource', 'saveProjectSetting');
const CONFIG_READS = P('processes', 'templates', 'integrations', 'workflows', 'enumerations', 'media', 'aiAgents', 'reusableResources', 'settings');
const INHERITED = 'WORKSPACE_USER is included in this role (access/roles.ts), so every rule met by WORKSPACE_USER is met by it.';
const WORKSPACE_VIEWS = [...W('themes', 'fonts', 'media', 'defaultTheme', 'settings'), 'Theme.sections'];

const CONFIGURATION = {
  '✅ All configuration resources (full access)': { rules: SAVES },
  '✅ Processes, workflows, enumerations': { rules: M('saveProcess', 'saveWorkflow', 'saveEnumeration') },
  '✅ Templates, media, integrations': { rules: M('saveTemplate', 'saveProjectMedia', 'saveIntegration') },
  '✅ AI agents, reusable resources': { rules: M('saveAiAgent', 'saveReusableResource') },
  '✅ All project settings': { rules: M('saveProjectSetting') },
};
const INHERITED_LINES = {
  '✅ Create projects and libraries': { rules: M('createProject', 'createLibrary') },
  '✅ View workspace resources': { rules: WORKSPACE_VIEWS },
  '✅ Standard workspace user capabilities': { rules: ['Workspace.id'], choice: INHERITED },
};

/** Card -> line -> entry. */
export const SEED_TRACE: Record<string, Record<string, TraceEntry>> = {
  'Organization admin': {
    '✅ Create, edit, and delete workspaces': {
      rules: M('createWorkspace', 'updateWorkspace'),
      choice: 'Deleting a workspace is not offered: the seed lists "Workspace deletion functionality not available" among its current limitations.',
    },
    '✅ Configure organization settings': { rules: M('updateOrganization') },
    '✅ Manage organization-wide users and groups': {
      rules: M('addOrganizationMember', 'changeOrganizationMemberRole', 'removeOrganizationMember', 'createGroup', 'addGroupMembers', 'deleteGroup'),
      choice:
        'Organization-wide users are the organization\'s members. Groups live in workspaces (PRODUCT.md); the organization admin holds WORKSPACE_ADMIN in every workspace and so manages every group. There are no organization-wide groups: nothing in the seed grants a role to one.',
    },
    '✅ Access all projects across all workspaces': { rules: ['Project.id', ...W('projects', 'libraries')], choice: 'A user who owns the organization holds every workspace and project role in it (access/roles.ts).' },
    '✅ Manage global font resources': { rules: [...M('saveGlobalFont'), 'Organization.fonts'] },
    '✅ Configure out of office policies': { rules: [...M('saveOutOfOfficePolicy'), 'Organization.outOfOfficePolicies'] },
    '✅ Monitor platform status': { rules: ['Organization.platformStatus'] },
    '✅ View organization audit logs': { rules: ['Organization.auditLog'] },
    '✅ Access all workspace audit logs': { rules: ['Organization.auditLog', 'Workspace.auditLog'] },
    '✅ Monitor system health across organization': { rules: ['Organization.platformStatus'] },
    '❌ Cannot edit or delete audit entries (read-only)': {
      rules: ['AuditEvent.id'],
      choice: 'No mutation edits or deletes audit events, and a trigger rejects UPDATE, DELETE and TRUNCATE on audit_events (migrations/0001_invariants.sql); deleteProject leaves the project\'s events in place.',
    },
  },
  'Workspace admin': {
    '✅ Create projects and libraries': { rules: M('createProject', 'createLibrary') },
    '✅ Manage workspace themes and fonts': { rules: M('saveTheme', 'deleteTheme', 'saveFont', 'setDefaultTheme', 'saveThemeSection') },
    '✅ Manage global media library': { rules: M('saveWorkspaceMedia') },
    '✅ Configure workspace settings': { rules: M('updateWorkspace') },
    '✅ View workspace audit logs': { rules: ['Workspace.auditLog'] },
    '✅ Add and remove workspace users': { rules: M('setWorkspaceRole', 'removeWorkspaceMember') },
    '✅ Create and manage groups': { rules: M('createGroup', 'addGroupMember', 'addGroupMembers', 'removeGroupMember', 'deleteGroup') },
    '✅ Assign workspace roles': { rules: M('setWorkspaceRole') },
    '✅ Manage user permissions': { rules: M('setWorkspaceRole', 'grantProjectAccess', 'revokeProjectAccess') },
    '❌ Cannot create or delete workspaces': { rules: M('createWorkspace') },
    '✅ Create and view builds': { rules: [...M('createBuild'), 'Project.builds'] },
    '✅ Manage active policies': { rules: M('setActivePolicy') },
    '✅ Configure scheduled processes': { rules: M('saveScheduledProcess', 'setScheduledProcessActive', 'deleteScheduledProcess') },
    '✅ Manage configuration parameter overrides': { rules: M('setConfigParameter', 'deleteConfigParameter') },
    '✅ View and edit process instances': { rules: ['Project.processInstances', 'Workspace.processInstances', ...M('setProcessVariable', 'createOperation')] },
    '✅ Edit process variables on active instances': { rules: M('setProcessVariable') },
  },
  'Workspace user': {
    '✅ Create projects and libraries': { rules: M('createProject', 'createLibrary') },
    '✅ View workspace themes (read-only)': { rules: [...W('themes', 'defaultTheme'), 'Theme.sections', ...M('saveTheme')] },
    '✅ View workspace fonts (read-only)': { rules: [...W('fonts'), ...M('saveFont')] },
    '✅ View global media library (read-only)': { rules: [...W('media'), ...M('saveWorkspaceMedia')] },
    '✅ View workspace users, groups, and roles (read-only)': { rules: W('members', 'groups', 'roles', 'searchPrincipals', 'viewerRoles') },
    '❌ Cannot manage workspace settings': { rules: M('updateWorkspace') },
    '✅ View builds for accessible projects': { rules: P('builds') },
    '✅ View active policies (read-only)': { rules: P('activePolicy') },
    '✅ View scheduled processes (read-only)': { rules: P('scheduledProcesses') },
    '✅ View configuration parameters (read-only)': { rules: P('configParameters') },
    '✅ View process instances for accessible projects (read-only)': { rules: P('processInstances') },
    '❌ Cannot create or modify runtime configurations': {
      rules: M('createBuild', 'setActivePolicy', 'setConfigParameter', 'saveScheduledProcess', 'setScheduledProcessActive', 'setProcessVariable', 'createOperation'),
      choice: 'The table\'s ✅ for workspace_user on "Edit process variables" is denied: the more restrictive prose wins.',
    },
    '✅ Create new projects (becomes owner)': { rules: M('createProject') },
    '✅ Access granted projects based on project role (read-only)': { rules: ['Project.id', 'Workspace.projects'] },
    '❌ Cannot view all workspace projects by default': { rules: ['Project.id', 'Workspace.projects'] },
    '❌ Needs explicit project access from project owner (read-only)': { rules: M('grantProjectAccess') },
  },
  'Theme editor': {
    '✅ Create, edit, and delete themes': { rules: M('saveTheme', 'deleteTheme') },
    '✅ Manage workspace fonts (full access)': { rules: M('saveFont') },
    '✅ Manage global media library': { rules: M('saveWorkspaceMedia') },
    '✅ Set default themes': { rules: M('setDefaultTheme') },
    '✅ Configure theme sections': { rules: M('saveThemeSection') },
    ...INHERITED_LINES,
    '✅ View runtime information (read-only)': { rules: P('builds', 'activePolicy', 'configParameters', 'scheduledProcesses', 'processInstances'), choice: 'In projects it was granted, as for workspace users.' },
  },
  'Workspace runtime editor': {
    '✅ Create builds from library versions': { rules: [...M('createBuild'), 'Build.libraryVersion'], choice: 'createBuild takes `libraryVersionId`: a published version of a library of the same workspace.' },
    '✅ Edit active policies': { rules: M('setActivePolicy') },
    '✅ Manage scheduled processes (activate, deactivate, delete)': { rules: M('saveScheduledProcess', 'setScheduledProcessActive', 'deleteScheduledProcess') },
    '✅ Create, edit, and delete configuration parameter overrides': { rules: M('setConfigParameter', 'deleteConfigParameter') },
    '✅ Edit process instances': { rules: M('setProcessVariable', 'createOperation') },
    ...INHERITED_LINES,
  },
  'Workspace operations editor': {
    '✅ Create, view, edit, and delete operations (migration & move token)': {
      rules: [...M('createOperation'), 'ProcessInstance.operations'],
      choice: 'An operation is a record of what was done to an instance: created and viewed, never edited or deleted (like audit events).',
    },
    '✅ Edit process instances': { rules: M('setProcessVariable', 'createOperation') },
    '✅ Edit process variables on active instances': { rules: M('setProcessVariable') },
    '✅ View all process instances across workspace': { rules: ['Workspace.processInstances', 'Project.processInstances'] },
    ...INHERITED_LINES,
  },
  'Project owner': {
    '✅ Complete project ownership and governance': { rules: M('grantProjectAccess', 'revokeProjectAccess', 'transferProjectOwnership', 'deleteProject') },
    '✅ Grant/revoke project access': { rules: M('grantProjectAccess', 'revokeProjectAccess') },
    '✅ Delete project': { rules: M('deleteProject') },
    '✅ Transfer project ownership': { rules: M('transferProjectOwnership') },
    '✅ Full administrative control': { rules: M('grantProjectAccess', 'revokeProjectAccess', 'transferProjectOwnership', 'deleteProject') },
    ...CONFIGURATION,
  },
  'Project editor': {
    ...CONFIGURATION,
    '❌ Cannot manage project access': { rules: M('grantProjectAccess', 'revokeProjectAccess') },
    '❌ Cannot grant/revoke project access': { rules: M('grantProjectAccess', 'revokeProjectAccess') },
    '❌ Cannot delete project': { rules: M('deleteProject') },
    '❌ No administrative rights over project': { rules: M('grantProjectAccess', 'revokeProjectAccess', 'transferProjectOwnership', 'deleteProject') },
  },
  'Project viewer': {
    '✅ View all configuration resources': { rules: [...CONFIG_READS, 'Project.export'] },
    '✅ View processes, workflows, enumerations': { rules: P('processes', 'workflows', 'enumerations') },
    '✅ View templates, media, integrations': { rules: P('templates', 'media', 'integrations') },
    '✅ View project settings and dependencies': {
      rules: [...P('settings', 'builds'), 'Build.libraryVersion'],
      choice: "A project's dependencies are the library versions its builds were made from.",
    },
    '✅ Export project resources': { rules: P('export') },
    '✅ Test processes and workflows': { rules: M('startProcessInstance') },
    '❌ Cannot edit any resources': { rules: SAVES },
    '❌ Cannot create any resources': { rules: [...SAVES, ...M('createBuild', 'saveScheduledProcess')] },
    '❌ Cannot delete any resources': { rules: M('deleteProject', 'deleteScheduledProcess') },
    '❌ Cannot modify configurations': { rules: [...SAVES, ...M('setConfigParameter', 'setActivePolicy')] },
    '❌ Cannot create builds or deployments': { rules: M('createBuild', 'setActivePolicy') },
  },
  'Everyone in workspace group': {
    '✅ Created automatically during workspace provisioning': { rules: M('createWorkspace'), choice: 'A trigger creates it with the workspace (migrations/0004_workspace_invariants.sql).' },
    '✅ Users automatically added when granted workspace access': { rules: M('setWorkspaceRole'), choice: 'A trigger keeps its members equal to the workspace\'s, in the same transaction.' },
    '✅ Users automatically removed when workspace access revoked': { rules: M('removeWorkspaceMember'), choice: 'The same trigger.' },
    '✅ Pre-selected when creating new projects/libraries': {
      rules: M('createProject', 'createLibrary'),
      choice: '`everyoneRole` defaults to PROJECT_VIEWER on both inputs; null grants nothing.',
    },
    '✅ Appears in user/group search results': { rules: W('searchPrincipals') },
    '❌ Cannot be edited, deleted, or duplicated': {
      rules: M('deleteGroup', 'createGroup'),
      choice: 'deleteGroup on it is a CONFLICT (and a trigger refuses it); custom groups cannot take an `all_users_` name.',
    },
    '❌ Membership cannot be manually modified': { rules: M('addGroupMember', 'addGroupMembers', 'removeGroupMember'), choice: 'Each is a CONFLICT on the everyone group.' },
  },
};
