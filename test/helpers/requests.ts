/**
 * HTTP requests as an attacker or a raw client sends them, each response
 * checked for leaks (leaks.ts) before the test sees it: what fetch sends,
 * what only node:http can send (one header twice), and GraphQL POSTs with
 * extra headers, another path or an operation name.
 */
import { request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import { expect } from 'vitest';
import { expectNoLeak, secretsOf } from './leaks.js';
import type { GraphQLResponse, TestOrgraph } from './orgraph.js';

export interface Reply {
  status: number;
  raw: string;
  headers: Headers;
  /** The parsed JSON body, or undefined when the body is not JSON. */
  body: any;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

export interface SendOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Credentials sent elsewhere than the Authorization header (the URL, the body). */
  secrets?: string[];
}

/** Any HTTP request to a test server (POST unless told), its response checked for leaks. */
export async function send(base: string, path: string, options: SendOptions = {}): Promise<Reply> {
  const headers = options.headers ?? {};
  const response = await fetch(`${base}${path}`, { method: options.method ?? 'POST', headers, body: options.body });
  const raw = await response.text();
  const authorization = Object.entries(headers).find(([k]) => k.toLowerCase() === 'authorization')?.[1];
  expectNoLeak(raw, [...secretsOf(authorization), ...(options.secrets ?? [])], response.headers);
  return { status: response.status, raw, headers: response.headers, body: parseJson(raw) };
}

/** A POST through node:http, for what fetch cannot send (the same header twice: an array goes out as one line each). */
export function sendRaw(
  base: string,
  path: string,
  headers: Omit<OutgoingHttpHeaders, 'authorization'> & { authorization?: string | string[] },
  body: string,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const outgoing = { ...headers, 'content-length': Buffer.byteLength(body) } as unknown as OutgoingHttpHeaders;
    const req = httpRequest(new URL(path, base), { method: 'POST', headers: outgoing }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          for (const v of Array.isArray(value) ? value : value === undefined ? [] : [value]) responseHeaders.append(name, v);
        }
        try {
          expectNoLeak(raw, secretsOf(headers.authorization), responseHeaders);
          resolve({ status: res.statusCode ?? 0, raw, headers: responseHeaders, body: parseJson(raw) });
        } catch (error) {
          reject(error);
        }
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

export interface PostOptions {
  /** Added to (or overriding) the JSON content type and the bearer token. */
  headers?: Record<string, string>;
  operationName?: string;
  path?: string;
  secrets?: string[];
}

/** A GraphQL POST whose answer must be a JSON object, checked for leaks. */
export async function post(
  target: { url: string },
  token: string | null,
  query: string,
  variables?: Record<string, unknown>,
  extra: PostOptions = {},
): Promise<GraphQLResponse & { headers: Headers; body: any }> {
  const reply = await send(target.url, extra.path ?? '/graphql', {
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra.headers },
    body: JSON.stringify({ query, variables, ...(extra.operationName ? { operationName: extra.operationName } : {}) }),
    secrets: extra.secrets,
  });
  expect(reply.body, `not a JSON body: ${reply.raw}`).toBeTypeOf('object');
  return { status: reply.status, raw: reply.raw, headers: reply.headers, body: reply.body, ...reply.body };
}

/** The server with its `graphql` (the seed's requests included) going through `post`, so every answer is checked for leaks. */
export function leakChecked(inner: TestOrgraph): TestOrgraph {
  return { ...inner, graphql: ((token, query, variables) => post(inner, token, query, variables)) as TestOrgraph['graphql'] };
}
