/**
 * No N+1, authorization included: the statements a nested read costs depend
 * on the query's shape, not on how many rows its lists hold.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CREATE_BUILD_FROM_LIBRARY,
  CREATE_ENVIRONMENT,
  CREATE_LIBRARY,
  PUBLISH_LIBRARY_VERSION,
  PUBLISH_PACKAGE,
  PUSH_GENERATION,
  SAVE_PROCESS,
  SAVE_REUSABLE_RESOURCE,
  SAVE_SCHEDULED_PROCESS,
  SAVE_WORKFLOW,
} from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();

const NESTED = `{
  organizations(first: 100) {
    edges { node {
      slug viewerRole
      members(first: 10) { edges { node { role user { subject email } } } }
      machineClients(first: 10) { edges { node { clientId organization { slug } } } }
    } }
  }
}`;

const CATALOG = `query($slug: String!) {
  organization(slug: $slug) {
    environments(first: 100) { edges { node {
      name owner { subject }
      currentGeneration { number manifest }
      generations(first: 10) { edges { node { number description manifest createdBy { __typename ... on User { subject } ... on MachineClient { clientId } } } } }
      history(first: 10) { edges { node { kind actor { __typename } } } }
    } } }
    packages(first: 100) { edges { node { name versions { version systems publishedBy { __typename } } } } }
  }
}`;

/** `size` environments with three generations each (one pushed by a machine client) and `size` packages with two versions. */
async function catalogOf(slug: string, size: number) {
  const org = await t.seed.organization(slug, { owner: `${slug}-owner` });
  const ci = (await org.machineClient(`${slug}-ci`, 'WRITER', 'CI')).token;
  for (let i = 0; i < size; i++) {
    const environmentId = (await t.seed.mutate(org.owner.token, CREATE_ENVIRONMENT, { organizationId: org.id, name: `env-${i}`, manifest: { install: {} } })).environment.id;
    await t.seed.mutate(ci, PUSH_GENERATION, { environmentId, manifest: { install: { go: {} } }, description: 'from CI' });
    await t.seed.mutate(org.owner.token, PUSH_GENERATION, { environmentId, manifest: { install: { go: {}, jq: {} } }, description: 'by hand' });
    for (const version of ['1.0.0', '1.1.0']) {
      await t.seed.mutate(i % 2 ? ci : org.owner.token, PUBLISH_PACKAGE, { organizationId: org.id, name: `pkg-${i}`, version, systems: ['x86_64-linux'] });
    }
  }
  return org;
}

const FLOWX = `query($org: String!, $ws: String!) {
  organization(slug: $org) { workspace(slug: $ws) {
    projects(first: 50) { edges { node {
      slug processes { name } workflows { name } export
      scheduledProcesses { name active organization { slug } }
      builds { version libraryVersion { version library { slug } } }
      grants { role user { subject } group { name } }
    } } }
    libraries(first: 50) { edges { node { slug reusableResources { name } versions { version publishedBy { subject } } grants { role } } } }
    media { name } roles { role }
  } }
}`;

/** A workspace with \`size\` projects (a process, a workflow, a schedule, a build from a library version each) and \`size\` libraries with a version each. */
async function flowxOf(slug: string, size: number) {
  const org = await t.seed.organization(slug, { owner: `${slug}-owner` });
  const ws = await org.workspace(`${slug}-ws`);
  const token = org.owner.token;
  for (let i = 0; i < size; i++) {
    const libraryId = (await t.seed.mutate(token, CREATE_LIBRARY, { workspaceId: ws.id, slug: `lib-${i}`, name: `Lib ${i}` })).library.id;
    await t.seed.mutate(token, SAVE_REUSABLE_RESOURCE, { projectId: libraryId, name: 'part', body: {} });
    const libraryVersionId = (await t.seed.mutate(token, PUBLISH_LIBRARY_VERSION, { libraryId, version: '1.0.0' })).libraryVersion.id;
    const projectId = (await ws.project(`p-${i}`, { owner: org.owner })).id;
    await t.seed.mutate(token, SAVE_PROCESS, { projectId, name: 'main', definition: {} });
    await t.seed.mutate(token, SAVE_WORKFLOW, { projectId, name: 'flow', definition: {} });
    await t.seed.mutate(token, SAVE_SCHEDULED_PROCESS, { projectId, name: 'nightly', processName: 'main', schedule: '0 2 * * *' });
    await t.seed.mutate(token, CREATE_BUILD_FROM_LIBRARY, { projectId, version: '1.0.0', libraryVersionId });
  }
}

beforeAll(async () => {
  await flowxOf('fx-small', 2);
  await flowxOf('fx-large', 8);
  await catalogOf('small', 3);
  await catalogOf('large', 30);
  // few-owner owns 3 organizations, many-owner 30, each with two more members.
  for (const [owner, count] of [['few', 3], ['many', 30]] as const) {
    for (let i = 0; i < count; i++) {
      const org = await t.seed.organization(`${owner}-${i}`, { owner: `${owner}-owner`, writers: [`${owner}-w${i}`], readers: [`${owner}-r${i}`] });
      await org.machineClient(`${owner}-${i}-ci`, 'READER', 'CI');
    }
  }
}, 120_000);

async function statementsFor(person: string, query = NESTED, variables?: Record<string, unknown>) {
  const token = (await t.seed.person(person)).token;
  const before = await t.server.metric('orgraph_db_statements_total');
  const res = await t.server.graphql(token, query, variables);
  expect(res.errors, res.raw).toBeUndefined();
  return { statements: (await t.server.metric('orgraph_db_statements_total')) - before, data: res.data };
}

describe('a nested read of organizations, members, users and machine clients', () => {
  it('costs the same number of statements for 3 organizations as for 30', async () => {
    const few = await statementsFor('few-owner');
    const many = await statementsFor('many-owner');
    expect([few.data.organizations.edges.length, many.data.organizations.edges.length]).toEqual([3, 30]);
    expect(many.statements).toBe(few.statements);
    // principal, organizations, role batch, members, users, machine clients, their organizations
    expect(few.statements).toBeLessThanOrEqual(8);
  });
});

describe('a nested read of the catalog: environments, generations and their authors, history, packages and versions', () => {
  it('costs the same number of statements for 3 environments as for 30', async () => {
    const small = await statementsFor('small-owner', CATALOG, { slug: 'small' });
    const large = await statementsFor('large-owner', CATALOG, { slug: 'large' });
    const environments = (r: typeof small) => r.data.organization.environments.edges;
    expect([environments(small).length, environments(large).length]).toEqual([3, 30]);
    expect(environments(large).every((e: any) => e.node.generations.edges.length === 3)).toBe(true);
    // A list reads its generations without their manifests; asked for, they come in one more statement.
    const manifests = environments(large).flatMap((e: any) => e.node.generations.edges.map((g: any) => g.node.manifest));
    expect(manifests.filter((m: any) => typeof m?.install === 'object')).toHaveLength(90);
    expect(large.data.organization.packages.edges.every((e: any) => e.node.versions.length === 2)).toBe(true);
    expect(large.statements).toBe(small.statements);
    // principal, organization, role batch, environments, owners, current generations, generations,
    // their manifests, users + machine clients (authors), history, packages, versions
    expect(small.statements).toBeLessThanOrEqual(14);
  });
});

describe("a nested read of a workspace's projects and libraries with their resources, schedules, builds and versions", () => {
  it('costs the same number of statements for 2 projects and libraries as for 8', async () => {
    const small = await statementsFor('fx-small-owner', FLOWX, { org: 'fx-small', ws: 'fx-small-ws' });
    const large = await statementsFor('fx-large-owner', FLOWX, { org: 'fx-large', ws: 'fx-large-ws' });
    const projects = (r: typeof small) => r.data.organization.workspace.projects.edges.map((e: any) => e.node);
    expect([projects(small).length, projects(large).length]).toEqual([2, 8]);
    expect(projects(large).every((p: any) => p.scheduledProcesses.length === 1 && p.builds[0].libraryVersion.version === '1.0.0')).toBe(true);
    expect(large.data.organization.workspace.libraries.edges.every((e: any) => e.node.versions.length === 1)).toBe(true);
    expect(large.statements).toBe(small.statements);
    // principal, organization, workspace, projects, roles (workspace, project), resources, schedules and their
    // organizations, builds, library versions and their libraries, grants, users, groups, libraries, versions,
    // their publishers, media: one statement each, whatever the lengths (18 on PGlite, 21 on Postgres).
    expect(small.statements).toBeLessThanOrEqual(21);
  });
});
