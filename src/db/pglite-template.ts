/**
 * Where PGlite's template lives, and how a new data directory on disk is
 * made from it: a copy of the template's directory, on a thread of its own.
 * Node's built-in modules only, so that scripts/start.mjs can load this
 * alone and begin the copy before the rest of Orgraph has loaded (a
 * thousand files, most of a second: the time the code takes to load). A
 * copy begun that way is found again here by the database's open, in the
 * same process, and awaited rather than made twice.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export const CACHE_DIR = fileURLToPath(new URL('../../node_modules/.cache/orgraph/', import.meta.url));
export const TEMPLATE_PREFIX = 'pglite-template-';
export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));
/** PGlite's data directory when PGLITE_DIR is not set (config.ts). */
export const DEFAULT_PGLITE_DIR = '.data/pglite';

/** PGlite's own package.json, found from its entry point (the package exports no path to it). */
function pgliteVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
  while (!existsSync(join(dir, 'package.json'))) dir = dirname(dir);
  return (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version: string }).version;
}

let key: string | undefined;
/** Everything that shapes the template: the PGlite version and every migration file. */
export function templateKey(): string {
  if (key) return key;
  const hash = createHash('sha256').update(`pglite ${pgliteVersion()}\n`);
  for (const file of readdirSync(MIGRATIONS_FOLDER, { recursive: true, encoding: 'utf8' }).sort()) {
    if (file.endsWith('.sql') || file.endsWith('.json')) hash.update(`${file}\n`).update(readFileSync(join(MIGRATIONS_FOLDER, file)));
  }
  key = hash.digest('hex').slice(0, 16);
  return key;
}

export const tarballPath = () => join(CACHE_DIR, `${TEMPLATE_PREFIX}${templateKey()}.tar`);
export const directoryPath = () => join(CACHE_DIR, `${TEMPLATE_PREFIX}${templateKey()}`);
/** The directory on disk that a PGLITE_DIR names, or null for `memory://` and the like. */
export const onDisk = (dir: string) => (dir.includes('://') ? (dir.startsWith('file://') ? dir.slice('file://'.length) : null) : dir);
export const holdsDatabase = (path: string) => existsSync(join(path, 'PG_VERSION'));

/** Copies under way in this process, by directory; shared by every copy of this module a process loads. */
const copies: Map<string, Promise<boolean>> = ((globalThis as Record<symbol, unknown>)[Symbol.for('orgraph.pgliteTemplateCopies')] ??= new Map()) as Map<
  string,
  Promise<boolean>
>;

/**
 * Makes the directory `path` a copy of the template's, if it holds no
 * database yet and the template's directory is there; a second call while
 * the copy runs awaits the same one. Resolves whether it copied.
 */
export function copyTemplateInto(path: string): Promise<boolean> {
  let copy = copies.get(path);
  if (!copy) {
    copy = (async () => {
      await mkdir(path, { recursive: true });
      if (holdsDatabase(path) || !existsSync(directoryPath())) return false;
      await copyDirectory(directoryPath(), path);
      return true;
    })().finally(() => copies.delete(path));
    copies.set(path, copy);
  }
  return copy;
}

/** The copy for the PGlite directory the start will open, as config.ts reads the environment, begun now. */
export function copyTemplateAhead(env: NodeJS.ProcessEnv): void {
  if (env.DATABASE_URL?.trim()) return;
  const path = onDisk(env.PGLITE_DIR?.trim() || DEFAULT_PGLITE_DIR);
  // A failure here is the open's to meet and report, when it awaits the same copy.
  if (path !== null) copyTemplateInto(path).catch(() => {});
}

/**
 * PG_VERSION last: a directory is taken for a database once it has one, so a copy cut short (the process
 * stopped) is made again by the next start instead of being opened half made.
 */
function copyDirectory(from: string, to: string): Promise<void> {
  const copy = `
    const { cpSync, copyFileSync } = require('node:fs');
    const { join } = require('node:path');
    const { from, to } = require('node:worker_threads').workerData;
    const marker = join(from, 'PG_VERSION');
    cpSync(from, to, { recursive: true, filter: (source) => source !== marker });
    copyFileSync(marker, join(to, 'PG_VERSION'));`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(copy, { eval: true, workerData: { from, to } });
    worker.once('error', reject);
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`copying the PGlite template stopped with exit code ${code}`))));
  });
}
