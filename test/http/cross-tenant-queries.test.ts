/**
 * Random queries, built from a grammar over the schema (introspected over
 * HTTP: every path, arguments from both tenants, aliases, directives, named
 * and inline fragments, `node { ... on X }`; helpers/query-grammar.ts), sent
 * by principals of tenant A with real tokens, never return anything of
 * tenant B, and never fail with INTERNAL_SERVER_ERROR.
 *
 * Reproducing: the property runs with a fixed seed (helpers/fast-check.ts,
 * or the environment variable FC_SEED). A failure report prints `seed` and
 * `path`; run it again with `FC_SEED=<seed> FC_PATH=<path>` to replay exactly
 * the shrunk counterexample, e.g.
 *   FC_SEED=424242 FC_PATH="12:3:1:0" npx vitest run --project pglite test/http/cross-tenant-queries.test.ts
 * FC_RUNS overrides the number of runs (for a longer soak); FC_DEBUG=<file>
 * writes every query sent and its response there.
 */
import fc from 'fast-check';
import { buildClientSchema, type IntrospectionQuery } from 'graphql';
import { describe, expect, it } from 'vitest';
import { debug, fcOptions, REPLAYING } from '../helpers/fast-check.js';
import { missingId, nodes } from '../helpers/ids.js';
import * as ops from '../helpers/operations.js';
import type { Person } from '../helpers/seed.js';
import { introspectionQuery, printQuery, queryArbitrary, withinLimits, type ArgumentPools } from '../helpers/query-grammar.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

// Thousands of requests a minute from a few tokens, as a load test would send: past any rate
// limit meant for a web app, so it is off here (rate-limits.test.ts covers it).
const t = useOrgraph({ RATE_LIMIT: 'off' });


/** A mutation of the tenant's set-up; the first refused one throws. */
const must = (token: string, query: string, input: Record<string, unknown>): Promise<any> => t.seed.mutate(token, query, input);

interface Tenant {
  slug: string;
  owner: Person;
  reader: Person;
  writer: Person;
  wsUser: Person;
  machine: string;
}

/**
 * One tenant with a bit of everything, every name carrying `tag`: a catalog
 * (environments with generations pushed by a user and by the machine client,
 * packages with versions), two workspaces (one slugged `common`, as in the
 * other tenant), groups, projects (one slugged `common`), grants, resources,
 * builds, process instances and operations. `shared` is a member of both tenants.
 */
async function buildTenant(tag: string, shared: string): Promise<Tenant> {
  const orgSlug = `tenant-${tag}`;
  const org = await t.seed.organization(orgSlug, {
    owner: `${tag}.owner`,
    writers: [`${tag}.writer`],
    readers: [`${tag}.reader`, `${tag}.wsuser`, shared],
  });
  const owner = org.owner;
  const [writer, reader, wsUser, both] = [`${tag}.writer`, `${tag}.reader`, `${tag}.wsuser`, shared].map((n) => org.members[n]!) as [Person, Person, Person, Person];
  const o = owner.token;
  await must(o, ops.UPDATE_ORGANIZATION, { organizationId: org.id, externalId: `org_${tag}_external` });
  await must(o, ops.CREATE_MACHINE_CLIENT, { organizationId: org.id, clientId: `${tag}-ci`, name: `${tag} CI robot`, role: 'WRITER' });
  const machine = await t.issuer.machineToken(`${tag}-ci`);

  // The catalog.
  for (const envName of [`${tag}-env`, 'common']) {
    const env = await must(writer.token, ops.CREATE_ENVIRONMENT, { organizationId: org.id, name: envName, manifest: { marker: `${tag}-${envName}-manifest-1` } });
    const environmentId = env.environment.id;
    await must(machine, ops.PUSH_GENERATION, { environmentId, manifest: { marker: `${tag}-${envName}-manifest-2`, [`${tag}-key`]: true }, description: `${tag} pushed by CI` });
    await must(o, ops.PUSH_GENERATION, { environmentId, manifest: { marker: `${tag}-${envName}-manifest-3` }, description: `${tag} pushed by owner` });
    await must(o, ops.UPDATE_ENVIRONMENT_SETTINGS, { environmentId, ownerUserId: writer.id });
  }
  await must(machine, ops.PUBLISH_PACKAGE, { organizationId: org.id, name: `${tag}-pkg`, version: `1.0.0-${tag}`, systems: ['x86_64-linux'], description: `${tag} package by CI` });
  await must(o, ops.SAVE_GLOBAL_FONT, { organizationId: org.id, family: `${tag} Global`, source: `https://fonts.example/${tag}-global.woff2` });
  await must(o, ops.SAVE_OUT_OF_OFFICE_POLICY, { organizationId: org.id, name: `${tag} ooo`, rules: { delegate: `${tag}-delegate` } });
  await must(o, ops.PUBLISH_PACKAGE, { organizationId: org.id, name: 'common', version: `2.0.0-${tag}`, systems: ['aarch64-darwin', 'x86_64-linux'], description: `${tag} common package` });

  // Workspaces and projects.
  for (const wsSlug of [`${tag}-ws`, 'common']) {
    const ws = await must(o, ops.CREATE_WORKSPACE, { organizationId: org.id, slug: wsSlug, name: `${tag} workspace ${wsSlug}` });
    const workspaceId = ws.workspace.id;
    await must(o, ops.SET_WORKSPACE_ROLE, { workspaceId, userId: wsUser.id, role: 'WORKSPACE_USER' });
    await must(o, ops.SET_WORKSPACE_ROLE, { workspaceId, userId: both.id, role: 'RUNTIME_EDITOR' });
    await must(o, ops.SET_WORKSPACE_ROLE, { workspaceId, userId: writer.id, role: 'WORKSPACE_ADMIN' });
    const group = await must(writer.token, ops.CREATE_GROUP, { workspaceId, name: `${tag}-group-${wsSlug}`, description: `${tag} group` });
    const groupId = group.group.id;
    await must(writer.token, ops.ADD_GROUP_MEMBER, { groupId, userId: wsUser.id });
    await must(writer.token, ops.SET_WORKSPACE_ROLE, { workspaceId, groupId, role: 'THEME_EDITOR' });
    await must(wsUser.token, ops.SAVE_THEME, { workspaceId, name: `${tag} theme`, tokens: { primary: `${tag}-primary` } });
    await must(wsUser.token, ops.SAVE_FONT, { workspaceId, family: `${tag} Sans`, source: `https://fonts.example/${tag}.woff2` });
    await must(wsUser.token, ops.SAVE_WORKSPACE_MEDIA, { workspaceId, name: `${tag} logo`, source: `https://cdn.example/${tag}.png`, contentType: 'image/png' });
    const library = await must(wsUser.token, ops.CREATE_LIBRARY, { workspaceId, slug: `${tag}-lib`, name: `${tag} library` });
    const libraryId = library.library.id;
    await must(wsUser.token, ops.GRANT_PROJECT_ACCESS, { projectId: libraryId, userId: both.id, role: 'PROJECT_VIEWER' });
    await must(wsUser.token, ops.SAVE_REUSABLE_RESOURCE, { projectId: libraryId, name: `${tag}-part`, body: { field: `${tag}-part-field` } });
    const libraryVersion = await must(wsUser.token, ops.PUBLISH_LIBRARY_VERSION, { libraryId, version: `4.0.0-${tag}`, description: `${tag} release` });
    for (const projectSlug of [`${tag}-proj`, 'common']) {
      const project = await must(wsUser.token, ops.CREATE_PROJECT, { workspaceId, slug: projectSlug, name: `${tag} project ${projectSlug}` });
      const projectId = project.project.id;
      await must(wsUser.token, ops.GRANT_PROJECT_ACCESS, { projectId, groupId, role: 'PROJECT_EDITOR' });
      await must(wsUser.token, ops.GRANT_PROJECT_ACCESS, { projectId, userId: both.id, role: 'PROJECT_VIEWER' });
      await must(wsUser.token, ops.SAVE_PROCESS, { projectId, name: `${tag}-process`, definition: { nodes: [`${tag}-start`, `${tag}-end`] } });
      await must(wsUser.token, ops.SAVE_TEMPLATE, { projectId, name: `${tag}-template`, body: { text: `${tag} template body` } });
      await must(wsUser.token, ops.SAVE_INTEGRATION, { projectId, name: `${tag}-integration`, config: { url: `https://${tag}.example/hook` } });
      await must(wsUser.token, ops.SAVE_WORKFLOW, { projectId, name: `${tag}-workflow`, definition: { steps: [`${tag}-step`] } });
      await must(both.token, ops.SAVE_SCHEDULED_PROCESS, { projectId, name: `${tag}-nightly`, processName: `${tag}-process`, schedule: '0 2 * * *' });
      await must(both.token, ops.CREATE_BUILD_FROM_LIBRARY, { projectId, version: `5.0.0-${tag}`, libraryVersionId: libraryVersion.libraryVersion.id });
      const build = await must(both.token, ops.CREATE_BUILD, { projectId, version: `3.0.0-${tag}` });
      await must(both.token, ops.SET_ACTIVE_POLICY, { projectId, buildId: build.build.id });
      await must(both.token, ops.SET_CONFIG_PARAMETER, { projectId, key: `${tag}_key`, value: `${tag}-value` });
      const instance = await must(wsUser.token, ops.START_PROCESS_INSTANCE, { projectId, processName: `${tag}-process`, variables: { who: `${tag}-variable` } });
      const processInstanceId = instance.processInstance.id;
      await must(both.token, ops.CREATE_OPERATION, { processInstanceId, kind: 'MIGRATION' });
      await must(both.token, ops.SET_PROCESS_VARIABLE, { processInstanceId, name: `${tag}_var`, value: `${tag}-set-value` });
    }
  }
  return { slug: orgSlug, owner, reader, writer, wsUser, machine };
}

/**
 * Everything an organization's owner reads of it, in a few queries under the
 * request limits: where the identifiers of the tenant are harvested from.
 */
const HARVEST = [
  `query($slug: String!) { organization(slug: $slug) { id slug name externalId
    members(first: 50) { edges { node { user { id subject email name } } } }
    machineClients(first: 20) { edges { node { id clientId name } } }
    auditLog(first: 100) { edges { node { id targetId details } } } } }`,
  `query($slug: String!) { organization(slug: $slug) {
    environments(first: 20) { edges { node { id name owner { id subject }
      generations(first: 20) { edges { node { number description manifest createdBy { ... on User { id subject } ... on MachineClient { id clientId name } } } } }
      history(first: 20) { edges { node { details actor { ... on User { id } ... on MachineClient { id clientId } } } } } } } }
    packages(first: 20) { edges { node { id name description versions { version description systems publishedBy { ... on User { id } ... on MachineClient { id clientId } } } } } } } }`,
  `query($slug: String!) { organization(slug: $slug) { workspaces(first: 10) { edges { node { id slug name
    themes { name tokens } fonts { family source }
    groups(first: 10) { edges { node { id name displayName description } } }
    projects(first: 10) { edges { node { id slug name grants { role } processes { name definition } templates { name body } integrations { name config }
      builds { id version } activePolicy { id } configParameters { key value }
      processInstances(first: 10) { edges { node { id processName variables } } } } } } } } } } }`,
  `query($slug: String!) { organization(slug: $slug) { fonts { family source } outOfOfficePolicies { name rules }
    workspaces(first: 10) { edges { node { media { name source } settings
      libraries(first: 10) { edges { node { id slug name reusableResources { name body } versions { id version description resources } } } }
      projects(first: 10) { edges { node { workflows { name definition } export
        scheduledProcesses { id name processName } builds { id libraryVersion { id version } } } } } } } } } }`,
];

/** Keys whose string values identify something of a tenant (JSON fields' contents are taken whole). */
const IDENTIFYING = new Set([
  'id', 'slug', 'name', 'externalId', 'subject', 'email', 'clientId', 'targetId', 'description', 'displayName', 'version', 'key', 'value',
  'processName', 'family', 'source',
]);
const JSON_FIELDS = new Set(['manifest', 'details', 'definition', 'body', 'config', 'variables', 'tokens', 'rules', 'resources', 'export', 'settings']);

/** Every string leaf (and JSON key) of a value. */
function strings(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) strings(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.add(k);
      strings(v, out);
    }
  }
  return out;
}

/** The identifying strings of a response: values under IDENTIFYING keys, and everything inside JSON fields. */
function identifiers(value: unknown, out: Set<string> = new Set()): Set<string> {
  if (Array.isArray(value)) for (const v of value) identifiers(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (JSON_FIELDS.has(k)) strings(v, out);
      else if (IDENTIFYING.has(k) && typeof v === 'string') out.add(v);
      else identifiers(v, out);
    }
  }
  return out;
}

async function harvest(tenant: Tenant): Promise<{ identifiers: Set<string>; ids: Set<string>; slugs: Record<string, Set<string>> }> {
  const found = new Set<string>();
  const ids = new Set<string>();
  const slugs: Record<string, Set<string>> = { organization: new Set(), workspace: new Set(), project: new Set(), library: new Set(), environment: new Set(), package: new Set() };
  const collectIds = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach((v) => collectIds(v));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'id' && typeof v === 'string') ids.add(v);
        else if (!JSON_FIELDS.has(k)) collectIds(v);
      }
    }
  };
  for (const query of HARVEST) {
    const res = await t.server.graphql(tenant.owner.token, query, { slug: tenant.slug });
    if (res.errors) throw new Error(`harvest: ${res.raw}`);
    identifiers(res.data, found);
    collectIds(res.data);
  }
  // Slugs and names by kind: the values of the grammar's slug: and name: arguments.
  const named = await t.server.graphql(
    tenant.owner.token,
    `query($slug: String!) { organization(slug: $slug) { slug
      environments(first: 20) { edges { node { name } } } packages(first: 20) { edges { node { name } } }
      workspaces(first: 10) { edges { node { slug projects(first: 10) { edges { node { slug } } } libraries(first: 10) { edges { node { slug } } } } } } } }`,
    { slug: tenant.slug },
  );
  if (named.errors) throw new Error(`harvest: ${named.raw}`);
  const org = named.data.organization;
  slugs.organization!.add(org.slug);
  for (const e of nodes(org.environments)) slugs.environment!.add(e.name);
  for (const p of nodes(org.packages)) slugs.package!.add(p.name);
  for (const ws of nodes(org.workspaces)) {
    slugs.workspace!.add(ws.slug);
    for (const p of nodes(ws.projects)) slugs.project!.add(p.slug);
    for (const l of nodes(ws.libraries)) slugs.library!.add(l.slug);
  }
  return { identifiers: found, ids, slugs };
}

// ---------------------------------------------------------------------------
// The query grammar: selections over the introspected schema.

const NODE_TYPES = [
  'Organization', 'User', 'MachineClient', 'Environment', 'Package', 'Workspace', 'Group', 'Project', 'Build', 'ProcessInstance',
  'Library', 'LibraryVersion', 'ScheduledProcess',
];
const isNodeId = (id: string) => NODE_TYPES.includes(Buffer.from(id, 'base64url').toString('utf8').split(':')[0]!);

/** Where in a response a forbidden string appears (keys and values, at any depth). */
function findLeaks(value: unknown, forbidden: Set<string>, path = '$'): string[] {
  if (typeof value === 'string') return forbidden.has(value) ? [`${path} = ${JSON.stringify(value)}`] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => findLeaks(v, forbidden, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => [...(forbidden.has(k) ? [`${path} has key ${JSON.stringify(k)}`] : []), ...findLeaks(v, forbidden, `${path}.${k}`)]);
  }
  return [];
}

describe('(b) random queries by principals of one tenant never return data of another', () => {
  it('schema-driven queries (paths, node(id:), aliases, fragments, directives) by four principals of tenant A', { timeout: 600_000 }, async () => {
    const a = await buildTenant('alpha', 'both.shared');
    const b = await buildTenant('zeta', 'both.shared');
    const [ha, hb] = [await harvest(a), await harvest(b)];
    // B's identifiers: what B's owner reads of B, less what also belongs to A (the shared member, `common` slugs, ...).
    const forbidden = new Set([...hb.identifiers].filter((s) => !ha.identifiers.has(s)));
    const shared = await t.seed.person('both.shared');
    for (const s of [shared.id, shared.subject, 'common']) expect(forbidden.has(s), s).toBe(false);
    for (const s of [b.slug, 'tenant-zeta org', 'zeta-ci', 'zeta-env', 'zeta-pkg', '1.0.0-zeta', 'zeta-ws', 'zeta-proj', 'zeta-process', 'zeta-value', 'org_zeta_external', 'zeta-lib', 'zeta-workflow', '4.0.0-zeta', 'zeta-nightly', 'zeta-part-field', 'zeta-delegate', b.owner.id, b.owner.subject]) {
      expect(forbidden.has(s), `${s} is one of B's identifiers`).toBe(true);
    }
    expect(hb.ids.size).toBeGreaterThan(20);
    expect([...hb.ids].every((id) => forbidden.has(id) || ha.ids.has(id))).toBe(true);

    // The schema, as tooling sees it (introspection over HTTP).
    const introspection = await t.server.graphql(a.owner.token, introspectionQuery());
    expect(introspection.errors).toBeUndefined();
    const schema = buildClientSchema(introspection.data as IntrospectionQuery);

    // Tenant A's values twice as often as B's, so that most queries walk through A's objects (where a nested leak would show).
    const both = (kind: string, extra: string[] = []) => [...ha.slugs[kind]!, ...ha.slugs[kind]!, ...hb.slugs[kind]!, ...extra];
    const pools: ArgumentPools = {
      // Global IDs of every node type of both tenants (audit events are no nodes), and some that name nothing.
      'Query.node.id': [...ha.ids, ...ha.ids, ...hb.ids].filter(isNodeId).concat(missingId('Organization'), missingId('Project'), missingId('User')),
      'Query.organization.slug': both('organization', ['no-such-org']),
      'Organization.workspace.slug': both('workspace', ['no-such-ws']),
      'Workspace.project.slug': both('project', ['no-such-project']),
      'Workspace.library.slug': both('library', ['no-such-library']),
      // Searches by a name of either tenant: a workspace of A finds only its own members and groups.
      'Workspace.searchPrincipals.query': ['alpha', 'zeta', 'both', 'owner', 'group', 'Everyone', 'example.test'],
      'Organization.environment.name': both('environment', ['no-such-env']),
      'Organization.package.name': both('package', ['no-such-pkg']),
    };
    const principals: Record<string, string> = {
      'A owner': a.owner.token,
      'A reader': a.reader.token,
      'A workspace user': a.wsUser.token,
      'A machine client (WRITER)': a.machine,
    };

    const queries = queryArbitrary(schema, pools)
      .map((root) => printQuery(schema, root))
      .filter(({ query, variables }) => withinLimits(schema, query, variables));
    const aIdentifiers = new Set([...ha.identifiers].filter((s) => !hb.identifiers.has(s)));
    let answered = 0;
    let withAData = 0;
    let namingB = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...Object.keys(principals)), queries, async (who, { query, variables }) => {
        const res = await t.server.graphql(principals[who]!, query, variables);
        const what = `${who}\n${query}\nvariables: ${JSON.stringify(variables)}\nresponse: ${res.raw.slice(0, 4000)}`;
        expect(res.status, what).toBe(200);
        expect(res.data, what).toBeTruthy();
        for (const error of res.errors ?? []) {
          expect(error.extensions?.code, what).not.toBe('INTERNAL_SERVER_ERROR');
          expect(['FORBIDDEN', 'NOT_FOUND', 'BAD_USER_INPUT'], what).toContain(error.extensions?.code);
        }
        expect(findLeaks(res.data, forbidden), what).toEqual([]);
        // Error messages name nothing of B that the query did not name itself.
        const echoed = strings({ query, variables });
        const inMessages = [...forbidden].filter((s) => s.length >= 6 && !echoed.has(s) && !query.includes(s) && (res.errors ?? []).some((e) => e.message.includes(s)));
        expect(inMessages, what).toEqual([]);
        answered++;
        debug(() => JSON.stringify({ who, query, variables, response: res.raw }));
        if (findLeaks(res.data, aIdentifiers).length > 0) withAData++;
        if ([...hb.ids, b.slug].some((s) => query.includes(s) || Object.values(variables).includes(s))) namingB++;
      }),
      fcOptions(400),
    );
    // Not vacuous: many queries read tenant A's data, and many named tenant B's objects.
    if (REPLAYING) return;
    expect(withAData, `${withAData} of ${answered} responses carried tenant A's data`).toBeGreaterThan(answered / 6);
    expect(namingB, `${namingB} of ${answered} queries named tenant B's objects`).toBeGreaterThan(answered / 10);
  });
});
