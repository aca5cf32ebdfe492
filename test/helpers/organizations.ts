/**
 * What the organization suites read and do, as a FloxHub client would: an
 * organization with its members, machine clients or audit log, and the
 * member changes that only owners may make.
 */
import { expect } from 'vitest';
import { expectOk } from './expect.js';
import { ADD_MEMBER, CHANGE_MEMBER_ROLE, REMOVE_MEMBER } from './operations.js';
import type { Person } from './seed.js';
import type { OrgraphUnderTest } from './use-orgraph.js';

export const ORG = `query($slug: String!) {
  organization(slug: $slug) { id slug viewerRole members { edges { node { role user { id subject } } } } }
}`;
export const ORG_WITH_CLIENTS = `query($slug: String!) {
  organization(slug: $slug) { slug viewerRole machineClients { edges { node { clientId name role revokedAt } } } }
}`;
export const ORG_WITH_AUDIT = `query($slug: String!) {
  organization(slug: $slug) {
    slug viewerRole
    auditLog(first: 100) {
      edges { node { operation outcome actorKind targetId details actorUser { id subject } actorMachineClient { clientId } } }
    }
  }
}`;

export const ownersOf = (roles: Record<string, string>) => Object.keys(roles).filter((s) => roles[s] === 'OWNER').sort();

/** The organization suites' reads and member changes against the suite's server. */
export function organizationChecks(t: OrgraphUnderTest) {
  /** subject -> role of every member, read by `viewer` (who must see the organization). */
  async function rolesIn(slug: string, viewer: Person): Promise<Record<string, string>> {
    const data = expectOk(await t.server.graphql(viewer.token, ORG, { slug }));
    expect(data.organization, `${viewer.subject} cannot see ${slug}`).not.toBeNull();
    return Object.fromEntries(data.organization.members.edges.map((e: any) => [e.node.user.subject, e.node.role]));
  }

  const addMember = (owner: Person, organizationId: string, who: Person | string, role: string) =>
    t.server.graphql(owner.token, ADD_MEMBER, { i: { organizationId, userSubject: typeof who === 'string' ? who : who.subject, role } });

  const changeRole = (actor: Person, organizationId: string, target: Person, role: string) =>
    t.server.graphql(actor.token, CHANGE_MEMBER_ROLE, { i: { organizationId, userId: target.id, role } });

  const removeMember = (actor: Person, organizationId: string, target: Person) =>
    t.server.graphql(actor.token, REMOVE_MEMBER, { i: { organizationId, userId: target.id } });

  const auditCount = async () => (await t.server.snapshot()).audit_events!.length;

  return { rolesIn, addMember, changeRole, removeMember, auditCount };
}
