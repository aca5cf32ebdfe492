/**
 * A fluent seed that builds organizations through the public API, so tests
 * read like the seed's sentences: `const acme = await seed.organization('acme',
 * { owner: 'alice', writers: ['bob'], readers: ['carol'] })`.
 */
import type { TestIssuer } from './issuer.js';
import type { TestOrgraph } from './orgraph.js';

export interface Person {
  subject: string;
  token: string;
  /** Global ID, known once the user has made a request. */
  id: string;
}

export interface SeededOrganization {
  id: string;
  slug: string;
  owner: Person;
  members: Record<string, Person>;
}

export function seedFor(server: TestOrgraph, issuer: TestIssuer) {
  const people = new Map<string, Person>();

  async function person(name: string): Promise<Person> {
    const known = people.get(name);
    if (known) return known;
    const subject = `auth0|${name}`;
    const token = await issuer.userToken(subject, { email: `${name}@example.test`, name });
    const res = await server.graphql(token, '{ viewer { user { id } } }');
    const p = { subject, token, id: res.data.viewer.user.id as string };
    people.set(name, p);
    return p;
  }

  async function organization(
    slug: string,
    roles: { owner: string; owners?: string[]; writers?: string[]; readers?: string[] },
  ): Promise<SeededOrganization> {
    const owner = await person(roles.owner);
    const created = await server.graphql(owner.token, 'mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { id } } }', {
      i: { slug, name: `${slug} org` },
    });
    if (created.errors) throw new Error(JSON.stringify(created.errors));
    const id = created.data.createOrganization.organization.id as string;
    const members: Record<string, Person> = { [roles.owner]: owner };
    const grants = [
      ...(roles.owners ?? []).map((n) => [n, 'OWNER'] as const),
      ...(roles.writers ?? []).map((n) => [n, 'WRITER'] as const),
      ...(roles.readers ?? []).map((n) => [n, 'READER'] as const),
    ];
    for (const [name, role] of grants) {
      const p = await person(name);
      const added = await server.graphql(owner.token, ADD_MEMBER, { i: { organizationId: id, userSubject: p.subject, role } });
      if (added.errors) throw new Error(JSON.stringify(added.errors));
      members[name] = p;
    }
    return { id, slug, owner, members };
  }

  return { person, organization };
}

export const ADD_MEMBER = `mutation($i: AddOrganizationMemberInput!) {
  addOrganizationMember(input: $i) { member { role user { id subject } } }
}`;
