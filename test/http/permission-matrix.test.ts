/**
 * FlowX's "Quick capability comparison" table (seeds/003, in
 * helpers/permission-matrix.ts), every cell that is not N/A: 15 capabilities
 * x 9 roles, each role held by a real user with a real token, each
 * capability exercised through its mutation over HTTP. A ✅* cell is allowed
 * only on a project the user was granted PROJECT_EDITOR on. Each cell is
 * also asked of `explainAccess` by the user about themselves: its decision
 * is the mutation's outcome (ALLOWED, FORBIDDEN, or NOT_VISIBLE for NOT_FOUND).
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CREATE_BUILD,
  CREATE_GROUP,
  CREATE_OPERATION,
  CREATE_PROJECT,
  CREATE_WORKSPACE,
  EXPLAIN_ACCESS,
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

/**
 * Each capability's mutation, with fresh input so that one attempt never
 * collides with another, and the object its rule is scoped to.
 */
const ACTIONS: Record<string, (project: string) => [query: string, input: Record<string, unknown>, resource: string]> = {
  'Create workspace': () => [CREATE_WORKSPACE, { organizationId: orgId, slug: `ws-${unique()}`, name: 'W' }, orgId],
  'Manage workspace users': () => [SET_WORKSPACE_ROLE, { workspaceId, userId: spare[0]!.id, role: 'WORKSPACE_USER' }, workspaceId],
  'Create projects': () => [CREATE_PROJECT, { workspaceId, slug: `p-${unique()}`, name: 'P', everyoneRole: null }, workspaceId],
  'Edit themes': () => [SAVE_THEME, { workspaceId, name: `theme-${unique()}`, tokens: { primary: '#000' } }, workspaceId],
  'Manage fonts': () => [SAVE_FONT, { workspaceId, family: `Font ${unique()}`, source: 'https://fonts.example/f.woff2' }, workspaceId],
  'Create builds': (project) => [CREATE_BUILD, { projectId: project, version: `1.0.${parseInt(unique(), 16)}` }, project],
  'Edit active policy': (project) => [SET_ACTIVE_POLICY, { projectId: project, buildId }, project],
  'Manage config parameters': (project) => [SET_CONFIG_PARAMETER, { projectId: project, key: `k_${unique()}`, value: 'v' }, project],
  'Manage operations': () => [CREATE_OPERATION, { processInstanceId: instanceId, kind: 'MIGRATION' }, instanceId],
  'Edit process variables': () => [SET_PROCESS_VARIABLE, { processInstanceId: instanceId, name: `v_${unique()}`, value: 1 }, instanceId],
  'Edit processes': (project) => [SAVE_PROCESS, { projectId: project, name: `process-${unique()}`, definition: { nodes: [] } }, project],
  'Manage templates': (project) => [SAVE_TEMPLATE, { projectId: project, name: `template-${unique()}`, body: { html: '' } }, project],
  'Configure integrations': (project) => [SAVE_INTEGRATION, { projectId: project, name: `int-${unique()}`, config: { url: 'x' } }, project],
  'Grant project access': (project) => [GRANT_PROJECT_ACCESS, { projectId: project, userId: spare[1]!.id, role: 'PROJECT_VIEWER' }, project],
  'Manage workspace access': () => [CREATE_GROUP, { workspaceId, name: `group-${unique()}` }, workspaceId],
};

/** The schema coordinate of the one mutation a document sends. */
const coordinateOf = (query: string) => `Mutation.${/\{\s*(\w+)/.exec(query)![1]}`;

const DECISION_OF_CODE: Record<string, string> = { FORBIDDEN: 'FORBIDDEN', NOT_FOUND: 'NOT_VISIBLE' };

/** Sends the capability's mutation as `person`, and asks explainAccess the same: both answers agree. */
async function attempt(capability: string, person: Person, project: string) {
  const [query, input, resource] = ACTIONS[capability]!(project);
  const res = await t.server.graphql(person.token, query, { i: input });
  const explained = await t.server.graphql(person.token, EXPLAIN_ACCESS, { p: person.id, a: coordinateOf(query), r: resource });
  const decision = res.errors ? DECISION_OF_CODE[String(res.errors[0]!.extensions?.code)] : 'ALLOWED';
  expect(explained.data?.explainAccess?.decision, `${explained.raw}\n${res.raw}`).toBe(decision);
  return res;
}

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
    const res = await attempt(capability, people[role], projectId);
    if (cell === 'allow') {
      expect(res.errors, res.raw).toBeUndefined();
    } else {
      // ✅* without a grant is refused too: workspace roles edit project resources only where granted.
      expect(res.errors?.length, res.raw).toBe(1);
      expect(['FORBIDDEN', 'NOT_FOUND'], res.raw).toContain(res.errors![0]!.extensions?.code);
    }
  });

  it.each(STARRED)('%s as %s on a project granted to them as PROJECT_EDITOR: allowed', async (capability, role) => {
    const res = await attempt(capability, people[role], grantedProjectId);
    expect(res.errors, res.raw).toBeUndefined();
  });
});
