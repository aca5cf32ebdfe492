import { defineConfig } from 'vitest/config';

// The HTTP suites run once per database engine: always on PGlite, and on a
// real Postgres too when TEST_DATABASE_URL is set (each file gets its own database there).
const engines = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  // graphql 16 ships CJS and ESM builds; Node (and so every dependency) loads the CJS one,
  // so Vite must too, or two copies of the type classes meet ("another module or realm").
  resolve: { alias: [{ find: /^graphql$/, replacement: 'graphql/index.js' }] },
  test: {
    testTimeout: 30_000,
    hookTimeout: 120_000,
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      ...engines.map((engine) => ({
        extends: true as const,
        test: { name: engine, include: ['test/http/**/*.test.ts'], env: { ORGRAPH_TEST_DB: engine } },
      })),
    ],
  },
});
