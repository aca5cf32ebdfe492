/**
 * Demo data for the development issuer: an organization with one user per
 * role and a machine client, plus ready-to-paste tokens for each, so that a
 * fresh `npm start` can be queried at once. Never used with a real issuer.
 */
import type { DevIssuer } from '../identity/dev-issuer.js';
import type { Db } from '../db/client.js';
import { machineClients, organizationMembers, organizations, users, type OrganizationRole } from '../db/schema.js';

const DEMO_USERS: { subject: string; email: string; name: string; role: OrganizationRole }[] = [
  { subject: 'auth0|demo-alice', email: 'alice@demo.example', name: 'Alice (owner)', role: 'OWNER' },
  { subject: 'auth0|demo-bob', email: 'bob@demo.example', name: 'Bob (writer)', role: 'WRITER' },
  { subject: 'auth0|demo-carol', email: 'carol@demo.example', name: 'Carol (reader)', role: 'READER' },
];
const DEMO_CLIENT = { clientId: 'demo-ci', name: 'Demo CI', role: 'WRITER' as const };

/** Creates the demo organization once; later starts find it and change nothing. */
export async function seedDemo(db: Db): Promise<void> {
  await db.transaction(async (tx) => {
    const [org] = await tx.insert(organizations).values({ slug: 'demo', name: 'Demo organization' }).onConflictDoNothing().returning();
    if (!org) return;
    for (const { role, ...profile } of DEMO_USERS) {
      const [user] = await tx
        .insert(users)
        .values({ ...profile, emailVerified: true })
        .onConflictDoUpdate({ target: users.subject, set: { email: profile.email, emailVerified: true } })
        .returning();
      await tx.insert(organizationMembers).values({ organizationId: org.id, userId: user!.id, role });
    }
    await tx.insert(machineClients).values({ organizationId: org.id, ...DEMO_CLIENT }).onConflictDoNothing();
  });
}

export async function demoTokens(issuer: DevIssuer): Promise<{ label: string; token: string }[]> {
  const people = await Promise.all(
    DEMO_USERS.map(async (u) => ({
      label: `${u.name} <${u.email}>`,
      token: await issuer.sign({ sub: u.subject, email: u.email, email_verified: true, name: u.name }),
    })),
  );
  const machine = {
    label: `machine client ${DEMO_CLIENT.clientId} (${DEMO_CLIENT.role})`,
    token: await issuer.sign({ sub: `${DEMO_CLIENT.clientId}@clients`, azp: DEMO_CLIENT.clientId, gty: 'client-credentials' }),
  };
  return [...people, machine];
}
