/**
 * Apollo Client 4's normalized cache (InMemoryCache) against a real
 * Orgraph: every object that can change has an `id`, so a mutation's
 * payload updates the lists a page already shows, without a refetch. Also:
 * errors next to partial data, and the resources that became Nodes.
 */
import { ApolloClient, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache } from '@apollo/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectOk, expectPayload } from '../helpers/expect.js';
import { NODE_ID, SAVE_PROCESS, SAVE_THEME } from '../helpers/operations.js';
import type { SeededOrganization, SeededProject, SeededWorkspace } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let acme: SeededOrganization;
let ops: SeededWorkspace;
let alpha: SeededProject;

beforeAll(async () => {
  acme = await t.seed.organization('acme', { owner: 'alice', readers: ['bob', 'carol'] });
  ops = await acme.workspace('ops', { users: ['bob', 'carol'], admins: ['dave'] });
  alpha = await ops.project('alpha', { owner: 'alice', editors: ['bob'], everyoneRole: null });
});

/** A client as a web app sets one up; `requests` counts what went over the wire. */
function apollo(token: string) {
  const requests: string[] = [];
  const client = new ApolloClient({
    cache: new InMemoryCache(),
    link: new HttpLink({
      uri: `${t.server.url}/graphql`,
      headers: { authorization: `Bearer ${token}` },
      fetch: (input, init) => {
        requests.push(JSON.parse(String(init?.body)).operationName);
        return fetch(input, init);
      },
    }),
  });
  return { client, requests };
}

const MEMBERS = gql`
  query Members {
    organization(slug: "acme") { id members { edges { node { id role user { id email } } } } }
  }
`;
const CHANGE_ROLE = gql`
  mutation ChangeRole($i: ChangeOrganizationMemberRoleInput!) { changeOrganizationMemberRole(input: $i) { member { id role } } }
`;
const WORKSPACE_MEMBERS = gql`
  query WorkspaceMembers {
    organization(slug: "acme") { id workspace(slug: "ops") { id members { edges { node { id role user { id } } } } } }
  }
`;
const SET_ROLE = gql`
  mutation SetRole($i: SetWorkspaceRoleInput!) { setWorkspaceRole(input: $i) { workspace { id members { edges { node { id role } } } } } }
`;
const GRANTS = gql`
  query Grants { organization(slug: "acme") { id workspace(slug: "ops") { id project(slug: "alpha") { id grants { id role user { id } } } } } }
`;
const GRANT = gql`
  mutation Grant($i: GrantProjectAccessInput!) { grantProjectAccess(input: $i) { project { id grants { id role user { id } } } } }
`;
const REVOKE = gql`
  mutation Revoke($i: RevokeProjectAccessInput!) { revokeProjectAccess(input: $i) { project { id grants { id role user { id } } } } }
`;

describe("Apollo Client's InMemoryCache", () => {
  it('reads a member list with the new role after changeOrganizationMemberRole, without a refetch', async () => {
    const { client, requests } = apollo(acme.owner.token);
    await client.query({ query: MEMBERS });
    const bob = acme.members.bob!;
    await client.mutate({ mutation: CHANGE_ROLE, variables: { i: { organizationId: acme.id, userId: bob.id, role: 'WRITER' } } });
    const cached = client.readQuery<{ organization: { members: { edges: { node: { role: string; user: { id: string } } }[] } } }>({ query: MEMBERS });
    const roles = Object.fromEntries(cached!.organization.members.edges.map((e) => [e.node.user.id, e.node.role]));
    expect(roles[bob.id]).toBe('WRITER');
    expect(roles[acme.owner.id]).toBe('OWNER');
    expect(requests).toEqual(['Members', 'ChangeRole']);
  });

  it('keeps a member id across role changes, distinct per organization and per member', async () => {
    const first = expectOk(await t.server.graphql(acme.owner.token, '{ organization(slug: "acme") { members { edges { node { id user { id } } } } } }'));
    const ids = first.organization.members.edges.map((e: { node: { id: string } }) => e.node.id);
    expect(new Set(ids).size).toBe(ids.length);
    const bob = acme.members.bob!;
    const changed = expectPayload(
      await t.server.graphql(acme.owner.token, 'mutation($i: ChangeOrganizationMemberRoleInput!) { changeOrganizationMemberRole(input: $i) { member { id } } }', {
        i: { organizationId: acme.id, userId: bob.id, role: 'READER' },
      }),
    );
    const bobsId = first.organization.members.edges.find((e: { node: { user: { id: string } } }) => e.node.user.id === bob.id).node.id;
    expect(changed.member.id).toBe(bobsId);
    // a member ID names no Node
    expect((await t.server.graphql(acme.owner.token, NODE_ID, { id: bobsId })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('reads a workspace member list with the new role after setWorkspaceRole', async () => {
    const { client, requests } = apollo(acme.owner.token);
    await client.query({ query: WORKSPACE_MEMBERS });
    const carol = acme.members.carol!;
    await client.mutate({ mutation: SET_ROLE, variables: { i: { workspaceId: ops.id, userId: carol.id, role: 'THEME_EDITOR' } } });
    const cached = client.readQuery<any>({ query: WORKSPACE_MEMBERS });
    const role = cached.organization.workspace.members.edges.find((e: any) => e.node.user.id === carol.id).node.role;
    expect(role).toBe('THEME_EDITOR');
    expect(requests).toEqual(['WorkspaceMembers', 'SetRole']);
  });

  it("reads a project's grants after a grant, a role change and a revocation, without a refetch", async () => {
    const { client, requests } = apollo(acme.owner.token);
    const grantsOf = () => {
      const cached = client.readQuery<any>({ query: GRANTS });
      return Object.fromEntries(cached.organization.workspace.project.grants.map((g: any) => [g.user.id, g.role]));
    };
    await client.query({ query: GRANTS });
    const carol = acme.members.carol!;
    const bob = acme.members.bob!;
    expect(grantsOf()[carol.id]).toBeUndefined();
    await client.mutate({ mutation: GRANT, variables: { i: { projectId: alpha.id, userId: carol.id, role: 'PROJECT_VIEWER' } } });
    expect(grantsOf()[carol.id]).toBe('PROJECT_VIEWER');
    await client.mutate({ mutation: GRANT, variables: { i: { projectId: alpha.id, userId: bob.id, role: 'PROJECT_VIEWER' } } });
    expect(grantsOf()[bob.id]).toBe('PROJECT_VIEWER');
    await client.mutate({ mutation: REVOKE, variables: { i: { projectId: alpha.id, userId: carol.id } } });
    expect(grantsOf()[carol.id]).toBeUndefined();
    expect(grantsOf()[alpha.owner.id]).toBe('PROJECT_OWNER');
    expect(requests).toEqual(['Grants', 'Grant', 'Grant', 'Revoke']);
  });

  it('hands a denied field over as an error next to the rest of the data (errorPolicy: all)', async () => {
    const { client } = apollo(acme.members.carol!.token);
    const result = await client.query({
      query: gql`query Clients { organization(slug: "acme") { id slug machineClients { edges { node { id clientId } } } } }`,
      errorPolicy: 'all',
    });
    expect(result.data).toMatchObject({ organization: { slug: 'acme', machineClients: null } });
    expect(CombinedGraphQLErrors.is(result.error)).toBe(true);
    expect((result.error as CombinedGraphQLErrors).errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});

describe('resources are Nodes', () => {
  it('a process and a theme keep their ID across saves, and node(id:) finds them for those who may read them only', async () => {
    const id = 'query($id: ID!) { node(id: $id) { id __typename ... on Process { name } ... on Theme { name } } }';
    const save = (definition: number) =>
      t.server.graphql(acme.owner.token, SAVE_PROCESS.replace('{ name definition }', '{ id name definition }'), { i: { projectId: alpha.id, name: 'onboarding', definition: { v: definition } } });
    const first = expectPayload(await save(1)).process.id;
    expect(expectPayload(await save(2)).process.id).toBe(first);
    expect(expectOk(await t.server.graphql(acme.members.bob!.token, id, { id: first })).node).toEqual({ id: first, __typename: 'Process', name: 'onboarding' });
    expect(expectOk(await t.server.graphql(acme.members.carol!.token, id, { id: first })).node).toBeNull(); // not on the project

    const theme = expectPayload(
      await t.server.graphql(acme.owner.token, SAVE_THEME.replace('{ name tokens }', '{ id name tokens }'), { i: { workspaceId: ops.id, name: 'dark', tokens: {} } }),
    ).theme.id;
    expect(expectOk(await t.server.graphql(acme.members.carol!.token, id, { id: theme })).node).toEqual({ id: theme, __typename: 'Theme', name: 'dark' });
    const outsider = await t.seed.organization('other', { owner: 'olga' });
    expect(expectOk(await t.server.graphql(outsider.owner.token, id, { id: theme })).node).toBeNull();
  });
});
