/**
 * npm run policy:test [files...] [-- --candidate]: checks policy files (the
 * shipped ones in policy/ by default) against the rules, prints each
 * mismatch with its reason and the coverage, and exits 1 on any mismatch.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { PolicyFileError } from '../src/policy/policy-file.js';
import { renderReport } from '../src/policy/report.js';
import { runPolicyTests } from '../src/policy/run.js';

const args = process.argv.slice(2);
const candidate = args.includes('--candidate');
const named = args.filter((a) => a !== '--candidate');
const files = named.length > 0 ? named : (await readdir('policy')).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => join('policy', f));

try {
  const report = await runPolicyTests(files, candidate ? 'candidate' : 'live');
  const { text, failed } = renderReport(report);
  console.log(`${candidate ? 'Candidate rules' : 'Live rules'}:\n${text}`);
  process.exit(failed ? 1 : 0);
} catch (error) {
  console.error(error instanceof PolicyFileError ? error.message : error);
  process.exit(1);
}
