/** Entry point: configuration -> database -> server -> listen; drains on SIGTERM. */
import { ConfigError, loadConfig, type Config } from './config.js';
import { demoBanner, seedDemo } from './dev/demo.js';
import { DEV_TOKEN_PATH } from './http/dev-token.js';
import { DEV_AUDIENCE } from './identity/dev-issuer.js';
import { createOrgraph } from './server.js';

async function main() {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }

  const orgraph = await createOrgraph(config);
  const url = await orgraph.listen();
  const engine = orgraph.database.engine === 'pglite' ? `PGlite in ${config.database.pgliteDir}` : 'PostgreSQL';
  // From the process's start, so that what a newcomer waits for (loading the code included) is what is reported.
  console.log(`Orgraph listening on ${url}/graphql (database: ${engine}; ready ${Math.round(process.uptime() * 1000)} ms after start)`);

  if (orgraph.devIssuer) {
    const ids = await seedDemo(url, orgraph.devIssuer);
    console.log(`\n${await demoBanner(url, `${url}${DEV_TOKEN_PATH}`, DEV_AUDIENCE, orgraph.devIssuer, ids)}`);
    console.log(`Try:\n  curl -s "$ORGRAPH_URL/graphql" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" \\\n    -d '{"query":"{ viewer { kind user { email } } organizations { edges { node { slug viewerRole } } } }"}'\n`);
  }

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining requests and closing the database`);
    orgraph.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('Shutdown failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('Orgraph failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
