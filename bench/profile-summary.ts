/**
 * Summarizes a V8 .cpuprofile (written by `BENCH_CPU_PROF=dir npm run bench`
 * or `node --cpu-prof`): where the time went, by function (self time) and by
 * package or source file (inclusive time), garbage collection and idle time
 * included.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [--last <seconds>] [--top <n>]
 *
 * `--last 10` keeps only the profile's last 10 seconds (e.g. one load run
 * just before the process stopped).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

const args = process.argv.slice(2);
const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
if (!file) {
  console.error('usage: npx tsx bench/profile-summary.ts <file.cpuprofile> [--last <seconds>] [--top <n>]');
  process.exit(2);
}
const option = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const lastSeconds = option('last', 0);
const top = option('top', 30);

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);

// Time (µs) spent in each node, restricted to the window.
const from = lastSeconds > 0 ? profile.endTime - lastSeconds * 1e6 : -Infinity;
const timeIn = new Map<number, number>();
let clock = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  const delta = profile.timeDeltas[i] ?? 0;
  clock += delta;
  if (clock < from) continue;
  const id = profile.samples[i]!;
  timeIn.set(id, (timeIn.get(id) ?? 0) + delta);
}

const where = (frame: CallFrame) => {
  const url = frame.url.replace(/^file:\/\//, '');
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return pkg;
  const own = /\/(src|bench|test)\/(.*)$/.exec(url);
  if (own) return `${own[1]}/${own[2]}`;
  return url || frame.functionName;
};
/** Function and file (within its package); line numbers are the transpiled code's for TypeScript files. */
const label = (frame: CallFrame) => {
  const url = frame.url.replace(/^file:\/\//, '');
  const file = url.includes('node_modules/') ? url.slice(url.lastIndexOf('node_modules/') + 13) : where(frame);
  return `${frame.functionName || '(anonymous)'} ${frame.url ? `${file}:${frame.lineNumber + 1}` : ''}`.trim();
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
for (const [id, micros] of timeIn) {
  total += micros;
  const frame = byId.get(id)!.callFrame;
  self.set(label(frame), (self.get(label(frame)) ?? 0) + micros);
  const seen = new Set<string>();
  for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
    const key = where(byId.get(at)!.callFrame);
    if (seen.has(key)) continue;
    seen.add(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + micros);
  }
}

const table = (map: Map<string, number>, title: string) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${((micros / total) * 100).toFixed(1).padStart(6)}%  ${(micros / 1000).toFixed(0).padStart(7)} ms  ${key}`);
  }
};
const idle = self.get('(idle)') ?? 0;
console.log(
  `${file}: ${(total / 1e6).toFixed(1)} s sampled${lastSeconds ? ` (last ${lastSeconds} s)` : ''}, ` +
    `${((total - idle) / 1e6).toFixed(1)} s busy; percentages below are of the busy time`,
);
total -= idle;
self.delete('(idle)');
inclusive.delete('(idle)');
table(self, 'self time by function');
inclusive.delete('(root)');
table(inclusive, 'inclusive time by package or file');
