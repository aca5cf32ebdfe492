/**
 * Every mutation in an organization takes that organization's row lock
 * first, so mutations of one tenant run one after another: the role re-read
 * after it cannot go stale, invariants counted under it hold, and the audit
 * chain of the organization stays linear.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { organizations } from '../db/schema.js';

/** Whether the organization exists; locked for the rest of the transaction when it does. */
export async function lockOrganization(tx: Tx, id: string): Promise<boolean> {
  const [row] = await tx.select({ id: organizations.id }).from(organizations).where(eq(organizations.id, id)).for('update');
  return row !== undefined;
}
