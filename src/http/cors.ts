/**
 * Cross-origin access for browser apps on other origins (CORS_ORIGINS).
 * Orgraph's only credential is a bearer token that the app puts in
 * `Authorization` itself, so no answer ever allows credentials (cookies,
 * HTTP authentication): `*` is as safe as a list of origins, and a page on
 * an origin not listed gets no `Access-Control-Allow-Origin`, so its browser
 * keeps the answer from it.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Every request header a client of Orgraph sends, in one place: the
 * preflight allows exactly these. `orgraph-consistency` and
 * `idempotency-key` are read by the API (a read after one's own write, a
 * retried mutation); the two Apollo headers mark a request as CSRF-safe.
 */
export const API_REQUEST_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'orgraph-consistency',
  'idempotency-key',
  'apollo-require-preflight',
  'x-apollo-operation-name',
] as const;

/** Response headers a script on another origin may read (CORS hides all but the safelisted ones). */
const EXPOSED_HEADERS = ['retry-after'];
const METHODS = ['GET', 'POST', 'OPTIONS'];
/** How long a browser may reuse a preflight's answer. */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/** `*` for any origin, or exact origins (`https://app.example.com`, `http://127.0.0.1:5173`). */
export type CorsOrigins = '*' | readonly string[];

export interface Cors {
  /** Adds the CORS headers an answer to this request carries (none without an allowed Origin). */
  decorate(req: IncomingMessage, res: ServerResponse): void;
  /** Answers an OPTIONS request (a preflight, or a plain OPTIONS) completely. */
  preflight(req: IncomingMessage, res: ServerResponse): void;
}

export function createCors(origins: CorsOrigins): Cors {
  const listed = new Set(origins === '*' ? [] : origins);
  const allowed = (origin: string | undefined): string | null => {
    if (origin === undefined) return null;
    if (origins === '*') return '*';
    return listed.has(origin) ? origin : null;
  };

  const decorate = (req: IncomingMessage, res: ServerResponse) => {
    // The answer depends on the Origin whenever origins are listed: shared caches must keep one per origin.
    if (origins !== '*') appendVary(res, 'origin');
    const origin = allowed(req.headers.origin);
    if (!origin) return;
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
  };

  return {
    decorate,
    preflight(req, res) {
      decorate(req, res);
      res.setHeader('allow', METHODS.join(', '));
      if (res.hasHeader('access-control-allow-origin') && req.headers['access-control-request-method']) {
        res.setHeader('access-control-allow-methods', METHODS.join(', '));
        res.setHeader('access-control-allow-headers', API_REQUEST_HEADERS.join(', '));
        res.setHeader('access-control-max-age', String(PREFLIGHT_MAX_AGE_SECONDS));
      }
      res.statusCode = 204;
      res.end();
    },
  };
}

/** Adds a field to `Vary` without dropping the ones already set. */
export function appendVary(res: ServerResponse, field: string): void {
  const present = String(res.getHeader('vary') ?? '')
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  if (!present.some((f) => f.toLowerCase() === field.toLowerCase())) res.setHeader('vary', [...present, field].join(', '));
}
