/**
 * The one statement of `org_id` narrowing: a user acts with all of its
 * organization memberships, or, when its token carries `org_id`, only with
 * the membership in the organization whose `externalId` equals it (none
 * when no organization has it, or the claim is malformed). The principal's
 * roles, the visibility SQL and the re-check under a mutation's lock all
 * read memberships through here, so none of them can widen a narrowed token.
 */
import { and, eq, inArray, type Placeholder } from 'drizzle-orm';
import { QueryBuilder } from 'drizzle-orm/pg-core';
import { organizationMembers, organizations, type OrganizationRole } from '../db/schema.js';

/** Who acts, as far as memberships go: a user, narrowed by its token's `org_id` or not (null). */
export interface Actor {
  userId: string;
  organizationExternalId: string | null;
}

export interface MembershipFilter {
  /** Only memberships with this role (e.g. the owners, FlowX's organization admins). */
  role?: OrganizationRole;
  /** Only memberships in these organizations. */
  organizationIds?: readonly string[];
}

const qb = new QueryBuilder();

function acting(narrowedTo: string | Placeholder | null, userId: string | undefined, filter: MembershipFilter) {
  return and(
    userId === undefined ? undefined : eq(organizationMembers.userId, userId),
    narrowedTo === null ? undefined : eq(organizations.externalId, narrowedTo),
    filter.role === undefined ? undefined : eq(organizationMembers.role, filter.role),
    filter.organizationIds === undefined ? undefined : inArray(organizationMembers.organizationId, [...filter.organizationIds]),
  );
}

/** The memberships an actor acts with (user, organization, role), as a subquery. */
/** `narrowedTo` may be a placeholder, for a statement built once. */
export function actingMemberships(narrowedTo: string | Placeholder | null, filter: MembershipFilter & { userId?: string } = {}) {
  return qb
    .select({ userId: organizationMembers.userId, organizationId: organizationMembers.organizationId, role: organizationMembers.role })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(acting(narrowedTo, filter.userId, filter));
}

/** The ids of the organizations an actor acts in, as a one-column subquery for `in (...)`. */
export function actingOrganizationIds(actor: Actor, filter: MembershipFilter = {}) {
  return qb
    .select({ organizationId: organizationMembers.organizationId })
    .from(organizationMembers)
    .innerJoin(organizations, eq(organizations.id, organizationMembers.organizationId))
    .where(acting(actor.organizationExternalId, actor.userId, filter));
}
