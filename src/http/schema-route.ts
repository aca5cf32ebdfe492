/**
 * GET /schema.graphql: the SDL with its directives and descriptions, the
 * same text as docs/schema.graphql, for tooling that reads SDL rather than
 * introspection (GraphQL Hive, Apollo Rover, GraphQL Inspector, IDEs), so
 * it sees who may do what. The INTROSPECTION setting decides who may fetch
 * it, as it decides who may introspect.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { GraphQLError } from 'graphql';
import type { Config } from '../config.js';
import type { Authenticator } from '../identity/authenticate.js';
import { sendError } from './graphql-handler.js';

export const SCHEMA_PATH = '/schema.graphql';

export function createSchemaRoute(sdl: string, introspection: Config['introspection'], authenticator: Authenticator) {
  const body = Buffer.from(sdl, 'utf8');
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (introspection === 'off') return sendError(res, 404, 'NOT_FOUND', `No route ${SCHEMA_PATH}`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return sendError(res, 405, 'METHOD_NOT_ALLOWED', `${SCHEMA_PATH} answers GET and HEAD only`);
    }
    if (introspection === 'authenticated') {
      const refusal = await signedIn(authenticator, req);
      if (refusal) {
        res.setHeader('www-authenticate', 'Bearer');
        return sendError(res, 401, 'UNAUTHENTICATED', refusal);
      }
    }
    res.setHeader('content-type', 'text/plain; charset=utf-8');
    res.setHeader('x-content-type-options', 'nosniff');
    // Whether it is served may depend on the token: never from a shared cache.
    res.setHeader('cache-control', 'private, no-cache');
    res.setHeader('etag', etag);
    if (req.headers['if-none-match'] === etag) {
      res.statusCode = 304;
      return void res.end();
    }
    res.statusCode = 200;
    res.setHeader('content-length', body.length);
    res.end(req.method === 'HEAD' ? undefined : body);
  };
}

/** Null when the request carries a token of a principal; otherwise why it is refused. */
async function signedIn(authenticator: Authenticator, req: IncomingMessage): Promise<string | null> {
  try {
    const principal = await authenticator.authenticate(req.headersDistinct.authorization);
    return principal.kind === 'anonymous' ? 'The schema needs a signed-in principal (INTROSPECTION=authenticated)' : null;
  } catch (error) {
    if (error instanceof GraphQLError && error.extensions.code === 'UNAUTHENTICATED') return error.message;
    throw error;
  }
}
