/**
 * FlowX's "Quick capability comparison" table (seeds/003, in
 * helpers/permission-matrix.ts), every cell that is not N/A: 15 capabilities
 * x 9 roles, each role held by a real user with a real token, each
 * capability exercised through its mutation over HTTP. A ✅* cell is allowed
 * only on a project the user was granted PROJECT_EDITOR on.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CREATE_BUILD,
  CREATE_GROUP,
  CREATE_OPERATION,
  CREATE_PROJECT,
  CREATE_WORKSPACE,
  GRANT_PROJECT_ACCESS,
  SAVE_FONT,
  SAVE_INTEGRATION,
  SAVE_PROCESS,
  SAVE_TEMPLATE,
  SAVE_THEME,
  SET_ACTIVE_POLICY,
  SET_CONFIG_PARAMETER,
  SET_PROCESS_VARIABLE,
  SET_WORKSPACE_ROLE,
  START_PROCESS_INSTANCE,
} from '../helpers/operations.js';
import { CELLS, MATRIX, ROLES, STARRED, type Role } from '../helpers/permission-matrix.js';
import { flowxChecks } from '../helpers/flowx.js';
import type { Person } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let people: Record<Role, Person>;
let spare: Person[];
let orgId: string;
let workspaceId: string;
/** The project every role acts on: owned by project_owner, editor and viewer granted; no one else granted. */
let projectId: string;
/** A project each workspace-role user was granted PROJECT_EDITOR on (for ✅* cells). */
let grantedProjectId: string;
let buildId: string;
let instanceId: string;

const unique = () => randomBytes(4).toString('hex');

/** Each capability's mutation, with fresh input so that one attempt never collides with another. */
const ACTIONS: Record<string, (project: string) => [string, Record<string, unknown>]> = {
  'Create workspace': () => [CREATE_WORKSPACE, { organizationId: orgId, slug: `ws-${unique()}`, name: 'W' }],
  'Manage workspace users': () => [SET_WORKSPACE_ROLE, { workspaceId, userId: spare[0]!.id, role: 'WORKSPACE_USER' }],
  'Create projects': () => [CREATE_PROJECT, { workspaceId, slug: `p-${unique()}`, name: 'P', everyoneRole: null }],
  'Edit themes': () => [SAVE_THEME, { workspaceId, name: `theme-${unique()}`, tokens: { primary: '#000' } }],
  'Manage fonts': () => [SAVE_FONT, { workspaceId, family: `Font ${unique()}`, source: 'https://fonts.example/f.woff2' }],
  'Create builds': (project) => [CREATE_BUILD, { projectId: project, version: `1.0.${parseInt(unique(), 16)}` }],
  'Edit active policy': (project) => [SET_ACTIVE_POLICY, { projectId: project, buildId }],
  'Manage config parameters': (project) => [SET_CONFIG_PARAMETER, { projectId: project, key: `k_${unique()}`, value: 'v' }],
  'Manage operations': () => [CREATE_OPERATION, { processInstanceId: instanceId, kind: 'MIGRATION' }],
  'Edit process variables': () => [SET_PROCESS_VARIABLE, { processInstanceId: instanceId, name: `v_${unique()}`, value: 1 }],
  'Edit processes': (project) => [SAVE_PROCESS, { projectId: project, name: `process-${unique()}`, definition: { nodes: [] } }],
  'Manage templates': (project) => [SAVE_TEMPLATE, { projectId: project, name: `template-${unique()}`, body: { html: '' } }],
  'Configure integrations': (project) => [SAVE_INTEGRATION, { projectId: project, name: `int-${unique()}`, config: { url: 'x' } }],
  'Grant project access': (project) => [GRANT_PROJECT_ACCESS, { projectId: project, userId: spare[1]!.id, role: 'PROJECT_VIEWER' }],
  'Manage workspace access': () => [CREATE_GROUP, { workspaceId, name: `group-${unique()}` }],
};

beforeAll(async () => {
  const { people: matrix, spare: spares, ws } = await flowxChecks(t).matrixWorkspace('flowx', 'design', 'Design');
  orgId = ws.organization.id;
  people = matrix;
  spare = spares;
  workspaceId = ws.id;
  const main = await ws.project('main', { owner: 'project_owner', name: 'main', editors: ['project_editor'], viewers: ['project_viewer'], everyoneRole: null });
  projectId = main.id;
  const editors = ['workspace_admin', 'workspace_user', 'theme_editor', 'runtime_editor', 'operations_editor'];
  grantedProjectId = (await ws.project('granted', { owner: 'project_owner', name: 'granted', editors, everyoneRole: null })).id;
  const owner = people.project_owner.token;
  buildId = (await t.seed.mutate(owner, CREATE_BUILD, { projectId, version: '0.1.0' })).build.id;
  await t.seed.mutate(owner, SAVE_PROCESS, { projectId, name: 'onboarding', definition: { nodes: [] } });
  instanceId = (await t.seed.mutate(owner, START_PROCESS_INSTANCE, { projectId, processName: 'onboarding' })).processInstance.id;
}, 120_000);

describe('the permission matrix', () => {
  it('covers 15 capabilities and every cell that is not N/A', () => {
    expect(MATRIX).toHaveLength(15);
    expect(Object.keys(ACTIONS).sort()).toEqual(MATRIX.map((r) => r.capability).sort());
    expect(CELLS).toHaveLength(120);
  });

  it.each(CELLS)('%s as %s: %s', async (capability, role, cell) => {
    const [query, input] = ACTIONS[capability]!(projectId);
    const res = await t.server.graphql(people[role].token, query, { i: input });
    if (cell === 'allow') {
      expect(res.errors, res.raw).toBeUndefined();
    } else {
      // ✅* without a grant is refused too: workspace roles edit project resources only where granted.
      expect(res.errors?.length, res.raw).toBe(1);
      expect(['FORBIDDEN', 'NOT_FOUND'], res.raw).toContain(res.errors![0]!.extensions?.code);
    }
  });

  it.each(STARRED)('%s as %s on a project granted to them as PROJECT_EDITOR: allowed', async (capability, role) => {
    const [query, input] = ACTIONS[capability]!(grantedProjectId);
    const res = await t.server.graphql(people[role].token, query, { i: input });
    expect(res.errors, res.raw).toBeUndefined();
  });
});
