/**
 * Persisted documents end to end: graphql-codegen's client preset
 * (`persistedDocuments: true`) generates a web app's documents and their
 * manifest from the live schema (GET /schema.graphql), Orgraph starts with
 * that manifest, and the app's requests name documents by id: `documentId`
 * or `extensions.persistedQuery.sha256Hash`, by POST or GET. With `require`
 * nothing else runs; with `allow` text runs too.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPersistedDocuments, PersistedDocumentsError } from '../../src/http/persisted-documents.js';
import type { TestOrgraph } from '../helpers/orgraph.js';
import { send, type Reply } from '../helpers/requests.js';
import { useOrgraph } from '../helpers/use-orgraph.js';

const CODEGEN = new URL('../../node_modules/.bin/graphql-codegen', import.meta.url).pathname;
const OPERATIONS = `query Viewer { viewer { kind user { email } } }

query Organization($slug: String!) { organization(slug: $slug) { slug viewerRole } }

mutation CreateOrganization($i: CreateOrganizationInput!) { createOrganization(input: $i) { organization { slug } } }
`;

const t = useOrgraph();
const dir = mkdtempSync(join(tmpdir(), 'orgraph-persisted-'));
const manifestFile = join(dir, 'gql', 'persisted-documents.json');
let required: TestOrgraph;
let allowed: TestOrgraph;
let token: string;
/** The generated documents, as the app imports them: each carries its id in `__meta__.hash`. */
let generated: Record<string, { __meta__?: { hash: string } }>;

beforeAll(async () => {
  writeFileSync(join(dir, 'operations.graphql'), OPERATIONS);
  const config = {
    schema: `${t.server.url}/schema.graphql`,
    documents: [join(dir, '*.graphql')],
    generates: { [join(dir, 'gql/')]: { preset: 'client', presetConfig: { persistedDocuments: true } } },
  };
  writeFileSync(join(dir, 'codegen.json'), JSON.stringify(config));
  await promisify(execFile)(CODEGEN, ['--config', join(dir, 'codegen.json')], { cwd: new URL('../..', import.meta.url).pathname });
  generated = await import(join(dir, 'gql', 'graphql.ts'));
  [required, allowed] = await Promise.all([
    t.start({ PERSISTED_DOCUMENTS: 'require', PERSISTED_DOCUMENTS_FILE: manifestFile }),
    t.start({ PERSISTED_DOCUMENTS: 'allow', PERSISTED_DOCUMENTS_FILE: manifestFile }),
  ]);
  token = await t.issuer.userToken('auth0|alice', { email: 'alice@example.test' });
  // The seed speaks GraphQL as text, which `require` refuses: the app's own mutation, by id, makes the organization.
  const created = await postJson(required, { documentId: idOf('CreateOrganizationDocument'), variables: { i: { slug: 'acme', name: 'Acme' } } });
  expect(created.body, created.raw).toEqual({ data: { createOrganization: { organization: { slug: 'acme' } } } });
}, 180_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idOf = (name: string) => generated[name]!.__meta__!.hash;
const bearer = () => ({ authorization: `Bearer ${token}` });

function postJson(server: TestOrgraph, body: unknown): Promise<Reply> {
  return send(server.url, '/graphql', { headers: { 'content-type': 'application/json', ...bearer() }, body: JSON.stringify(body) });
}

describe("codegen's client preset output", () => {
  it('is a manifest of sha256 ids to the documents the app holds', () => {
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
    expect(Object.keys(manifest)).toEqual(expect.arrayContaining([idOf('ViewerDocument'), idOf('OrganizationDocument')]));
    for (const [id, document] of Object.entries(manifest)) expect(id).toBe(`sha256:${createHash('sha256').update(document).digest('hex')}`);
  });
});

describe('PERSISTED_DOCUMENTS=require', () => {
  it('runs a document named by documentId, with its variables', async () => {
    const res = await postJson(required, { documentId: idOf('OrganizationDocument'), variables: { slug: 'acme' } });
    expect(res.status, res.raw).toBe(200);
    expect(res.body).toEqual({ data: { organization: { slug: 'acme', viewerRole: 'OWNER' } } });
  });

  it("runs a document named by Apollo's persisted-query extension, and by GET", async () => {
    const hash = idOf('ViewerDocument').replace('sha256:', '');
    const res = await postJson(required, { extensions: { persistedQuery: { version: 1, sha256Hash: hash } } });
    expect(res.body, res.raw).toEqual({ data: { viewer: { kind: 'USER', user: { email: 'alice@example.test' } } } });
    const get = await send(required.url, `/graphql?documentId=${encodeURIComponent(idOf('ViewerDocument'))}`, { method: 'GET', headers: bearer() });
    expect(get.body, get.raw).toEqual(res.body);
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    const getExtension = await send(required.url, `/graphql?extensions=${extensions}`, { method: 'GET', headers: bearer() });
    expect(getExtension.body, getExtension.raw).toEqual(res.body);
  });

  it('refuses a query sent as text, one not in the manifest registered with its hash, and an unknown id', async () => {
    const text = await postJson(required, { query: '{ viewer { kind } }' });
    expect(text.status).toBe(400);
    expect(text.body.errors[0]).toMatchObject({ extensions: { code: 'BAD_REQUEST' }, message: expect.stringMatching(/Only persisted documents/) });
    const other = '{ organizations { edges { node { slug } } } }';
    const registering = await postJson(required, {
      query: other,
      extensions: { persistedQuery: { version: 1, sha256Hash: createHash('sha256').update(other).digest('hex') } },
    });
    expect(registering.status).toBe(400);
    expect(registering.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    for (const documentId of [`sha256:${'0'.repeat(64)}`, 'Viewer', 42]) {
      const unknown = await postJson(required, { documentId });
      expect(unknown.status).toBe(400);
      expect(unknown.body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
    const mismatched = await postJson(required, { documentId: idOf('ViewerDocument'), query: other });
    expect(mismatched.body.errors[0].extensions.code).toBe('BAD_REQUEST');
    const get = await send(required.url, `/graphql?query=${encodeURIComponent('{ viewer { kind } }')}`, { method: 'GET', headers: bearer() });
    expect(get.status).toBe(400);
  });
});

describe('PERSISTED_DOCUMENTS=allow', () => {
  it('runs documents by id and as text', async () => {
    expect((await postJson(allowed, { documentId: idOf('ViewerDocument') })).body.data.viewer.kind).toBe('USER');
    expect((await postJson(allowed, { query: '{ viewer { kind } }' })).body).toEqual({ data: { viewer: { kind: 'USER' } } });
    expect((await postJson(allowed, { documentId: `sha256:${'1'.repeat(64)}` })).body.errors[0].extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
  });
});

describe('the manifest', () => {
  it('is refused at start when an id is not the hash of its document, or the file is not a JSON object', async () => {
    const tampered = join(dir, 'tampered.json');
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Record<string, string>;
    const [id] = Object.keys(manifest);
    writeFileSync(tampered, JSON.stringify({ ...manifest, [id!]: '{ organizations { edges { cursor } } }' }));
    await expect(loadPersistedDocuments({ mode: 'require', file: tampered })).rejects.toThrow(PersistedDocumentsError);
    writeFileSync(tampered, '["not", "a", "map"]');
    await expect(loadPersistedDocuments({ mode: 'allow', file: tampered })).rejects.toThrow(/JSON object/);
    await expect(loadPersistedDocuments({ mode: 'allow', file: join(dir, 'missing.json') })).rejects.toThrow(/not a readable JSON file/);
  });
});
