/**
 * HTTP as a production gateway speaks it: answers no shared cache may keep,
 * timeouts that drop slow and half-open clients while everyone else is
 * served, and metrics whose labels come from a closed set, whatever URLs
 * callers make up.
 */
import { connect, type Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useOrgraph } from '../helpers/use-orgraph.js';

describe('caching by others', () => {
  const t = useOrgraph();

  it('every API answer, signed in or not, refused or not, says private, no-store', async () => {
    const token = await t.issuer.userToken('auth0|cache-control');
    const answers = [
      await fetch(`${t.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: '{"query":"{ viewer { kind } }"}' }),
      await fetch(`${t.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ viewer { kind } }"}' }),
      await fetch(`${t.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer x.y.z' }, body: '{"query":"{ viewer { kind } }"}' }),
      await fetch(`${t.server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }),
      await fetch(`${t.server.url}/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, { headers: { authorization: `Bearer ${token}`, 'apollo-require-preflight': 'true' } }),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 401, 400, 200]);
    for (const answer of answers) expect(answer.headers.get('cache-control')).toBe('private, no-store');
  });
});

describe('metrics', () => {
  const t = useOrgraph();

  it('route labels come from a closed set: unknown paths count as one "other", and no label carries a request value', async () => {
    const seriesOf = async () => (await (await fetch(`${t.server.url}/metrics`)).text()).split('\n').filter((l) => l.startsWith('orgraph_http_request'));
    await fetch(`${t.server.url}/healthz`);
    await seriesOf(); // a request to /metrics is counted once answered: the first one adds its own series
    const marker = `zz${Date.now().toString(36)}`;
    for (let i = 0; i < 30; i++) await fetch(`${t.server.url}/${marker}-${i}/x?y=${marker}`);
    await fetch(`${t.server.url}/explorer/assets/${marker}.js`);
    const series = await seriesOf();
    const routes = new Set(series.flatMap((l) => [...l.matchAll(/route="([^"]*)"/g)].map((m) => m[1]!)));
    expect([...routes].every((r) => ['/graphql', '/healthz', '/readyz', '/metrics', '/explorer/assets/', 'other'].includes(r)), [...routes].join(' ')).toBe(true);
    expect(routes).toContain('other');
    expect(series.filter((l) => l.includes(marker))).toEqual([]);
    const count = series.length;
    for (let i = 30; i < 60; i++) await fetch(`${t.server.url}/${marker}-${i}`);
    expect((await seriesOf()).length).toBe(count);
  });
});

describe('timeouts', () => {
  const t = useOrgraph({ HTTP_HEADERS_TIMEOUT_MS: '800', HTTP_REQUEST_TIMEOUT_MS: '1500', HTTP_KEEP_ALIVE_TIMEOUT_MS: '500', HTTP_IDLE_TIMEOUT_MS: '3000' });

  /** A socket to the server; resolves `closed` when the server ends it. */
  function open(): Promise<{ socket: Socket; closed: Promise<number> }> {
    const { port } = new URL(t.server.url);
    return new Promise((resolve, reject) => {
      const started = Date.now();
      const socket = connect(Number(port), '127.0.0.1', () => resolve({ socket, closed }));
      const closed = new Promise<number>((done) => socket.on('close', () => done(Date.now() - started)));
      socket.resume(); // read what the server sends (a 408), so its closing the socket is seen
      socket.on('error', () => {});
      socket.once('error', reject);
    });
  }

  it('serves a normal request while 200 slow clients hold sockets, then drops the slow ones', async () => {
    const slow = await Promise.all(Array.from({ length: 200 }, () => open()));
    // Half of them send part of their headers and stall; the other half send nothing at all (half-open).
    slow.slice(0, 100).forEach(({ socket }) => socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: appl'));
    const started = Date.now();
    const res = await fetch(`${t.server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(500);
    const closedAfter = await Promise.all(slow.map((s) => s.closed));
    expect(Math.max(...closedAfter), 'every slow socket was dropped within the headers timeout and a check interval').toBeLessThan(2500);
  });

  it('drops a client that sends its headers and then stalls its body, at the request timeout', async () => {
    const { socket, closed } = await open();
    socket.write('POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":');
    const ms = await closed;
    expect(ms).toBeGreaterThanOrEqual(1400);
    expect(ms).toBeLessThan(4000);
  });

  it('closes an idle keep-alive connection after its timeout', async () => {
    const { socket, closed } = await open();
    socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    const ms = await closed;
    expect(ms).toBeLessThan(2000);
  });
});
