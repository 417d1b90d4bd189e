// Shared by the property-based fuzz tests (fast-check): runs and seed, the per-input time limit, and
// the "only our own error types" invariant. CI runs a fixed seed with a few hundred inputs per target
// (about a minute in all); `npm run fuzz -- --runs N [--seed S]` sets FUZZ_RUNS / FUZZ_SEED for a long run.
import * as fc from 'fast-check';

/** Inputs per property (FUZZ_RUNS, else the CI default given by each test). */
export function runs(ciDefault: number): number {
  const n = Number(process.env.FUZZ_RUNS);
  return Number.isInteger(n) && n > 0 ? n : ciDefault;
}

/** Fixed in CI so a failure reproduces; FUZZ_SEED overrides. */
export const SEED = Number.isInteger(Number(process.env.FUZZ_SEED)) && process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261202;

/** No single input may take longer than this (a hang shows up as a failure with the shrunk input). */
export const TIME_LIMIT_MS = 2000;

type ErrorClass = new (...a: any[]) => Error;

/**
 * Runs f on one input: it must return, or throw one of `allowed`, within TIME_LIMIT_MS. Returns the
 * result, or undefined when it threw an allowed error.
 */
export function only<T>(allowed: ErrorClass[], f: () => T): T | undefined {
  const t0 = performance.now();
  let out: T | undefined;
  try {
    out = f();
  } catch (e) {
    if (!allowed.some((C) => e instanceof C)) throw new Error(`threw ${(e as Error)?.name ?? typeof e} (not ${allowed.map((C) => C.name).join('/')}): ${(e as Error)?.message ?? e}`);
  }
  const ms = performance.now() - t0;
  if (ms > TIME_LIMIT_MS) throw new Error(`took ${ms.toFixed(0)} ms, over the ${TIME_LIMIT_MS} ms limit per input`);
  return out;
}

/** fc.assert with the fixed seed and run count; counts executions for the report. */
export function check<T>(name: string, prop: fc.IProperty<T>, ciRuns: number): void {
  const numRuns = runs(ciRuns);
  fc.assert(prop, { seed: SEED, numRuns, endOnFailure: false });
  if (process.env.FUZZ_RUNS) console.log(`  ${name}: ${numRuns} inputs, seed ${SEED}`);
}
