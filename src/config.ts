/**
 * The only reader of `process.env`. Every problem is reported at once, so an
 * operator fixes a deployment in one round instead of one variable per restart.
 */
import { z } from 'zod';
import { DEFAULT_PGLITE_DIR } from './db/pglite-template.js';
import { DEFAULT_LIMITS, type RequestLimits } from './graphql/limits.js';
import type { CorsOrigins } from './http/cors.js';
import type { PersistedDocumentsSettings } from './http/persisted-documents.js';
import type { RateLimitSettings } from './http/rate-limit.js';
import type { AuthSettings } from './identity/identity.js';

const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

const url = (what: string) =>
  optionalText.refine((v) => v === undefined || URL.canParse(v), { message: `${what} must be an absolute URL` });

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((v) => (v === undefined || v === '' ? undefined : v === 'true' || v === '1'));

/** `*`, or a comma-separated list of exact origins as browsers send them (scheme, host, port; no path). */
const corsOrigins = z
  .string()
  .optional()
  .transform((v) => (v ?? '').split(',').map((o) => o.trim()).filter(Boolean))
  .superRefine((origins, ctx) => {
    if (origins.includes('*') && origins.length > 1) ctx.addIssue({ code: 'custom', message: 'CORS_ORIGINS is either * or a list of origins, not both' });
    for (const origin of origins) {
      if (origin !== '*' && (!URL.canParse(origin) || new URL(origin).origin !== origin)) {
        ctx.addIssue({ code: 'custom', message: `${origin} is not an origin such as https://app.example.com (scheme, host, optional port, no path or trailing slash)` });
      }
    }
  })
  .transform((origins): CorsOrigins => (origins.includes('*') ? '*' : origins));

const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const postgresUrl = (name: string) =>
  optionalText.refine((v) => v === undefined || /^postgres(ql)?:\/\//.test(v), { message: `${name} must be a postgres:// connection string` });

const environment = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce.number().int().min(0).max(65535).default(4000),
    HOST: z.string().trim().min(1).default('127.0.0.1'),
    DATABASE_URL: postgresUrl('DATABASE_URL'),
    DATABASE_DIRECT_URL: postgresUrl('DATABASE_DIRECT_URL'),
    DATABASE_READ_URL: postgresUrl('DATABASE_READ_URL'),
    DB_READ_MAX_LAG_MS: positiveInt(1000),
    DB_POOL_SIZE: positiveInt(10),
    DB_PREPARED_STATEMENTS: z.enum(['auto', 'on', 'off']).default('auto'),
    DB_MIGRATION_LOCK_TIMEOUT_MS: positiveInt(60_000),
    PGLITE_DIR: z.string().trim().min(1).default(DEFAULT_PGLITE_DIR),
    MIGRATE_ON_START: flag.transform((v) => v ?? true),
    AUTH_ISSUER: url('AUTH_ISSUER'),
    AUTH_AUDIENCE: optionalText,
    AUTH_JWKS_URI: url('AUTH_JWKS_URI'),
    AUTH_CLAIMS_NAMESPACE: optionalText,
    AUTH_JWKS_COOLDOWN_MS: positiveInt(30_000),
    AUTH_JWKS_REFRESH_MS: positiveInt(600_000),
    DEV_ISSUER_KEY_FILE: z.string().trim().min(1).default('.data/dev-issuer-key.json'),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    INTROSPECTION: z.enum(['all', 'authenticated', 'off']).optional(),
    EXPLORER: z.enum(['on', 'off']).optional(),
    CORS_ORIGINS: corsOrigins,
    PERSISTED_DOCUMENTS: z.enum(['off', 'allow', 'require']).default('off'),
    PERSISTED_DOCUMENTS_FILE: optionalText,
    DB_STATEMENT_TIMEOUT_MS: positiveInt(5000),
    OPERATION_TIMEOUT_MS: positiveInt(10_000),
    EXECUTOR: z.enum(['compiled', 'graphql-js']).default('compiled'),
    ACCESS_RULES: z.enum(['live', 'candidate']).default('live'),
    CHANGE_FEED_MAX_SILENCE_MS: positiveInt(2000),
    CACHE_MB: z.coerce.number().min(0).max(65_536).default(64),
    LIMIT_DEPTH: positiveInt(DEFAULT_LIMITS.maxDepth),
    LIMIT_ALIASES: positiveInt(DEFAULT_LIMITS.maxAliases),
    LIMIT_DIRECTIVES: positiveInt(DEFAULT_LIMITS.maxDirectives),
    LIMIT_TOKENS: positiveInt(DEFAULT_LIMITS.maxTokens),
    LIMIT_COST: positiveInt(DEFAULT_LIMITS.maxCost),
    LIMIT_INTROSPECTION_COST: positiveInt(DEFAULT_LIMITS.maxIntrospectionCost),
    LIMIT_INPUT_DEPTH: positiveInt(DEFAULT_LIMITS.maxInputDepth),
    RATE_LIMIT: z.enum(['on', 'off']).default('on'),
    RATE_LIMIT_REQUESTS_PER_MINUTE: positiveInt(1200),
    RATE_LIMIT_COST_PER_MINUTE: positiveInt(2_000_000),
    HTTP_HEADERS_TIMEOUT_MS: positiveInt(10_000),
    HTTP_REQUEST_TIMEOUT_MS: positiveInt(30_000),
    HTTP_KEEP_ALIVE_TIMEOUT_MS: positiveInt(5_000),
    HTTP_IDLE_TIMEOUT_MS: positiveInt(60_000),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === 'production' && !env.AUTH_ISSUER) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_ISSUER'],
        message: 'AUTH_ISSUER is required in production (the dev issuer is for development only)',
      });
    }
    if (env.AUTH_ISSUER && !env.AUTH_AUDIENCE) {
      ctx.addIssue({ code: 'custom', path: ['AUTH_AUDIENCE'], message: 'AUTH_AUDIENCE is required with AUTH_ISSUER' });
    }
    if (env.HTTP_HEADERS_TIMEOUT_MS > env.HTTP_REQUEST_TIMEOUT_MS) {
      ctx.addIssue({ code: 'custom', path: ['HTTP_HEADERS_TIMEOUT_MS'], message: 'HTTP_HEADERS_TIMEOUT_MS may not exceed HTTP_REQUEST_TIMEOUT_MS' });
    }
    if (env.RATE_LIMIT === 'on' && env.RATE_LIMIT_COST_PER_MINUTE < env.LIMIT_COST) {
      ctx.addIssue({
        code: 'custom',
        path: ['RATE_LIMIT_COST_PER_MINUTE'],
        message: 'RATE_LIMIT_COST_PER_MINUTE must be at least LIMIT_COST, or no query of the largest allowed cost could ever run',
      });
    }
    if (env.PERSISTED_DOCUMENTS !== 'off' && !env.PERSISTED_DOCUMENTS_FILE) {
      ctx.addIssue({ code: 'custom', path: ['PERSISTED_DOCUMENTS_FILE'], message: `PERSISTED_DOCUMENTS=${env.PERSISTED_DOCUMENTS} needs PERSISTED_DOCUMENTS_FILE (the manifest)` });
    }
    for (const name of ['DATABASE_DIRECT_URL', 'DATABASE_READ_URL'] as const) {
      if (env[name] && !env.DATABASE_URL) ctx.addIssue({ code: 'custom', path: [name], message: `${name} needs DATABASE_URL as well` });
    }
    if (!env.AUTH_ISSUER && (env.AUTH_AUDIENCE || env.AUTH_JWKS_URI)) {
      ctx.addIssue({
        code: 'custom',
        path: ['AUTH_ISSUER'],
        message: 'AUTH_AUDIENCE and AUTH_JWKS_URI need AUTH_ISSUER as well',
      });
    }
  });

export interface Config {
  mode: 'development' | 'production' | 'test';
  logLevel: string;
  /** Who may introspect: everyone, signed-in principals only (production's default, so tooling with a token keeps working), or nobody. */
  introspection: 'all' | 'authenticated' | 'off';
  /** Whether GET /graphql serves the GraphiQL page to browsers (off in production unless EXPLORER=on). */
  explorer: boolean;
  limits: RequestLimits;
  /** Origins whose pages may call the API from a browser: none (the default), a list, or `*`. */
  corsOrigins: CorsOrigins;
  /** Whether requests may, or must, name a document of the manifest instead of sending one. */
  persistedDocuments: PersistedDocumentsSettings;
  /** Per-principal requests and query cost; null when RATE_LIMIT=off (benchmarks). */
  rateLimits: RateLimitSettings | null;
  /** Node's HTTP server timeouts: slow and idle clients are dropped rather than held. */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; idleTimeoutMs: number };
  /** Each operation's deadline: fields not yet resolved fail after it, and a mutation's statements may not outlive it. */
  operationTimeoutMs: number;
  /** `compiled`: graphql-jit compiles each document once; `graphql-js`: the reference executor. */
  executor: 'compiled' | 'graphql-js';
  /** `live`: the rule directives decide, @candidateRule compared beside them; `candidate`: candidates decide where given. */
  accessRules: 'live' | 'candidate';
  /** Memory for answers kept between requests (see src/cache/); 0 turns the caches off. */
  cacheBytes: number;
  /** On Postgres, no cache serves while the change feed has been silent for longer than this (its heartbeat unheard). */
  changeFeedMaxSilenceMs: number;
  port: number;
  host: string;
  database: DatabaseSettings;
  auth: AuthSettings;
}

export interface DatabaseSettings {
  /** The pooled connection (PgBouncer in transaction mode is fine) every query and transaction uses; unset: PGlite. */
  url: string | undefined;
  /** A direct connection to the primary, for LISTEN and migrations (session state that a pooler would not keep). */
  directUrl: string | undefined;
  /** A streaming replica for reads outside mutations; unset: the primary reads too. */
  readUrl: string | undefined;
  /** Past this replay lag, reads go to the primary. */
  readMaxLagMs: number;
  poolSize: number;
  pgliteDir: string;
  migrateOnStart: boolean;
  statementTimeoutMs: number;
  /** DB_PREPARED_STATEMENTS: `on` names statements through a pooler too (PgBouncer 1.21+ with max_prepared_statements); undefined: on a direct connection only. */
  preparedStatements: boolean | undefined;
  /** How long a starting instance waits for another one's migrations before it gives up. */
  migrationLockTimeoutMs: number;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environment.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.') || 'environment'}: ${i.message}`));
  }
  const e = parsed.data;
  const claimsNamespace = e.AUTH_CLAIMS_NAMESPACE ?? '';
  return {
    mode: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    introspection: e.INTROSPECTION ?? (e.NODE_ENV === 'production' ? 'authenticated' : 'all'),
    explorer: (e.EXPLORER ?? (e.NODE_ENV === 'production' ? 'off' : 'on')) === 'on',
    corsOrigins: e.CORS_ORIGINS,
    persistedDocuments: { mode: e.PERSISTED_DOCUMENTS, file: e.PERSISTED_DOCUMENTS_FILE },
    operationTimeoutMs: e.OPERATION_TIMEOUT_MS,
    executor: e.EXECUTOR,
    accessRules: e.ACCESS_RULES,
    cacheBytes: Math.floor(e.CACHE_MB * 1024 * 1024),
    changeFeedMaxSilenceMs: e.CHANGE_FEED_MAX_SILENCE_MS,
    limits: {
      maxDepth: e.LIMIT_DEPTH,
      maxAliases: e.LIMIT_ALIASES,
      maxDirectives: e.LIMIT_DIRECTIVES,
      maxTokens: e.LIMIT_TOKENS,
      maxCost: e.LIMIT_COST,
      maxIntrospectionCost: e.LIMIT_INTROSPECTION_COST,
      maxInputDepth: e.LIMIT_INPUT_DEPTH,
    },
    rateLimits:
      e.RATE_LIMIT === 'on' ? { requestsPerMinute: e.RATE_LIMIT_REQUESTS_PER_MINUTE, costPerMinute: e.RATE_LIMIT_COST_PER_MINUTE } : null,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_MS,
    },
    port: e.PORT,
    host: e.HOST,
    database: {
      url: e.DATABASE_URL,
      directUrl: e.DATABASE_DIRECT_URL ?? e.DATABASE_URL,
      readUrl: e.DATABASE_READ_URL,
      readMaxLagMs: e.DB_READ_MAX_LAG_MS,
      poolSize: e.DB_POOL_SIZE,
      migrationLockTimeoutMs: e.DB_MIGRATION_LOCK_TIMEOUT_MS,
      pgliteDir: e.PGLITE_DIR,
      migrateOnStart: e.MIGRATE_ON_START,
      statementTimeoutMs: e.DB_STATEMENT_TIMEOUT_MS,
      preparedStatements: e.DB_PREPARED_STATEMENTS === 'auto' ? undefined : e.DB_PREPARED_STATEMENTS === 'on',
    },
    auth: e.AUTH_ISSUER
      ? {
          kind: 'issuer',
          claimsNamespace,
          issuer: {
            issuer: e.AUTH_ISSUER,
            audience: e.AUTH_AUDIENCE!,
            jwksUri: e.AUTH_JWKS_URI ?? new URL('.well-known/jwks.json', withTrailingSlash(e.AUTH_ISSUER)).href,
            jwksCooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
            jwksRefreshMs: e.AUTH_JWKS_REFRESH_MS,
          },
        }
      : { kind: 'dev', keyFile: e.DEV_ISSUER_KEY_FILE, claimsNamespace },
  };
}

function withTrailingSlash(u: string): string {
  return u.endsWith('/') ? u : `${u}/`;
}
