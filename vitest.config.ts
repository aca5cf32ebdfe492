import { defineConfig } from 'vitest/config';

// The HTTP suites run once per database engine: always on PGlite, and on a
// real Postgres too when TEST_DATABASE_URL is set (each file gets its own database there).
const engines = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

/**
 * Suites of what happens before a request reaches the database (HTTP, parsing,
 * limits, tokens, CORS, the explorer, clients, persisted documents) or of a
 * process of their own on the embedded database: they would only repeat
 * themselves on Postgres.
 */
const ENGINE_AGNOSTIC = [
  'candidate-rules',
  'cors',
  'document-cost',
  'explorer',
  'graphql-cop',
  'graphql-http',
  'http-hygiene',
  'jwks',
  'jwt-attacks',
  'limits',
  'npm-start',
  'persisted-documents',
  'policy-tests',
  'rate-limits',
  'schema-sdl',
  'start-time',
  'web-clients',
].map((name) => `test/http/${name}.test.ts`);

export default defineConfig({
  // graphql 16 ships CJS and ESM builds; Node (and so every dependency) loads the CJS one,
  // so Vite must too, or two copies of the type classes meet ("another module or realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    // Vitest leaves one core free by default; these suites mostly wait on servers and databases, so use both.
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      ...engines.map((engine) => ({
        extends: true as const,
        test: { name: engine, include: ['test/http/**/*.test.ts'], exclude: engine === 'postgres' ? ENGINE_AGNOSTIC : [], env: { ORGRAPH_TEST_DB: engine } },
      })),
    ],
  },
});
