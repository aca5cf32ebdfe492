/**
 * A benchmark server in a process of its own (so its RSS is its own):
 *
 *   raw           (a) node:http answering each query with Orgraph's JSON, from memory
 *   apollo        (b) bare Apollo Server 5, same schema shape, from memory
 *   apollo-token  (b) plus Orgraph's token verifier (jose) in the context
 *
 * Orgraph itself runs as `src/main.ts`, unchanged.
 * Listens on loopback and announces itself as bench/server-lifecycle.ts says.
 * Reads BENCH_FIXTURE (a JSON file: Orgraph's responses) and, for the token,
 * AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URI.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRemoteJWKSet } from 'jose';
import { readBody } from '../src/http/body.js';
import { createTokenVerifier } from '../src/identity/token-verifier.js';
import { createBareApollo } from './bare-apollo.js';
import { QUERIES, type Fixture } from './queries.js';
import { serve } from './server-lifecycle.js';

const MAX_BODY = 1024 * 1024;

function fixture(): Fixture {
  const file = process.env.BENCH_FIXTURE;
  if (!file) throw new Error('BENCH_FIXTURE is not set');
  return JSON.parse(readFileSync(file, 'utf8')) as Fixture;
}

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => Promise<void> | void;

/** (a): parses the request like any JSON API would, then serializes the stored answer. */
function rawHandler(data: Fixture): Handler {
  const byQuery = new Map<string, unknown>([
    [QUERIES.scalar, data.scalar],
    [QUERIES.nested, data.nested],
  ]);
  return (_req, res, body) => {
    const { query } = JSON.parse(body) as { query?: string };
    const answer = query === undefined ? undefined : byQuery.get(query);
    res.setHeader('content-type', 'application/json; charset=utf-8');
    if (answer === undefined) {
      res.statusCode = 400;
      return void res.end('{"errors":[{"message":"unknown query"}]}');
    }
    res.end(JSON.stringify(answer));
  };
}

async function listen(handler: Handler) {
  const server = createServer((req, res) => {
    readBody(req, MAX_BODY)
      .then((body) => handler(req, res, body))
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

serve('bench server', async () => {
  const kind = process.argv[2];
  switch (kind) {
    case 'raw':
      return listen(rawHandler(fixture()));
    case 'apollo':
    case 'apollo-token': {
      const verify =
        kind === 'apollo-token'
          ? createTokenVerifier({
              issuer: process.env.AUTH_ISSUER!,
              audience: process.env.AUTH_AUDIENCE!,
              // Fetched once and cached, as Orgraph's key set is.
              keys: createRemoteJWKSet(new URL(process.env.AUTH_JWKS_URI!)),
            })
          : undefined;
      const bare = await createBareApollo(fixture(), verify);
      const http = await listen(bare.handler);
      return { url: http.url, stop: async () => (await http.stop(), await bare.stop()) };
    }
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
});
