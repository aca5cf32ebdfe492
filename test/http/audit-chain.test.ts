/**
 * The audit trail is append-only and tamper-evident: the database refuses
 * UPDATE and DELETE on it, and `npm run audit:verify` finds any row changed
 * behind the database's back (a superuser disabling the trigger, a restore).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../helpers/database.js';
import { ADD_MEMBER } from '../helpers/operations.js';
import { useOrgraph } from '../helpers/use-orgraph.js';
import type { AuditEventRow } from '../../src/db/schema.js';
import { verifyChain } from '../../src/mutations/audit-chain.js';
import { allAuditEvents } from '../../src/features/audit/audit-queries.js';

const t = useOrgraph();

beforeAll(async () => {
  await t.seed.organization('acme', { owner: 'alice', writers: ['bob'], readers: ['carol'] });
  await t.seed.organization('globex', { owner: 'gina' });
});

const db = () => t.server.orgraph.database.db;

/** `npm run audit:verify`, as an operator runs it, against this server's database. */
async function verifyCommand(): Promise<{ code: number; out: string }> {
  const url = t.server.databaseEnv.DATABASE_URL;
  if (!url) throw new Error('the command needs a database another process can open');
  try {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/verify-audit.ts'], {
      env: { ...process.env, DATABASE_URL: url },
    });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, out: e.stdout + e.stderr };
  }
}

describe('the audit trail', () => {
  it('records denied attempts, with actor, operation, outcome and request id, and no token', async () => {
    const bob = await t.seed.person('bob');
    const alice = await t.seed.person('alice');
    const acme = (await t.server.graphql(alice.token, '{ organization(slug: "acme") { id } }')).data.organization.id;
    const refused = await t.server.graphql(bob.token, ADD_MEMBER, { i: { organizationId: acme, userSubject: 'auth0|mallory', role: 'OWNER' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const badInput = await t.server.graphql(alice.token, ADD_MEMBER, { i: { organizationId: acme, role: 'READER' } });
    expect(badInput.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    const log = await t.server.graphql(alice.token, `{ organization(slug: "acme") { auditLog(first: 1) { edges { node {
      operation outcome actorKind actorUser { subject } details requestId } } } } }`);
    expect(log.data.organization.auditLog.edges[0].node).toEqual({
      operation: 'addOrganizationMember',
      outcome: 'DENIED',
      actorKind: 'USER',
      actorUser: { subject: 'auth0|bob' },
      details: { code: 'FORBIDDEN', message: expect.any(String) },
      requestId: expect.any(String),
    });
    // Bad input is the caller's mistake, not an attempt on someone's rights: not recorded.
    const all = (await db().execute(sql`select details::text as details from audit_events`)) as { rows: { details: string }[] };
    expect(all.rows.filter((r) => r.details.includes('BAD_USER_INPUT'))).toEqual([]);
    expect(all.rows.some((r) => r.details.includes(bob.token) || r.details.includes('eyJ'))).toBe(false);
  });

  it('links every event of an organization to the one before it', async () => {
    const rows = (await db().execute(sql`select organization_id, previous_hash, hash from audit_events order by organization_id, id`)) as {
      rows: { organization_id: string; previous_hash: string | null; hash: string }[];
    };
    const byOrg = new Map<string, typeof rows.rows>();
    for (const r of rows.rows) byOrg.set(r.organization_id, [...(byOrg.get(r.organization_id) ?? []), r]);
    expect(byOrg.size).toBe(2);
    for (const events of byOrg.values()) {
      expect(events[0]!.previous_hash).toBeNull();
      events.slice(1).forEach((e, i) => expect(e.previous_hash).toBe(events[i]!.hash));
      expect(new Set(events.map((e) => e.hash)).size).toBe(events.length);
    }
  });

  it('cannot be edited or deleted: the database refuses', async () => {
    await expect(db().execute(sql`update audit_events set operation = 'nothing'`)).rejects.toThrow();
    await expect(db().execute(sql`delete from audit_events`)).rejects.toThrow();
    await expect(db().execute(sql`truncate audit_events`)).rejects.toThrow();
  });

  it('verifies in full, and a changed event breaks its chain', async () => {
    const chains = async () => {
      const byOrg = new Map<string, AuditEventRow[]>();
      for (const e of await allAuditEvents(db())) byOrg.set(e.organizationId, [...(byOrg.get(e.organizationId) ?? []), e]);
      return [...byOrg.values()];
    };
    for (const chain of await chains()) expect(verifyChain(chain)).toBeNull();
    const first = (await chains()).find((chain) => chain.length > 2); // acme: created, then two members added
    const forged = first!.map((e, i) => (i === 1 ? { ...e, details: { ...e.details, forged: true } } : e));
    expect(verifyChain(forged)).toMatchObject({ reason: 'hash does not match the event content' });
    expect(verifyChain(first!.filter((_, i) => i !== 1))).toMatchObject({ reason: 'previous_hash does not match the event before it' });
  });

  it.skipIf(engine !== 'postgres')('npm run audit:verify reports the event changed behind the trigger', async () => {
    expect(await verifyCommand()).toMatchObject({ code: 0, out: expect.stringContaining('every chain verifies') });
    await db().transaction(async (tx) => {
      await tx.execute(sql`alter table audit_events disable trigger audit_events_append_only`);
      await tx.execute(sql`update audit_events set details = '{"role":"OWNER"}' where id = (select min(id) + 1 from audit_events)`);
      await tx.execute(sql`alter table audit_events enable trigger audit_events_append_only`);
    });
    const result = await verifyCommand();
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/hash does not match the event content/);
  });
});
