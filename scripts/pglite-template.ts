/**
 * `npm ci`'s prepare step: makes the migrated PGlite template
 * (src/db/pglite.ts), so that the first `npm start` and every test database
 * skip initdb. Never fails the install: without a template, the first new
 * database makes one.
 */
import { migrateEmbedded } from '../src/db/migrate.js';
import { openPglite, saveTemplate, templateMade } from '../src/db/pglite.js';

try {
  const { client, pristine } = await openPglite('memory://');
  if (pristine) {
    await migrateEmbedded(client);
    await saveTemplate(client, { withDirectory: true });
  }
  await client.close();
  console.log(`PGlite template: ${templateMade() ?? 'not made (the first new database will make it)'}`);
} catch (error) {
  console.warn('PGlite template not made (the first new database will make it):', error instanceof Error ? error.message : error);
}
