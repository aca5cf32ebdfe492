/**
 * Safe retries: a mutation sent with an Idempotency-Key runs once per
 * principal and key; a retry (after the client lost the connection, say) is
 * answered with the first answer and writes nothing; the key reused for
 * another request is IDEMPOTENCY_KEY_REUSED.
 */
import { request } from 'node:http';
import { sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { codeOf, expectOk } from '../helpers/expect.js';
import { CREATE_ENVIRONMENT, PUSH_GENERATION, UPDATE_ORGANIZATION as RENAME } from '../helpers/operations.js';
import type { SeededMachineClient, SeededOrganization } from '../helpers/seed.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph({}, { timeout: 60_000 });

let org: SeededOrganization;
let ci: SeededMachineClient;
let environmentId: string;

beforeAll(async () => {
  org = await t.seed.organization('retries', { owner: 'retries.owner' });
  ci = await org.machineClient('retries-ci', 'WRITER');
  environmentId = expectOk(await t.server.graphql(org.owner.token, CREATE_ENVIRONMENT, { i: { organizationId: org.id, name: 'web' } })).createEnvironment.environment.id;
});

const push = (build: number) => ({ query: PUSH_GENERATION, variables: { i: { environmentId, manifest: { build }, description: `build ${build}` } } });

async function post(token: string, body: unknown, key?: string) {
  const res = await fetch(`${t.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...(key ? { 'idempotency-key': key } : {}) },
    body: JSON.stringify(body),
  });
  const raw = await res.text();
  return { status: res.status, replayed: res.headers.get('idempotent-replayed'), raw, ...(JSON.parse(raw) as { data?: any; errors?: any[] }) };
}

/** Sends the request and hangs up as soon as it is sent: the client never sees an answer. */
async function sendAndHangUp(token: string, body: unknown, key: string): Promise<void> {
  const url = new URL(`${t.server.url}/graphql`);
  const text = JSON.stringify(body);
  await new Promise<void>((resolve) => {
    const req = request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), authorization: `Bearer ${token}`, 'idempotency-key': key },
    });
    req.on('error', () => resolve());
    req.end(text, () => setTimeout(() => {
      req.destroy();
      resolve();
    }, 5));
  });
}

/** This suite's one environment's generations (the database is the suite's own). */
const generations = async () =>
  ((await t.server.orgraph.database.db.execute(sql`select count(*)::int as n from environment_generations`)) as unknown as { rows: { n: number }[] }).rows[0]!.n;

async function answered(key: string): Promise<void> {
  const started = Date.now();
  for (;;) {
    const { rows } = (await t.server.orgraph.database.db.execute(sql`select response is not null as done from idempotency_keys where key = ${key}`)) as unknown as { rows: { done: boolean }[] };
    if (rows[0]?.done) return;
    if (Date.now() - started > 10_000) throw new Error(`the mutation with key ${key} was not answered`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Idempotency-Key', () => {
  it('answers a retry after the client dropped the connection with the first answer, and writes nothing twice', async () => {
    const before = await generations();
    await sendAndHangUp(ci.token, push(1), 'ci-run-1-push');
    await answered('ci-run-1-push');
    expect(await generations()).toBe(before + 1);
    const snapshot = await t.server.snapshot();
    const retry = await post(ci.token, push(1), 'ci-run-1-push');
    expect(retry.status).toBe(200);
    expect(retry.replayed).toBe('true');
    expect(retry.errors).toBeUndefined();
    expect(retry.data.pushEnvironmentGeneration.generation).toMatchObject({ number: before + 1, description: 'build 1' });
    const again = await post(ci.token, push(1), 'ci-run-1-push');
    expect(again.raw).toBe(retry.raw);
    expect(await t.server.snapshot()).toEqual(snapshot);
  });

  it('runs a mutation once when the first answer arrives and the client retries anyway', async () => {
    const first = await post(ci.token, push(2), 'ci-run-2-push');
    expect(first.replayed).toBeNull();
    const count = await generations();
    const retry = await post(ci.token, push(2), 'ci-run-2-push');
    expect(retry.raw).toBe(first.raw);
    expect(await generations()).toBe(count);
  });

  it('refuses the key reused for other variables or another operation, writing nothing', async () => {
    await post(ci.token, push(3), 'ci-run-3');
    const snapshot = await t.server.snapshot();
    const otherVariables = await post(ci.token, push(4), 'ci-run-3');
    expect(otherVariables.status).toBe(422);
    expect(codeOf(otherVariables)).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherOperation = await post(ci.token, { query: RENAME, variables: { i: { organizationId: org.id, name: 'x' } } }, 'ci-run-3');
    expect(codeOf(otherOperation)).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await t.server.snapshot()).toEqual(snapshot);
  });

  it('keeps keys per principal, ignores them on queries, and refuses a malformed one', async () => {
    const byOwner = await post(org.owner.token, push(5), 'shared-key');
    const byCi = await post(ci.token, push(5), 'shared-key');
    expect(byOwner.replayed).toBeNull();
    expect(byCi.replayed).toBeNull();
    expect(byCi.data.pushEnvironmentGeneration.generation.number).toBe(byOwner.data.pushEnvironmentGeneration.generation.number + 1);
    expect((await post(ci.token, { query: '{ viewer { kind } }' }, 'shared-key')).data).toEqual({ viewer: { kind: 'MACHINE' } });
    const malformed = await post(ci.token, push(6), 'no spaces allowed');
    expect(malformed.status).toBe(400);
    expect(codeOf(malformed)).toBe('BAD_USER_INPUT');
  });

  it('records no key for a mutation that failed: a retry runs it', async () => {
    const refused = await post(ci.token, { query: RENAME, variables: { i: { organizationId: org.id, name: 'x' } } }, 'ci-run-7');
    expect(codeOf(refused)).toBe('FORBIDDEN');
    const { rows } = (await t.server.orgraph.database.db.execute(sql`select 1 from idempotency_keys where key = 'ci-run-7'`)) as unknown as { rows: unknown[] };
    expect(rows).toEqual([]);
  });
});
