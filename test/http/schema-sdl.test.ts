/**
 * The schema for tooling: GET /schema.graphql serves docs/schema.graphql's
 * text, directives included, to whom INTROSPECTION lets introspect; and
 * introspection itself keeps the SDL's scalar descriptions and says each
 * field's rule in its description (what GraphiQL's docs pane shows).
 */
import { readFileSync } from 'node:fs';
import { buildSchema, getIntrospectionQuery, type IntrospectionQuery } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { PRINTED_SCHEMA_PATH } from '../../src/graphql/print-schema.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { send } from '../helpers/requests.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const t = useOrgraph();
let production: TestOrgraph; // INTROSPECTION=authenticated by default
let off: TestOrgraph;
let token: string;

beforeAll(async () => {
  [production, off] = await Promise.all([t.start({ NODE_ENV: 'production', LOG_LEVEL: 'silent' }), t.start({ INTROSPECTION: 'off' })]);
  token = await t.issuer.userToken('auth0|tooling', { email: 'tooling@example.test' });
});

describe('GET /schema.graphql', () => {
  it('serves the text of docs/schema.graphql, with every access rule as a directive', async () => {
    const res = await send(t.server.url, '/schema.graphql', { method: 'GET' });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; charset=utf-8/);
    expect(res.raw).toBe(readFileSync(PRINTED_SCHEMA_PATH, 'utf8'));
    const schema = buildSchema(res.raw);
    expect(schema.getType('Organization')?.astNode?.directives?.map((d) => d.name.value)).toContain('requiresRole');
    // every applied rule: 160 less the 4 directive definitions
    expect(res.raw.match(/@(requiresRole|public|authenticated|capability)\b/g)!.length).toBeGreaterThan(150);
    const etag = res.headers.get('etag')!;
    expect((await fetch(`${t.server.url}/schema.graphql`, { headers: { 'if-none-match': etag } })).status).toBe(304);
  });

  it('follows INTROSPECTION: a signed-in principal in production, nobody when off', async () => {
    expect((await send(production.url, '/schema.graphql', { method: 'GET' })).status).toBe(401);
    expect((await send(production.url, '/schema.graphql', { method: 'GET', headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    const signedIn = await send(production.url, '/schema.graphql', { method: 'GET', headers: { authorization: `Bearer ${token}` } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.raw).toBe(readFileSync(PRINTED_SCHEMA_PATH, 'utf8'));
    expect((await send(off.url, '/schema.graphql', { method: 'GET', headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    expect((await send(t.server.url, '/schema.graphql', { method: 'POST', body: '' })).status).toBe(405);
  });
});

describe('introspection', () => {
  async function introspect() {
    const res = await t.server.graphql<IntrospectionQuery>(token, getIntrospectionQuery({ typeDepth: 6 }));
    expect(res.errors, res.raw).toBeUndefined();
    const types = res.data!.__schema.types;
    const type = (name: string) => types.find((t) => t.name === name)!;
    const field = (typeName: string, name: string) => ('fields' in type(typeName) ? (type(typeName) as any).fields : []).find((f: { name: string }) => f.name === name);
    return { type, field };
  }

  it("keeps the SDL's descriptions of the scalars", async () => {
    const { type } = await introspect();
    expect(type('JSON').description).toBe('Any JSON value.');
    expect(type('DateTime').description).toBe('An ISO-8601 timestamp in UTC.');
  });

  it("says each field's rule in its description, after the SDL's own", async () => {
    const { field } = await introspect();
    expect(field('Organization', 'auditLog').description).toBe('Every change made in this organization, newest first. Owners only.\n\nAccess: `@requiresRole(role: OWNER)`');
    expect(field('Organization', 'slug').description).toBe('Access: `@requiresRole(role: READER)`'); // its type's rule
    expect(field('Mutation', 'addOrganizationMember').description).toBe(
      'Access: `@requiresRole(role: OWNER, scope: "input.organizationId", principal: USER)`',
    );
    expect(field('Query', 'viewer').description).toBe('The caller; null when anonymous.\n\nAccess: `@public`');
  });
});
