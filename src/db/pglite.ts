/**
 * The embedded database. A new one starts as a copy of a template already
 * initialized and migrated: initdb alone takes several seconds in
 * WebAssembly, a copy about one. The template is made from a database that
 * nothing but the migrations has touched, and is named for everything that
 * shapes it (the PGlite version and every migration file), so a changed
 * migration or a new PGlite makes a new one instead of reusing a stale one.
 * It lives in node_modules' cache, in two forms: a tarball, which PGlite
 * loads into memory (`memory://`, as the tests run), and a data directory,
 * copied where a data directory on disk is new (as `npm start` runs).
 * `npm ci`'s prepare step makes both (scripts/pglite-template.ts); the first
 * new database without one makes the tarball. It is only ever a shortcut:
 * where it cannot be read or written, a database is made the slow way.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { PGlite } from '@electric-sql/pglite';
import { CACHE_DIR, copyTemplateInto, directoryPath, holdsDatabase, onDisk, tarballPath, TEMPLATE_PREFIX, templateKey } from './pglite-template.js';

export interface EmbeddedDatabase {
  client: PGlite;
  /** Holds nothing but what initdb made: migrating it leaves a database the template may be made from. */
  pristine: boolean;
}

/**
 * PGlite's Postgres is 9 MB of WebAssembly. V8 compiles it fast (Liftoff),
 * then again optimized (TurboFan) on its background threads, and on two
 * cores the main thread stalled on that second compile for half a second,
 * right after the start, while a first request waited; the optimized code
 * made no measurable difference to the queries a development database
 * answers. Set before the module is compiled (setting it again changes
 * nothing); it concerns WebAssembly alone, which nothing but PGlite runs.
 */
const compileWasmByBaselineOnly = () => setFlagsFromString('--liftoff-only');

/** Opens PGlite's data directory `dir` (or `memory://`); a new one starts from the template when there is one. */
export async function openPglite(dir: string): Promise<EmbeddedDatabase> {
  compileWasmByBaselineOnly();
  const path = onDisk(dir);
  // A new directory on disk is copied from the template's; scripts/start.mjs may have begun that already.
  if (path !== null && ((await copyTemplateInto(path)) || holdsDatabase(path))) return { client: await ready(new PGlite(dir)), pristine: false };
  const tarball = await readFile(tarballPath()).catch(() => null);
  if (tarball) return { client: await ready(new PGlite(dir, { loadDataDir: new Blob([tarball]) })), pristine: false };
  return { client: await ready(new PGlite(dir)), pristine: true };
}

async function ready(client: PGlite): Promise<PGlite> {
  await client.waitReady;
  return client;
}

/** Saves a pristine database, just migrated, as the template's tarball; `withDirectory`: its data-directory form too. */
export async function saveTemplate(client: PGlite, { withDirectory = false } = {}): Promise<void> {
  try {
    await mkdir(CACHE_DIR, { recursive: true });
    const tarball = Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer());
    // Written under a name of its own and renamed, so that concurrent starts never read half a template.
    const partial = `${tarballPath()}.${process.pid}.partial`;
    await writeFile(partial, tarball);
    await rename(partial, tarballPath());
    if (withDirectory) {
      const building = `${directoryPath()}.${process.pid}.partial`;
      await (await ready(new PGlite(building, { loadDataDir: new Blob([tarball]) }))).close();
      await rm(directoryPath(), { recursive: true, force: true });
      await rename(building, directoryPath());
    }
    for (const file of readdirSync(CACHE_DIR)) {
      if (file.startsWith(TEMPLATE_PREFIX) && !file.startsWith(`${TEMPLATE_PREFIX}${templateKey()}`)) await rm(join(CACHE_DIR, file), { recursive: true, force: true });
    }
  } catch {
    // A read-only install or a full disk: the next new database is made the slow way, as this one was.
  }
}

/** Where the template is, if made. */
export const templateMade = (): string | null => (existsSync(tarballPath()) ? tarballPath() : null);
