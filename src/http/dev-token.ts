/**
 * The development issuer's token endpoint (POST /oauth/token): the
 * client-credentials grant as Auth0 answers it, so the README's CI script
 * runs unchanged against `npm start`. A client's secret is the one the dev
 * issuer derives for it (the banner prints the demo client's). Served only
 * while the dev issuer is in use, never in production.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEV_AUDIENCE, TOKEN_TTL_SECONDS, type DevIssuer } from '../identity/dev-issuer.js';
import { BodyTooLarge, readBody } from './body.js';

export const DEV_TOKEN_PATH = '/oauth/token';
const MAX_FORM_BYTES = 8 * 1024;

export function createDevTokenEndpoint(issuer: DevIssuer) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return oauthError(res, 405, 'invalid_request', 'The token endpoint answers POST only');
    }
    let form: Record<string, unknown>;
    try {
      form = parseForm(await readBody(req, MAX_FORM_BYTES), req.headers['content-type']);
    } catch (error) {
      if (error instanceof BodyTooLarge) return oauthError(res, 413, 'invalid_request', 'The request is too large');
      return oauthError(res, 400, 'invalid_request', 'The body is neither a form nor a JSON object');
    }
    const { grant_type: grant, client_id: clientId, client_secret: secret, audience } = form;
    if (grant !== 'client_credentials') return oauthError(res, 400, 'unsupported_grant_type', 'Only grant_type=client_credentials is served');
    if (typeof clientId !== 'string' || typeof secret !== 'string' || !sameSecret(secret, issuer.clientSecret(clientId))) {
      return oauthError(res, 401, 'invalid_client', 'Unknown client_id or wrong client_secret');
    }
    if (audience !== undefined && audience !== DEV_AUDIENCE) return oauthError(res, 403, 'access_denied', `The only audience is ${DEV_AUDIENCE}`);
    sendJson(res, 200, { access_token: await issuer.machineToken(clientId), token_type: 'Bearer', expires_in: TOKEN_TTL_SECONDS });
  };
}

function parseForm(text: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.toLowerCase().includes('json')) {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    return parsed as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function oauthError(res: ServerResponse, status: number, error: string, description: string) {
  sendJson(res, status, { error, error_description: description });
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.setHeader('cache-control', 'no-store');
  res.end(JSON.stringify(body));
}
