/**
 * Seeds an Orgraph through its public API, as test/http/batching.test.ts
 * does: an organization owned by a user, a WRITER machine client, and N
 * environments created alternately by the user and by the machine client
 * (so generation authors are both kinds of Actor).
 */
import type { TestIssuer } from '../test/helpers/issuer.js';

export async function graphql(url: string, token: string, query: string, variables?: Record<string, unknown>): Promise<any> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  const parsed = JSON.parse(text) as { data?: any; errors?: unknown };
  if (!response.ok || parsed.errors) throw new Error(`${response.status} ${text}`);
  return parsed.data;
}

const CREATE_ORG = 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }';
const CREATE_CLIENT = 'mutation($i: CreateMachineClientInput!) { createMachineClient(input: $i) { machineClient { id } } }';
export const CREATE_ENV = 'mutation($i: CreateEnvironmentInput!) { createEnvironment(input: $i) { environment { id } } }';
export const MANIFEST = { install: { nodejs: { 'pkg-path': 'nodejs_22' } } };

/** Creates organization `slug` with `size` environments; `ownerToken` is the owner's user token. Resolves to its id. */
export async function seedCatalog(url: string, issuer: TestIssuer, ownerToken: string, slug: string, size: number): Promise<string> {
  const created = await graphql(url, ownerToken, CREATE_ORG, { i: { slug, name: `${slug} org` } });
  const organizationId = created.createOrganization.organization.id as string;
  await graphql(url, ownerToken, CREATE_CLIENT, { i: { organizationId, clientId: `${slug}-ci`, name: 'CI', role: 'WRITER' } });
  const ci = await issuer.machineToken(`${slug}-ci`);
  for (let i = 0; i < size; i++) {
    const author = i % 2 === 0 ? ownerToken : ci;
    const name = `env-${String(i).padStart(3, '0')}`;
    await graphql(url, author, CREATE_ENV, { i: { organizationId, name, manifest: MANIFEST } });
  }
  return organizationId;
}
