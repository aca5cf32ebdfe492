/**
 * `npm run audit:verify`: recomputes every organization's audit hash chain
 * and exits non-zero at the first break (an edited, removed or reordered event).
 */
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { verifyChain } from '../src/mutations/audit-chain.js';
import { allAuditEvents } from '../src/features/audit/audit-queries.js';

try {
  const { database } = loadConfig();
  const db = await openDatabase(database);
  const events = await allAuditEvents(db.db);
  await db.close();
  const byOrganization = new Map<string, typeof events>();
  for (const event of events) byOrganization.set(event.organizationId, [...(byOrganization.get(event.organizationId) ?? []), event]);
  const breaks = [...byOrganization.values()].map(verifyChain).filter((b) => b !== null);
  for (const b of breaks) console.error(`organization ${b.organizationId}: event ${b.eventId}: ${b.reason}`);
  console.log(`${events.length} audit events in ${byOrganization.size} organizations: ${breaks.length === 0 ? 'every chain verifies' : `${breaks.length} broken`}`);
  process.exit(breaks.length === 0 ? 0 : 1);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(2);
}
