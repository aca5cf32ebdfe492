/**
 * Which organizations a principal can see, as a SQL predicate. Every list and
 * look-up composes it into its own WHERE clause, so invisible rows are never
 * fetched (pages and counts stay right, and nothing leaks across tenants).
 */
import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { organizationMembers, organizations } from '../db/schema.js';
import type { Principal } from './principal.js';

/** A predicate over `organizations` rows: true where the principal may see the organization. */
export function organizationIsVisible(principal: Principal): SQL {
  switch (principal.kind) {
    case 'anonymous':
      return sql`false`;
    case 'machine':
      return eq(organizations.id, principal.organizationId);
    case 'user': {
      const member = inArray(
        organizations.id,
        sql`(select ${organizationMembers.organizationId} from ${organizationMembers} where ${organizationMembers.userId} = ${principal.userId})`,
      );
      return principal.organizationExternalId === null
        ? member
        : and(member, eq(organizations.externalId, principal.organizationExternalId))!;
    }
  }
}
