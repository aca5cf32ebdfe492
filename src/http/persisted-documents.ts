/**
 * Persisted documents (PERSISTED_DOCUMENTS): a production web app sends the
 * id of a document it was built with instead of the document, and, with
 * `require`, the server runs nothing else, so no one can send Orgraph a
 * query the app's developers have not written and reviewed. The manifest is
 * the JSON map of id to document that graphql-codegen's client preset writes
 * (`persistedDocuments: true`: ids like `sha256:<hex>`), read once at start,
 * so every instance started with the same file serves the same set.
 *
 * A request names a document by `documentId` (GraphQL over HTTP's persisted
 * documents) or by `extensions.persistedQuery.sha256Hash` (Apollo's and
 * urql's persisted-query links), in a POST body or the URL of a GET.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export type PersistedDocumentsMode = 'off' | 'allow' | 'require';

export interface PersistedDocumentsSettings {
  mode: PersistedDocumentsMode;
  /** The manifest; set whenever the mode is not `off`. */
  file: string | undefined;
}

export interface PersistedDocuments {
  mode: Exclude<PersistedDocumentsMode, 'off'>;
  /** Documents by their sha256 in hex: what both ways of naming one come down to. */
  byHash: ReadonlyMap<string, string>;
}

export class PersistedDocumentsError extends Error {}

const HEX_SHA256 = /^[0-9a-f]{64}$/;

/** Reads and checks the manifest: every id must be the sha256 of its document, so an id names exactly one text. */
export async function loadPersistedDocuments(settings: PersistedDocumentsSettings): Promise<PersistedDocuments | null> {
  if (settings.mode === 'off') return null;
  const file = settings.file!;
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file} is not a readable JSON file: ${(error as Error).message}`);
  }
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) {
    throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file} must be a JSON object of document id to document`);
  }
  const byHash = new Map<string, string>();
  const problems: string[] = [];
  for (const [id, document] of Object.entries(manifest)) {
    const hash = id.replace(/^sha256:/, '');
    if (typeof document !== 'string') problems.push(`${id}: the document is not a string`);
    else if (!HEX_SHA256.test(hash) || sha256(document) !== hash) problems.push(`${id}: not the sha256 of its document (use the client preset's default hashAlgorithm)`);
    else byHash.set(hash, document);
  }
  if (problems.length > 0) throw new PersistedDocumentsError(`PERSISTED_DOCUMENTS_FILE ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return { mode: settings.mode, byHash };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A request as the handler hands it to Apollo: the parsed POST body, or the URL's query string for a GET. */
export interface GraphQLRequestParts {
  body: unknown;
  search: string;
}

export interface Refusal {
  status: number;
  code: string;
  message: string;
}

/**
 * The request with the document its id names put in, and the id taken out
 * (Apollo runs it as an ordinary request); the request unchanged when it
 * names none and the mode allows text; or why it is refused.
 */
export function withPersistedDocument(documents: PersistedDocuments, method: string, request: GraphQLRequestParts): GraphQLRequestParts | Refusal {
  const params = method === 'GET' ? new URLSearchParams(request.search) : null;
  const fields = params ? fieldsOfQueryString(params) : fieldsOfBody(request.body);
  const named = fields.documentId ?? (fields.hash !== undefined ? `sha256:${fields.hash}` : undefined);
  if (named === undefined) {
    if (documents.mode === 'allow') return request;
    return { status: 400, code: 'BAD_REQUEST', message: 'Only persisted documents are served (PERSISTED_DOCUMENTS=require): send the documentId of one, not a query' };
  }
  const hash = typeof named === 'string' ? named.replace(/^sha256:/, '') : '';
  const document = documents.byHash.get(hash);
  if (document === undefined) return { status: 400, code: 'PERSISTED_QUERY_NOT_FOUND', message: 'No persisted document has this id' };
  if (fields.query !== undefined && fields.query !== document) {
    return { status: 400, code: 'BAD_REQUEST', message: 'The query differs from the persisted document its id names' };
  }
  const extensions = withoutPersistedQuery(fields.extensions);
  if (params) {
    params.set('query', document);
    params.delete('documentId');
    if (extensions === undefined) params.delete('extensions');
    else params.set('extensions', JSON.stringify(extensions));
    return { body: request.body, search: `?${params}` };
  }
  const { documentId: _id, extensions: _extensions, ...rest } = request.body as Record<string, unknown>;
  return { body: { ...rest, query: document, ...(extensions === undefined ? {} : { extensions }) }, search: request.search };
}

interface NamingFields {
  documentId?: unknown;
  hash?: unknown;
  query?: unknown;
  extensions?: unknown;
}

function fieldsOfBody(body: unknown): NamingFields {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return {};
  const { documentId, query, extensions } = body as Record<string, unknown>;
  return { documentId, query, extensions, hash: hashOf(extensions) };
}

function fieldsOfQueryString(params: URLSearchParams): NamingFields {
  let extensions: unknown;
  try {
    extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
  } catch {
    extensions = undefined; // Apollo refuses the malformed parameter itself
  }
  return { documentId: params.get('documentId') ?? undefined, query: params.get('query') ?? undefined, extensions, hash: hashOf(extensions) };
}

function hashOf(extensions: unknown): unknown {
  const persisted = (extensions as { persistedQuery?: { sha256Hash?: unknown } } | null | undefined)?.persistedQuery;
  return typeof persisted === 'object' && persisted !== null ? persisted.sha256Hash : undefined;
}

/** The extensions without `persistedQuery` (Apollo's own persisted queries are off while a manifest is in use). */
function withoutPersistedQuery(extensions: unknown): unknown {
  if (typeof extensions !== 'object' || extensions === null || Array.isArray(extensions)) return extensions;
  const { persistedQuery: _persisted, ...rest } = extensions as Record<string, unknown>;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

export const isRefusal = (value: GraphQLRequestParts | Refusal): value is Refusal => 'code' in value;
