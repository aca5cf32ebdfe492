/**
 * Hands an HTTP request to Apollo Server (its integration API), so the
 * server runs on Node's own HTTP module with nothing in between.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HeaderMap, type ApolloServer } from '@apollo/server';
import type { Context } from '../features/context.js';
import { BodyTooLarge, readBody } from './body.js';
import { appendVary } from './cors.js';
import { isRefusal, withPersistedDocument, type PersistedDocuments } from './persisted-documents.js';

export const MAX_BODY_BYTES = 1024 * 1024;

export function createGraphQLHandler(
  apollo: ApolloServer<Context>,
  buildContext: (req: IncomingMessage) => Promise<Context>,
  persisted: PersistedDocuments | null = null,
) {
  return async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    let body: unknown;
    try {
      const text = await readBody(req, MAX_BODY_BYTES);
      body = parseBody(text, req.headers['content-type']);
    } catch (error) {
      if (error instanceof BodyTooLarge) return sendError(res, 413, 'BAD_REQUEST', `Request body is larger than ${MAX_BODY_BYTES} bytes`);
      return sendError(res, 400, 'BAD_REQUEST', 'Request body is not valid JSON');
    }
    const method = req.method ?? 'GET';
    let search = url.search;
    if (persisted) {
      const resolved = withPersistedDocument(persisted, method, { body, search });
      if (isRefusal(resolved)) return sendError(res, resolved.status, resolved.code, resolved.message);
      ({ body, search } = resolved);
    }
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    if (isBearerGet(req)) headers.set(CSRF_SAFE_HEADER, 'true');
    const response = await apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method, headers, search, body },
      context: () => buildContext(req),
    });
    res.statusCode = response.status ?? 200;
    for (const [name, value] of response.headers) {
      if (name === 'vary') value.split(',').forEach((field) => appendVary(res, field.trim()));
      else res.setHeader(name, value);
    }
    // Answers depend on who asks: no shared cache (a CDN, a corporate proxy) may keep one for someone else.
    res.setHeader('cache-control', 'private, no-store');
    if (response.body.kind === 'complete') {
      res.end(response.body.string);
      return;
    }
    for await (const chunk of response.body.asyncIterator) res.write(chunk);
    res.end();
  };
}

/** One of the headers Apollo's CSRF prevention takes as proof that a browser preflighted the request. */
const CSRF_SAFE_HEADER = 'apollo-require-preflight';

/**
 * A GET carrying a bearer token is as CSRF-safe as one with Apollo's
 * headers: no form, link or image can send `Authorization`, and a script on
 * another origin can only after a CORS preflight. Only `Bearer`: a browser
 * resends HTTP Basic credentials by itself (a proxy in front of Orgraph), so
 * they prove nothing. Every other request keeps Apollo's checks, POSTs with
 * a simple content type included.
 */
function isBearerGet(req: IncomingMessage): boolean {
  return req.method === 'GET' && /^bearer\s+\S/i.test(req.headers.authorization ?? '');
}

function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  return contentType?.toLowerCase().includes('json')
    ? JSON.parse(text)
    : text;
}

export function sendError(res: ServerResponse, status: number, code: string, message: string) {
  res.statusCode = status;
  res.setHeader('cache-control', 'private, no-store');
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify({ errors: [{ message, extensions: { code } }] }));
}
