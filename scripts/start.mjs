/**
 * `npm start`: runs src/main.ts bundled by esbuild into one file, rebuilt
 * only when a file it was built from has changed (`--bundle-only`: builds
 * it and exits, as `npm ci`'s prepare step does). Node loads that one file
 * in a fraction of the time it takes to load src/'s TypeScript modules one by
 * one through tsx's loader, and the packages' hundreds of modules one by one
 * through its own, which were the largest part of the wait before the first
 * request. Packages that read files of their own at run time stay external
 * (PGlite its WebAssembly, pino its worker scripts). Every source module keeps
 * its own `import.meta.url`, so paths relative to a module (migrations/,
 * schema/) resolve as they do unbundled. Plain JavaScript: it runs before
 * anything could compile TypeScript.
 */
import { existsSync, readFileSync, renameSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT_DIR = join(ROOT, 'node_modules/.cache/orgraph');
const BUNDLE = join(OUT_DIR, 'main.mjs');
const INPUTS = join(OUT_DIR, 'main.inputs.json');
/** src/db/pglite-template.ts alone (Node's modules only), loaded first to begin a new data directory's copy. */
const TEMPLATE = join(OUT_DIR, 'pglite-template.mjs');

/**
 * npm writes it on every install. Installed files keep the dates their tarballs give them (1985, for most),
 * so a package changed by `npm install` shows here, not in its files' dates.
 */
const INSTALLED = 'node_modules/.package-lock.json';
/** Packages that read their own files at run time, or that the start never loads. */
const EXTERNAL = ['@electric-sql/pglite', 'pino', 'pg-native', 'esbuild', 'tsx'];

/** Whether the bundle is newer than every source file it was built from, and than the last install. */
function upToDate() {
  try {
    const built = Math.min(statSync(BUNDLE).mtimeMs, statSync(TEMPLATE).mtimeMs);
    const inputs = JSON.parse(readFileSync(INPUTS, 'utf8'));
    return inputs.length > 0 && inputs.every((file) => statSync(join(ROOT, file)).mtimeMs < built);
  } catch {
    return false;
  }
}

/** Each source file's `import.meta.url` is its own, as if it had not been bundled. */
const ownImportMetaUrl = {
  name: 'own-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async ({ path }) => ({
      contents: (await readFile(path, 'utf8')).replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
      loader: 'ts',
    }));
  },
};

async function bundle() {
  const { build } = await import('esbuild');
  const options = {
    absWorkingDir: ROOT,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: EXTERNAL.flatMap((name) => [name, `${name}/*`]),
    // Bundled CommonJS packages require Node's own modules: an ES module has no `require` but this one.
    banner: { js: "import { createRequire as orgraphCreateRequire } from 'node:module'; const require = orgraphCreateRequire(import.meta.url);" },
    // Stack traces point into the files themselves, which are on disk: the map need not carry their text.
    sourcemap: 'linked',
    sourcesContent: false,
    write: false,
    metafile: true,
    logLevel: 'error',
    plugins: [ownImportMetaUrl],
  };
  const [result, template] = await Promise.all([
    build({ ...options, entryPoints: ['src/main.ts'], outfile: BUNDLE }),
    build({ ...options, entryPoints: ['src/db/pglite-template.ts'], outfile: TEMPLATE }),
  ]);
  mkdirSync(OUT_DIR, { recursive: true });
  // Written under names of their own and renamed: instances starting at the same moment never load half a bundle.
  for (const file of [...result.outputFiles, ...template.outputFiles]) {
    writeFileSync(`${file.path}.${process.pid}`, file.contents);
    renameSync(`${file.path}.${process.pid}`, file.path);
  }
  const sources = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith('node_modules/'));
  writeFileSync(`${INPUTS}.${process.pid}`, JSON.stringify([...sources, ...(existsSync(join(ROOT, INSTALLED)) ? [INSTALLED] : [])]));
  renameSync(`${INPUTS}.${process.pid}`, INPUTS);
}

// `npm ci`'s prepare step bundles ahead, so that even the first start only loads the bundle.
if (process.argv.includes('--bundle-only')) {
  await bundle().catch((error) => console.warn('Bundle not made (the first start will make it):', error.message));
  process.exit(0);
}

let bundled = true;
if (!upToDate()) {
  try {
    await bundle();
  } catch (error) {
    // A read-only install (node_modules baked into an image, say): run the sources as they are, only slower to start.
    if (!['EACCES', 'EROFS', 'EPERM'].includes(error?.code)) throw error;
    bundled = false;
  }
}
process.setSourceMapsEnabled(true);
if (bundled) {
  // Before the rest loads, which takes about as long: a new PGlite directory's copy of the template, on a thread of its own.
  try {
    (await import(pathToFileURL(TEMPLATE).href)).copyTemplateAhead(process.env);
  } catch {
    // The database's open makes the copy itself, and reports what stops it.
  }
  await import(pathToFileURL(BUNDLE).href);
}
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(ROOT, 'src/main.ts')).href);
}
