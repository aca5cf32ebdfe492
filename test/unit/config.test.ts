import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('the configuration loaded');
}

describe('configuration', () => {
  it('defaults to the embedded database and the dev issuer outside production', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.database).toEqual({
      url: undefined,
      directUrl: undefined,
      readUrl: undefined,
      readMaxLagMs: 1000,
      poolSize: 10,
      pgliteDir: '.data/pglite',
      migrateOnStart: true,
      statementTimeoutMs: 5000,
      migrationLockTimeoutMs: 60_000,
    });
    expect(config.introspection).toBe('all');
    expect(config.auth.kind).toBe('dev');
  });

  it('takes the direct connection from DATABASE_URL unless DATABASE_DIRECT_URL names another', () => {
    const pooled = 'postgres://app@pgbouncer:6432/orgraph';
    expect(loadConfig({ DATABASE_URL: pooled }).database.directUrl).toBe(pooled);
    expect(loadConfig({ DATABASE_URL: pooled, DATABASE_DIRECT_URL: 'postgres://app@db:5432/orgraph' }).database.directUrl).toBe('postgres://app@db:5432/orgraph');
    expect(problemsOf({ DATABASE_DIRECT_URL: 'postgres://app@db:5432/orgraph' })).toEqual(['DATABASE_DIRECT_URL: DATABASE_DIRECT_URL needs DATABASE_URL as well']);
  });

  it('refuses production without AUTH_ISSUER', () => {
    expect(problemsOf({ NODE_ENV: 'production' })).toEqual([
      'AUTH_ISSUER: AUTH_ISSUER is required in production (the dev issuer is for development only)',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf({ PORT: 'eighty', DATABASE_URL: 'mysql://x', AUTH_ISSUER: 'not a url', MIGRATE_ON_START: 'maybe' });
    expect(problems.map((p) => p.split(':')[0])).toEqual(
      expect.arrayContaining(['PORT', 'DATABASE_URL', 'AUTH_ISSUER', 'MIGRATE_ON_START']),
    );
  });

  it("derives the JWKS URI from the issuer the way Auth0 publishes it", () => {
    const config = loadConfig({ AUTH_ISSUER: 'https://tenant.eu.auth0.com/', AUTH_AUDIENCE: 'https://api' });
    expect(config.auth).toMatchObject({ kind: 'issuer', issuer: { jwksUri: 'https://tenant.eu.auth0.com/.well-known/jwks.json' } });
  });

  it('reads CORS_ORIGINS as exact origins or *, none by default', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(loadConfig({ CORS_ORIGINS: 'https://app.example.com, http://127.0.0.1:5173' }).corsOrigins).toEqual([
      'https://app.example.com',
      'http://127.0.0.1:5173',
    ]);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
    expect(problemsOf({ CORS_ORIGINS: 'https://app.example.com/, app.example.com, https://a.example/path' })).toHaveLength(3);
    expect(problemsOf({ CORS_ORIGINS: '*, https://app.example.com' })[0]).toMatch(/either \* or a list/);
  });

  it('needs the manifest file whenever persisted documents are on', () => {
    expect(loadConfig({}).persistedDocuments).toEqual({ mode: 'off', file: undefined });
    expect(problemsOf({ PERSISTED_DOCUMENTS: 'require' })).toEqual(['PERSISTED_DOCUMENTS_FILE: PERSISTED_DOCUMENTS=require needs PERSISTED_DOCUMENTS_FILE (the manifest)']);
    expect(loadConfig({ PERSISTED_DOCUMENTS: 'allow', PERSISTED_DOCUMENTS_FILE: 'gql/persisted-documents.json' }).persistedDocuments.mode).toBe('allow');
    expect(problemsOf({ PERSISTED_DOCUMENTS: 'sometimes' })[0]).toMatch(/^PERSISTED_DOCUMENTS:/);
  });
});
