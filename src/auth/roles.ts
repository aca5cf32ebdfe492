/**
 * The role hierarchy of the access model: OWNER > WRITER > READER. A rule
 * naming a role is met by that role or any above it.
 */
import type { OrganizationRole } from '../db/schema.js';

const RANK: Record<OrganizationRole, number> = { READER: 1, WRITER: 2, OWNER: 3 };

export type AccessRole = OrganizationRole;

export function satisfies(held: OrganizationRole | null, anyOf: readonly AccessRole[]): boolean {
  return held !== null && anyOf.some((required) => RANK[held] >= RANK[required]);
}
