/**
 * The layout is the architecture: imports run one way (tools -> server -> graphql ->
 * features -> mutations -> access -> identity -> db and shared building
 * blocks), with no import circle, type imports included; and every feature
 * has the SDL file it says it has, and every SDL file a feature.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FEATURES } from '../../src/features/index.js';
import { SDL_FILES } from '../../src/graphql/type-defs.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Lowest first; a module may import from its own layer and the ones below. */
const LAYERS: [name: string, paths: string[]][] = [
  ['building blocks', ['src/errors.ts', 'src/logger.ts', 'src/metrics.ts', 'src/db/', 'src/cache/', 'src/lib/']],
  ['identity', ['src/identity/']],
  ['access', ['src/access/']],
  ['mutations', ['src/mutations/']],
  ['features', ['src/features/', 'src/__generated__/']],
  ['request', ['src/context.ts', 'src/http/rate-limit.ts']],
  ['graphql', ['src/graphql/']],
  ['server', ['src/http/', 'src/server.ts', 'src/main.ts', 'src/config.ts', 'src/dev/']],
  ['tools', ['src/policy/']],
];

function layerOf(file: string): number {
  let best = -1;
  let length = 0;
  LAYERS.forEach(([, paths], i) => {
    for (const path of paths) {
      if ((file === path || (path.endsWith('/') && file.startsWith(path))) && path.length > length) [best, length] = [i, path.length];
    }
  });
  if (best < 0) throw new Error(`${file} is in no layer: add its folder to LAYERS`);
  return best;
}

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? sources(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [],
  );
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+['"](\.{1,2}\/[^'"]+)['"]/g;

const imports = new Map(
  sources('src').map((file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const targets = [...text.matchAll(IMPORT)].map((m) => normalize(join(dirname(file), m[1]!)).replace(/\.js$/, '.ts'));
    return [file, targets] as const;
  }),
);

describe('the layout', () => {
  it('has imports that run one way only', () => {
    const upward = [...imports].flatMap(([file, targets]) =>
      targets.filter((t) => layerOf(t) > layerOf(file)).map((t) => `${file} (${LAYERS[layerOf(file)]![0]}) imports ${t} (${LAYERS[layerOf(t)]![0]})`),
    );
    expect(upward).toEqual([]);
  });

  it('has no import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const path: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      path.push(file);
      for (const target of imports.get(file) ?? []) {
        if (!imports.has(target)) continue;
        if (state.get(target) === 'open') circles.push([...path.slice(path.indexOf(target)), target].map((f) => relative('src', f)).join(' -> '));
        else if (!state.has(target)) visit(target);
      }
      path.pop();
      state.set(file, 'done');
    };
    for (const file of imports.keys()) if (!state.has(file)) visit(file);
    expect(circles).toEqual([]);
  });

  it('gives every feature its SDL file, and every SDL file but base.graphql a feature', () => {
    const files = readdirSync(join(ROOT, 'schema')).filter((f) => f.endsWith('.graphql')).map((f) => f.replace(/\.graphql$/, ''));
    expect(new Set(SDL_FILES)).toEqual(new Set(files));
    expect(new Set(FEATURES.map((f) => f.schema))).toEqual(new Set(files.filter((f) => f !== 'base')));
  });
});
