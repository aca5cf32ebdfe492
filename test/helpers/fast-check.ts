/**
 * How the property suites run fast-check: one fixed seed for every property
 * (FC_SEED overrides it), FC_PATH to replay one shrunk counterexample,
 * FC_RUNS for a longer soak, FC_DEBUG=<file> for what a run saw.
 */
import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

const SEED = Number(process.env.FC_SEED ?? 424242);
/** Set when one shrunk case is replayed: the counts a full run reaches do not apply. */
export const REPLAYING = process.env.FC_PATH !== undefined;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : undefined;
const DEBUG_FILE = process.env.FC_DEBUG;

/** The options of every property: the fixed seed, `numRuns` unless FC_RUNS says otherwise, and FC_PATH when replaying. */
export const fcOptions = (numRuns: number) => ({ seed: SEED, numRuns: RUNS ?? numRuns, ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}) });

/** Appends `text` to the FC_DEBUG file, when there is one. */
export function debug(text: () => string) {
  if (DEBUG_FILE) appendFileSync(DEBUG_FILE, `${text()}\n`);
}

/** One of `choices`, each drawn as often as its weight says. */
export const weighted = <T>(...choices: [number, T][]) => fc.oneof(...choices.map(([weight, value]) => ({ weight, arbitrary: fc.constant(value) })));
