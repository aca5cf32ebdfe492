/**
 * Browser apps on other origins (CORS_ORIGINS). Over HTTP: what a preflight
 * and an answer carry for a listed origin, another one, `*` and the default.
 * In headless Chromium: a page on a listed loopback origin queries Orgraph
 * with a bearer token (POST and GET); a page on another origin is blocked by
 * the browser itself.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_REQUEST_HEADERS } from '../../src/http/cors.js';
import { hasChromium, launchChromium, servePage } from '../helpers/chromium.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { send } from '../helpers/requests.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let allowedPage: Awaited<ReturnType<typeof servePage>>;
let otherPage: Awaited<ReturnType<typeof servePage>>;
let listed: TestOrgraph; // CORS_ORIGINS=<allowedPage's origin>
let anyOrigin: TestOrgraph; // CORS_ORIGINS=*
let token: string;

beforeAll(async () => {
  [allowedPage, otherPage] = await Promise.all([servePage(), servePage()]);
  [listed, anyOrigin] = await Promise.all([t.start({ CORS_ORIGINS: `https://app.example.test, ${allowedPage.origin}` }), t.start({ CORS_ORIGINS: '*' })]);
  token = await t.issuer.userToken('auth0|cors-user', { email: 'cors-user@example.test' });
});

afterAll(async () => {
  await Promise.all([allowedPage?.close(), otherPage?.close()]);
});

function preflight(server: TestOrgraph, origin: string, headers = 'authorization, content-type') {
  return send(server.url, '/graphql', {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers },
  });
}

describe('CORS over HTTP', () => {
  it('answers a listed origin\'s preflight with the methods and every header the API reads', async () => {
    const res = await preflight(listed, allowedPage.origin, API_REQUEST_HEADERS.join(', '));
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe(allowedPage.origin);
    expect(res.headers.get('access-control-allow-methods')?.split(', ')).toEqual(expect.arrayContaining(['GET', 'POST']));
    const allowedHeaders = res.headers.get('access-control-allow-headers')?.split(', ');
    expect(allowedHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'orgraph-consistency', 'idempotency-key']));
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    expect(res.headers.get('vary')).toMatch(/origin/i);
  });

  it('gives another origin, and every origin by default, no Access-Control-Allow-Origin', async () => {
    for (const [server, origin] of [
      [listed, otherPage.origin],
      [listed, 'https://app.example.test.evil.example'],
      [t.server, allowedPage.origin],
    ] as const) {
      const res = await preflight(server, origin);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
      const answer = await send(server.url, '/graphql', {
        headers: { origin, 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: '{ viewer { kind } }' }),
      });
      expect(answer.status).toBe(200);
      expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    }
  });

  it('marks answers to a listed origin, and varies them by Origin', async () => {
    const res = await send(listed.url, '/graphql', {
      headers: { origin: 'https://app.example.test', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ viewer { kind } }' }),
    });
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example.test');
    expect(res.headers.get('access-control-expose-headers')).toContain('retry-after');
    expect(res.headers.get('vary')).toMatch(/origin/i);
    expect(res.headers.get('cache-control')).toBe('private, no-store');
  });

  it('answers * to any origin with CORS_ORIGINS=*, never with credentials', async () => {
    const res = await preflight(anyOrigin, 'https://anything.example');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('leaves the operational routes same-origin', async () => {
    const res = await send(listed.url, '/metrics', { method: 'GET', headers: { origin: allowedPage.origin } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe.skipIf(!hasChromium)('CORS in headless Chromium', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
  });

  /** Runs fetch in a page of `origin` against `api`: the JSON answer, or the error the page's script sees. */
  async function fetchFrom(origin: string, api: string, method: 'GET' | 'POST') {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${origin}/app`);
      return await page.evaluate(
        async ({ api, method, token }) => {
          const query = '{ viewer { kind user { email } } }';
          const headers: Record<string, string> = { authorization: `Bearer ${token}` };
          const init: { method: string; headers: Record<string, string>; body?: string } = { method, headers };
          let url = `${api}/graphql`;
          if (method === 'GET') url += `?query=${encodeURIComponent(query)}`;
          else {
            headers['content-type'] = 'application/json';
            init.body = JSON.stringify({ query });
          }
          try {
            const res = await fetch(url, init);
            return { status: res.status, body: (await res.json()) as unknown};
          } catch (error) {
            return { error: String(error) };
          }
        },
        { api, method, token },
      );
    } finally {
      await context.close();
    }
  }

  it('lets a page on a listed origin query with a bearer token, by POST and by GET', { timeout: 60_000 }, async () => {
    for (const method of ['POST', 'GET'] as const) {
      const result = await fetchFrom(allowedPage.origin, listed.url, method);
      expect(result, method).toMatchObject({ status: 200, body: { data: { viewer: { kind: 'USER', user: { email: 'cors-user@example.test' } } } } });
    }
  });

  it('blocks a page on another origin: its script gets no answer', { timeout: 60_000 }, async () => {
    for (const method of ['POST', 'GET'] as const) {
      expect(await fetchFrom(otherPage.origin, listed.url, method), method).toEqual({ error: 'TypeError: Failed to fetch' });
      expect(await fetchFrom(allowedPage.origin, t.server.url, method), `${method}, no CORS_ORIGINS`).toEqual({ error: 'TypeError: Failed to fetch' });
    }
  });
});
