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
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { migrationsFolder } from './migrate.js';

const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/orgraph/', import.meta.url));
const PREFIX = 'pglite-template-';

/** PGlite's own package.json, found from its entry point (the package exports no path to it). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

let key: string | undefined;
function templateKey(): string {
  if (key) return key;
  const hash = createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  for (const file of readdirSync(migrationsFolder, { recursive: true, encoding: 'utf8' }).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(`${file}\n`).update(readFileSync(join(migrationsFolder, file)));
  }
  key = hash.digest('hex').slice(0, 16);
  return key;
}

const tarballPath = () => join(CACHE_DIR, `${PREFIX}${templateKey()}.tar`);
const directoryPath = () => join(CACHE_DIR, `${PREFIX}${templateKey()}`);
const onDisk = (dir: string) => (dir.includes('://') ? (dir.startsWith('file://') ? dir.slice('file://'.length) : null) : dir);

export interface EmbeddedDatabase {
  client: PGlite;
  /** Holds nothing but what initdb made: migrating it leaves a database the template may be made from. */
  pristine: boolean;
}

/** Opens PGlite's data directory `dir` (or `memory://`); a new one starts from the template when there is one. */
export async function openPglite(dir: string): Promise<EmbeddedDatabase> {
  const path = onDisk(dir);
  if (path !== null) await mkdir(path, { recursive: true });
  if (path !== null && existsSync(join(path, 'PG_VERSION'))) return { client: await ready(new PGlite(dir)), pristine: false };
  if (path !== null && existsSync(directoryPath())) {
    cpSync(directoryPath(), path, { recursive: true });
    return { client: await ready(new PGlite(dir)), pristine: false };
  }
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
      if (file.startsWith(PREFIX) && !file.startsWith(`${PREFIX}${templateKey()}`)) await rm(join(CACHE_DIR, file), { recursive: true, force: true });
    }
  } catch {
    // A read-only install or a full disk: the next new database is made the slow way, as this one was.
  }
}

/** Where the template is, if made. */
export const templateMade = (): string | null => (existsSync(tarballPath()) ? tarballPath() : null);
