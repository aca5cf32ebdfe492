/** `npm run db:migrate`: applies pending migrations, for operators who start with MIGRATE_ON_START=false. */
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';

try {
  const { database } = loadConfig();
  const db = await openDatabase(database);
  await db.migrate();
  await db.close();
  console.log(`Migrations applied (${database.url ? 'PostgreSQL' : `PGlite in ${database.pgliteDir}`}).`);
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
