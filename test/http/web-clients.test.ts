/**
 * The lightweight clients web apps pick, in their default configurations
 * with a bearer token added: urql 6 (queries as GET without a content type,
 * mutations as POST) and graphql-request 7 (POST), against a real Orgraph.
 */
import { cacheExchange, Client, fetchExchange, gql } from '@urql/core';
import { ClientError, GraphQLClient } from 'graphql-request';
import { beforeAll, describe, expect, it } from 'vitest';
import type { SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let acme: SeededOrganization;

beforeAll(async () => {
  acme = await t.seed.organization('acme', { owner: 'alice', readers: ['carol'] });
});

const MEMBERS = `query Members($slug: String!) { organization(slug: $slug) { slug viewerRole members { edges { node { role user { email } } } } } }`;
const MACHINE_CLIENTS = `query Clients { organization(slug: "acme") { slug machineClients { edges { node { clientId } } } } }`;

describe('urql 6, default exchanges', () => {
  /** The client as its docs set it up, with the token in fetchOptions; `methods` records what went over the wire. */
  function urql(token: string) {
    const methods: string[] = [];
    const client = new Client({
      url: `${t.server.url}/graphql`,
      exchanges: [cacheExchange, fetchExchange],
      fetchOptions: () => ({ headers: { authorization: `Bearer ${token}` } }),
      fetch: (input, init) => {
        methods.push(`${init?.method ?? 'GET'} ${new Headers(init?.headers).get('content-type') ?? 'no content-type'}`);
        return fetch(input, init);
      },
    });
    return { client, methods };
  }

  it('runs a query over GET, without a content type, past CSRF prevention', async () => {
    const { client, methods } = urql(acme.owner.token);
    const result = await client.query(gql(MEMBERS), { slug: 'acme' }).toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data.organization).toMatchObject({ slug: 'acme', viewerRole: 'OWNER' });
    expect(result.data.organization.members.edges).toHaveLength(2);
    expect(methods).toEqual(['GET no content-type']);
  });

  it('runs a mutation over POST', async () => {
    const { client, methods } = urql(acme.owner.token);
    const result = await client
      .mutation(gql('mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { id name } } }'), {
        i: { organizationId: acme.id, name: 'Acme (urql)' },
      })
      .toPromise();
    expect(result.error).toBeUndefined();
    expect(result.data.updateOrganization.organization.name).toBe('Acme (urql)');
    expect(methods[0]).toMatch(/^POST application\/json/);
  });

  it('hands a denied field over as an error next to the rest of the data', async () => {
    const { client } = urql(acme.members.carol!.token);
    const result = await client.query(gql(MACHINE_CLIENTS), {}).toPromise();
    expect(result.data.organization).toMatchObject({ slug: 'acme', machineClients: null });
    expect(result.error?.graphQLErrors.map((e) => e.extensions.code)).toEqual(['FORBIDDEN']);
  });
});

describe('graphql-request 7, default configuration', () => {
  const client = (token: string) => new GraphQLClient(`${t.server.url}/graphql`, { headers: { authorization: `Bearer ${token}` } });

  it('runs a query and a mutation', async () => {
    const data = await client(acme.members.carol!.token).request<{ organization: { viewerRole: string } }>(MEMBERS, { slug: 'acme' });
    expect(data.organization.viewerRole).toBe('READER');
    const ok = await client(acme.owner.token).request<{ updateOrganization: { organization: { name: string } } }>(
      'mutation($i: UpdateOrganizationInput!) { updateOrganization(input: $i) { organization { name } } }',
      { i: { organizationId: acme.id, name: 'Acme (graphql-request)' } },
    );
    expect(ok.updateOrganization.organization.name).toBe('Acme (graphql-request)');
  });

  it('throws a ClientError that carries both the errors and the partial data', async () => {
    const error = await client(acme.members.carol!.token)
      .request(MACHINE_CLIENTS)
      .then(() => null, (e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    const { response } = error as ClientError;
    expect(response.status).toBe(200);
    expect(response.data).toEqual({ organization: { slug: 'acme', machineClients: null } });
    expect(response.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
  });
});
