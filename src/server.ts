/**
 * Builds an Orgraph instance: database, identity, schema, Apollo Server and
 * the HTTP routes. `main.ts` and the tests both start it through here, so the
 * tests exercise exactly what production runs.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GraphQLSchema } from 'graphql';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { loadDevIssuer, type DevIssuer } from './identity/dev-issuer.js';
import { createIdentity } from './identity/identity.js';
import type { Config } from './config.js';
import { createContextBuilder } from './context.js';
import type { Context } from './features/context.js';
import { ChangeFeed } from './cache/change-feed.js';
import { GenerationCache } from './cache/generation-cache.js';
import { responseCachePlugin, type ResponseCache } from './graphql/response-cache-plugin.js';
import { openDatabase, type Database } from './db/client.js';
import { compiledExecutor, executorGateway } from './graphql/compiled-executor.js';
import { createFormatError } from './graphql/format-error.js';
import { introspectionForPrincipalsPlugin } from './graphql/introspection-plugin.js';
import { limitRules } from './graphql/limits.js';
import { loggingPlugin } from './graphql/logging-plugin.js';
import { metricsPlugin } from './graphql/metrics-plugin.js';
import { requestChecksPlugin } from './graphql/request-checks-plugin.js';
import { responseStatusPlugin } from './graphql/response-status-plugin.js';
import { printSdl } from './graphql/print-schema.js';
import { describeRules } from './graphql/rule-descriptions.js';
import { buildSchema } from './graphql/schema.js';
import { createCors } from './http/cors.js';
import { createDevTokenEndpoint, DEV_TOKEN_PATH } from './http/dev-token.js';
import { createExplorer, EXPLORER_ASSETS } from './http/explorer.js';
import { createGraphQLHandler, sendError } from './http/graphql-handler.js';
import { loadPersistedDocuments } from './http/persisted-documents.js';
import { RateLimiter } from './http/rate-limit.js';
import { createSchemaRoute, SCHEMA_PATH } from './http/schema-route.js';
import { principalKey } from './identity/principal.js';
import { createLogger } from './logger.js';
import { createMetrics, observeFeedHealth, observeReplicaLag, type Metrics } from './metrics.js';
import { ReplicaRouter } from './db/replica.js';
import { consistencyPlugin } from './graphql/consistency-plugin.js';
import { idempotencyPlugin } from './graphql/idempotency-plugin.js';

export interface Orgraph {
  readonly database: Database;
  readonly metrics: Metrics;
  /** Set when no AUTH_ISSUER is configured (development): signs demo tokens. */
  readonly devIssuer: DevIssuer | null;
  readonly httpServer: Server;
  /** Listens on the configured host and port; resolves to the base URL. */
  listen(): Promise<string>;
  /** Stops taking requests, drains those in flight, closes the database. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 2000;

/** The executable schema, its access rules applied, and its SDL as `/schema.graphql` serves it. */
function schemaOf(config: Config, options: OrgraphOptions, metrics: Metrics): { schema: GraphQLSchema; sdl: string } {
  const schema = buildSchema({
    ...(options.typeDefs ? { typeDefs: options.typeDefs } : {}),
    rules: config.accessRules,
    onDivergence: (ctx, divergence) => {
      metrics.candidateDivergences.inc({ ...divergence });
      ctx.logger.warn({ requestId: ctx.requestId, principal: principalKey(ctx.principal), ...divergence }, 'candidate rule decides otherwise than the live rule');
    },
  });
  // The SDL first: describeRules adds to descriptions that the printed SDL would otherwise take up where the SDL has none.
  const sdl = printSdl(schema);
  describeRules(schema);
  return { schema, sdl };
}

export interface OrgraphOptions {
  /** Another SDL than the project's own (a schema with extensions: candidate rules tried in a test, say). */
  typeDefs?: string[];
}

export async function createOrgraph(config: Config, options: OrgraphOptions = {}): Promise<Orgraph> {
  // Before anything opens: a bad manifest stops the start with nothing to close.
  const persisted = await loadPersistedDocuments(config.persistedDocuments);
  const metrics = createMetrics();
  const logger = createLogger(config.logLevel);
  // Loaded while the database opens: generating a new key pair takes hundreds of milliseconds, on another thread.
  const devIssuer = config.auth.kind === 'dev' ? loadDevIssuer(config.auth.keyFile) : undefined;
  // Awaited after the database is open; until then a failure must not count as unhandled.
  devIssuer?.catch(() => {});
  // Opened while the schema is built: a new PGlite directory is copied on another thread meanwhile.
  const opening = openDatabase({
    ...config.database,
    heartbeatMs: Math.max(50, Math.floor(config.changeFeedMaxSilenceMs / 4)),
    onStatement: () => metrics.dbStatements.inc(),
  });
  opening.catch(() => {});
  let built: { schema: GraphQLSchema; sdl: string };
  try {
    built = schemaOf(config, options, metrics);
  } catch (error) {
    void opening.then((database) => database.close(), () => {});
    throw error;
  }
  const { schema, sdl } = built;
  const database = await opening;
  try {
    // Either way a read-only database where the primary belongs stops the start with a message naming its host.
    if (config.database.migrateOnStart) await database.migrate();
    else await database.assertWritable();
  } catch (error) {
    await database.close();
    throw error;
  }
  const changes = new ChangeFeed(database.engine === 'postgres' ? config.changeFeedMaxSilenceMs : null);
  observeFeedHealth(metrics, () => changes.health());
  changes.onHealthChange(({ healthy, silentMs }) =>
    healthy
      ? logger.info({ silentMs }, 'change feed heard again: caches serve again')
      : logger.warn({ silentMs }, 'change feed silent or down: nothing is served from the caches until it is heard again'),
  );
  const stopWatching = await database.watchChanges(changes);
  // Ready with its caches on, unless the feed stays silent (then it serves uncached, and says so in the log).
  await changes.untilHealthy(config.changeFeedMaxSilenceMs);
  const replica = database.replica && {
    db: database.replica.db,
    router: new ReplicaRouter(database.query, database.replica.query, () => changes.begin(), config.database.readMaxLagMs),
  };
  if (replica) {
    replica.router.start();
    observeReplicaLag(metrics, () => replica.router.status().lagMs);
  }
  const responses: ResponseCache = new GenerationCache(changes, config.cacheBytes);

  const identity = await createIdentity(config.auth, {
    db: database.db,
    changes,
    cacheOn: config.cacheBytes > 0,
    onVerification: (outcome) => metrics.tokenVerifications.inc({ outcome }),
    onLastSeenFailure: (error) => logger.warn({ err: error }, "could not record a principal's last-seen time"),
    devIssuer,
  });
  const rateLimiter = config.rateLimits && new RateLimiter(config.rateLimits, (bucket) => metrics.rateLimited.inc({ bucket }));
  const buildContext = createContextBuilder({
    rateLimiter: rateLimiter ?? undefined,
    db: database.db,
    replica: replica ?? undefined,
    changes,
    authenticator: identity.authenticator,
    logger,
    metrics,
    operationTimeoutMs: config.operationTimeoutMs,
    statementTimeoutMs: config.database.statementTimeoutMs,
    onUnavailable: (error, requestId) => logger.error({ err: error, requestId }, 'database unavailable while resolving the principal'),
  });

  const httpServer = createServer({
    headersTimeout: config.http.headersTimeoutMs,
    requestTimeout: config.http.requestTimeoutMs,
    keepAliveTimeout: config.http.keepAliveTimeoutMs,
    // Node enforces the two timeouts above only when it checks its connections: often enough to honour them.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(config.http.headersTimeoutMs / 4))),
  });
  // A socket with no traffic for this long is closed, whatever state its request is in (a half-open client).
  httpServer.setTimeout(config.http.idleTimeoutMs, (socket) => socket.destroy());
  const apollo = new ApolloServer<Context>({
    ...(config.executor === 'compiled' ? { gateway: executorGateway(schema, compiledExecutor(schema)) } : { schema }),
    formatError: createFormatError({ hideSuggestions: config.mode === 'production' }),
    includeStacktraceInErrorResponses: false,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    // With a manifest, Apollo's own persisted queries would let any client register a document: the manifest is the only set.
    ...(persisted ? { persistedQueries: false as const } : {}),
    introspection: config.introspection !== 'off',
    // Production answers no "did you mean" suggestions that would reveal the schema.
    hideSchemaDetailsFromClientErrors: config.mode === 'production',
    validationRules: limitRules(config.limits),
    parseOptions: { maxTokens: config.limits.maxTokens },
    // main.ts owns signal handling: it drains through `stop()` and then exits.
    stopOnTerminationSignals: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      ApolloServerPluginLandingPageDisabled(),
      // Orgraph sets no cache hints; Apollo's cache-control plugin would still run on every field.
      ApolloServerPluginCacheControlDisabled(),
      // Inline traces are for federated subgraphs, which Orgraph is not; left on, Apollo loads its protobuf code at every start.
      ApolloServerPluginInlineTraceDisabled(),
      metricsPlugin(metrics),
      loggingPlugin(logger),
      responseStatusPlugin(),
      requestChecksPlugin(config.limits, rateLimiter),
      responseCachePlugin(responses, metrics, changes),
      consistencyPlugin(),
      idempotencyPlugin(),
      ...(config.introspection === 'authenticated' ? [introspectionForPrincipalsPlugin()] : []),
    ],
  });
  await apollo.start();
  const graphql = createGraphQLHandler(apollo, buildContext, persisted);
  const explorer = config.explorer ? createExplorer({ devIssuer: identity.devIssuer, maxDepth: config.limits.maxDepth }) : null;

  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://orgraph.invalid');
    const stopTimer = metrics.httpDuration.startTimer({ route: routeLabel(url.pathname) });
    res.on('finish', () => stopTimer({ status: String(res.statusCode) }));
    route(req, res, url).catch((error: unknown) => {
      logger.error({ err: error, path: url.pathname }, 'request failed');
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_SERVER_ERROR', 'Internal server error');
      else res.destroy();
    });
  });

  const cors = createCors(config.corsOrigins);
  const schemaRoute = createSchemaRoute(sdl, config.introspection, identity.authenticator);
  const devToken = identity.devIssuer && createDevTokenEndpoint(identity.devIssuer);

  async function route(req: IncomingMessage, res: ServerResponse, url: URL) {
    if (explorer?.handles(req, url)) return explorer.serve(req, res, url);
    if (API_ROUTES.has(url.pathname)) {
      if (req.method === 'OPTIONS') return cors.preflight(req, res);
      cors.decorate(req, res);
    }
    switch (url.pathname) {
      case '/graphql':
        return graphql(req, res, url);
      case SCHEMA_PATH:
        return schemaRoute(req, res);
      case DEV_TOKEN_PATH:
        if (devToken) return devToken(req, res);
        return sendError(res, 404, 'NOT_FOUND', `No route ${url.pathname}`);
      case '/healthz':
        return sendJson(res, 200, { status: 'ok' });
      case '/readyz': {
        const ready = await withTimeout(database.ping(), READY_TIMEOUT_MS).then(
          () => true,
          () => false,
        );
        // The feed's health is shown, not required: a process whose caches are off still answers correctly.
        return sendJson(res, ready ? 200 : 503, { status: ready ? 'ready' : 'database unavailable', changeFeed: changes.health() });
      }
      case '/metrics':
        res.setHeader('content-type', metrics.registry.contentType);
        return void res.end(await metrics.registry.metrics());
      default:
        return sendError(res, 404, 'NOT_FOUND', `No route ${url.pathname}`);
    }
  }

  return {
    database,
    metrics,
    devIssuer: identity.devIssuer,
    httpServer,
    listen: () =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.port, config.host, () => {
          const { address, port } = httpServer.address() as AddressInfo;
          resolve(`http://${address.includes(':') ? `[${address}]` : address}:${port}`);
        });
      }),
    stop: async () => {
      identity.stop();
      await apollo.stop(); // drains in-flight requests and closes the HTTP server
      await stopWatching();
      replica?.router.stop();
      await database.close();
    },
  };
}

/** What browser apps on other origins may call (CORS_ORIGINS); the operational routes stay same-origin. */
const API_ROUTES = new Set(['/graphql', SCHEMA_PATH]);
const ROUTES = new Set([...API_ROUTES, '/healthz', '/readyz', '/metrics', DEV_TOKEN_PATH]);

/** A closed set of labels: a label valued from the request would let any caller add series without bound. */
function routeLabel(path: string): string {
  if (ROUTES.has(path)) return path;
  return path.startsWith(EXPLORER_ASSETS) ? EXPLORER_ASSETS : 'other';
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
