// Module resolution hook (see read-rules-off.ts): whoever imports
// src/access/directives.ts gets bench/without-read-rules.ts instead,
// except that module itself, which wraps the real one.
const TARGET = '/src/access/directives.ts';
const REPLACEMENT = new URL('./without-read-rules.ts', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (context.parentURL !== REPLACEMENT && resolved.url.split('?')[0].endsWith(TARGET)) {
    return { ...resolved, url: REPLACEMENT, shortCircuit: true };
  }
  return resolved;
}
