/**
 * What one principal may spend: a bucket of requests and one of query cost
 * per principal (per client address when anonymous, or when its token is
 * refused), refilled over a minute. Past it: HTTP 429 with Retry-After and a
 * GraphQL error RATE_LIMITED; everyone else is served as before.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { codes, expectError, expectOk } from '../helpers/expect.js';
import { post as postTo } from '../helpers/requests.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const REQUESTS = 6;

async function post(url: string, token: string | null, query: string) {
  const res = await postTo({ url }, token, query);
  return { ...res, retryAfter: res.headers.get('retry-after') };
}

describe('requests per principal', () => {
  const t = useOrgraph({ RATE_LIMIT_REQUESTS_PER_MINUTE: String(REQUESTS) });

  it('refuses the request past the allowance with 429, Retry-After and RATE_LIMITED, and serves others meanwhile', async () => {
    const greedy = await t.issuer.userToken('auth0|greedy');
    const other = await t.issuer.userToken('auth0|other');
    for (let i = 0; i < REQUESTS; i++) expectOk(await post(t.server.url, greedy, '{ viewer { kind } }'));
    const refused = await post(t.server.url, greedy, '{ viewer { kind } }');
    expect(refused.status, refused.raw).toBe(429);
    expect(codes(refused)).toEqual(['RATE_LIMITED']);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(refused.retryAfter)).toBeLessThanOrEqual(60);
    expect(refused.errors![0]!.message).toMatch(/Too many requests/);
    expectOk(await post(t.server.url, other, '{ viewer { kind } }'));
    expect(await t.server.metric('orgraph_rate_limited_total{bucket="requests"}')).toBeGreaterThanOrEqual(1);
  });

  it('counts a user by its identity, whatever token it presents', async () => {
    const tokens = await Promise.all(Array.from({ length: REQUESTS + 1 }, (_, i) => t.issuer.userToken('auth0|many-tokens', { jti: `t${i}` })));
    const statuses = [];
    for (const token of tokens) statuses.push((await post(t.server.url, token, '{ viewer { kind } }')).status);
    expect(statuses.at(-1)).toBe(429);
  });

  it('counts anonymous callers and refused tokens against their client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < REQUESTS; i++) statuses.push((await post(t.server.url, i % 2 ? null : 'not.a.token', '{ viewer { kind } }')).status);
    expect(statuses).toEqual([401, 200, 401, 200, 401, 200]);
    expect((await post(t.server.url, null, '{ viewer { kind } }')).status).toBe(429);
    expect((await post(t.server.url, 'not.a.token', '{ viewer { kind } }')).status).toBe(429);
  });
});

describe('query cost per principal', () => {
  const t = useOrgraph({ LIMIT_COST: '1000', RATE_LIMIT_COST_PER_MINUTE: '1000' });
  // organizations + 10 x (edges, node, members + 10 x (edges, node, role)) = 1 + 10 x (3 + 10 x 3) = 331: three fit in 1000.
  const EXPENSIVE = '{ organizations(first: 10) { edges { node { members(first: 10) { edges { node { role } } } } } } }';

  it('refuses the query whose cost the bucket no longer holds, while cheap ones of others pass', async () => {
    const analyst = await t.issuer.userToken('auth0|analyst');
    for (let i = 0; i < 3; i++) expectOk(await post(t.server.url, analyst, EXPENSIVE));
    const refused = await post(t.server.url, analyst, EXPENSIVE);
    expect(refused.status, refused.raw).toBe(429);
    expect(expectError(refused, 'RATE_LIMITED', { status: 429 }).message).toMatch(/expensive queries/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);
    expectOk(await post(t.server.url, await t.issuer.userToken('auth0|someone-else'), EXPENSIVE));
  });

  it('gives each machine client an allowance of its own, apart from its organization\'s users', async () => {
    const org = await t.seed.organization('costly', { owner: 'cora' });
    const machine = (await org.machineClient('cost-ci', 'READER', 'CI')).token;
    for (let i = 0; i < 3; i++) expectOk(await post(t.server.url, machine, EXPENSIVE));
    expectError(await post(t.server.url, machine, EXPENSIVE), 'RATE_LIMITED', { status: 429 });
    expectOk(await post(t.server.url, org.owner.token, EXPENSIVE));
    expect(await t.server.metric('orgraph_rate_limited_total{bucket="cost"}')).toBeGreaterThanOrEqual(2);
  });
});

describe('the settings', () => {
  it('are on by default, with limits a web app never meets, and RATE_LIMIT=off turns them off', () => {
    const defaults = loadConfig({ NODE_ENV: 'test' }).rateLimits;
    expect(defaults).toEqual({ requestsPerMinute: 1200, costPerMinute: 2_000_000 });
    expect(loadConfig({ NODE_ENV: 'test', RATE_LIMIT: 'off' }).rateLimits).toBeNull();
    expect(() => loadConfig({ NODE_ENV: 'test', RATE_LIMIT_COST_PER_MINUTE: '10' })).toThrow(/at least LIMIT_COST/);
  });
});
