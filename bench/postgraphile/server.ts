/**
 * The peer: PostGraphile 4 over Orgraph's tables, in a process of its own,
 * leaving who sees what to Postgres row-level security (policies.ts). It
 * verifies the same RS256 tokens as Orgraph, with the issuer's public key
 * read once from its JWKS, and hands their claims to the policies as
 * `jwt.claims.*` settings.
 *
 * Reads PEER_DATABASE_URL (the peer's role, application_name included),
 * AUTH_ISSUER, AUTH_AUDIENCE and AUTH_JWKS_URI. Prints `BENCH_READY <base url>`
 * once its schema is built; stops on SIGTERM.
 */
import { createPublicKey, type JsonWebKey } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '../server-lifecycle.js';

// A specifier in a variable: `tsc -p .` of the project then needs no bench/postgraphile/node_modules,
// which only the bench installs.
const POSTGRAPHILE = 'postgraphile';

interface PostGraphileMiddleware {
  (req: unknown, res: unknown): void;
  getGraphQLSchema(): Promise<unknown>;
  release(): Promise<void>;
}

interface PostGraphile {
  postgraphile(url: string, schema: string, options: object): PostGraphileMiddleware;
  makeJSONPgSmartTagsPlugin(tags: object): unknown;
}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function issuerPublicKey(jwksUri: string): Promise<string> {
  const { keys } = (await (await fetch(jwksUri)).json()) as { keys: (JsonWebKey & { alg?: string })[] };
  const key = keys.find((k) => k.kty === 'RSA' && (k.alg ?? 'RS256') === 'RS256');
  if (!key) throw new Error(`no RS256 key at ${jwksUri}`);
  return createPublicKey({ key, format: 'jwk' }).export({ type: 'spki', format: 'pem' }).toString();
}

serve('PostGraphile peer', async () => {
  const module = (await import(POSTGRAPHILE)) as Partial<PostGraphile> & { default?: PostGraphile };
  const { postgraphile, makeJSONPgSmartTagsPlugin } = module.postgraphile ? (module as PostGraphile) : module.default!;
  const middleware = postgraphile(required('PEER_DATABASE_URL'), 'public', {
    jwtPublicKey: await issuerPublicKey(required('AUTH_JWKS_URI')),
    jwtVerifyOptions: { algorithms: ['RS256'], audience: required('AUTH_AUDIENCE'), issuer: required('AUTH_ISSUER') },
    // Only what the role may read, as a deployment relying on grants would expose; and reads only.
    ignoreRBAC: false,
    disableDefaultMutations: true,
    graphqlRoute: '/graphql',
    graphiql: false,
    disableQueryLog: true,
    retryOnInitFail: false,
    watchPg: false,
    // Orgraph's enum workspace_role and its table workspace_roles would both be `WorkspaceRole`, which
    // PostGraphile refuses; the peer reads neither, but it builds types for every table it finds.
    appendPlugins: [makeJSONPgSmartTagsPlugin({ version: 1, config: { class: { workspace_roles: { tags: { name: 'WorkspaceRoleRow' } } } } })],
  });
  await middleware.getGraphQLSchema();
  const server = createServer((req, res) => middleware(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: async () => {
      server.close();
      await middleware.release();
    },
  };
});
