/** The HTTP surface around GraphQL: health, readiness, metrics, limits. */
import { describe, expect, it } from 'vitest';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();

describe('HTTP endpoints', () => {
  it('/healthz answers 200 while the process is up', async () => {
    const res = await fetch(`${t.server.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz answers 200 when the database answers', async () => {
    const res = await fetch(`${t.server.url}/readyz`);
    expect(res.status).toBe(200);
  });

  it('/metrics exposes the counters of the contract', async () => {
    await t.server.graphql(null, '{ viewer { kind } }');
    const text = await (await fetch(`${t.server.url}/metrics`)).text();
    for (const name of [
      'orgraph_db_statements_total',
      'orgraph_graphql_operations_total',
      'orgraph_graphql_errors_total',
      'orgraph_http_request_duration_seconds',
      'orgraph_dataloader_batches_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(text).toMatch(/orgraph_graphql_operations_total\{type="query",outcome="success"\} [1-9]/);
  });

  it('counts every SQL statement, the authorization look-ups included', async () => {
    const token = await t.issuer.userToken('auth0|counter');
    await t.server.graphql(token, '{ viewer { kind } }'); // first sight creates the user
    const before = await t.server.metric('orgraph_db_statements_total');
    await t.server.graphql(token, '{ organizations { edges { node { slug } } } }');
    // one to resolve the principal, one for the list
    expect((await t.server.metric('orgraph_db_statements_total')) - before).toBe(2);
  });

  it('unknown paths are 404', async () => {
    expect((await fetch(`${t.server.url}/nope`)).status).toBe(404);
  });

  it('a request body over the limit is refused with 413 before it is parsed', async () => {
    const res = await fetch(`${t.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ viewer { kind } }${' '.repeat(1024 * 1024)}` }),
    });
    expect(res.status).toBe(413);
  });

  it('refuses array batching', async () => {
    const res = await fetch(`${t.server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([{ query: '{ viewer { kind } }' }, { query: '{ viewer { kind } }' }]),
    });
    expect(res.status).toBe(400);
  });

  it('refuses a GET query without a CSRF-safe header', async () => {
    const res = await fetch(`${t.server.url}/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`);
    expect(res.status).toBe(400);
    const ok = await fetch(`${t.server.url}/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(ok.status).toBe(200);
  });

  it('never runs a mutation sent over GET', async () => {
    const query = encodeURIComponent('mutation { createOrganization(input: { slug: "via-get", name: "x" }) { organization { id } } }');
    const res = await fetch(`${t.server.url}/graphql?query=${query}`, { headers: { 'apollo-require-preflight': 'true' } });
    expect(res.status).toBe(405);
    expect((await t.server.snapshot()).organizations).toEqual([]);
  });
});
