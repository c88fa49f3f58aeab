// How many cases a fuzz property runs, and the per-case time bound. `npm test` runs a CI-sized share;
// `npm run fuzz` sets FUZZ_RUNS=10000. FUZZ_SEED replays a failure that fast-check reported.
import fc from 'fast-check';

export const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** A case over this is a failure, not a slow benchmark: an engine that hangs on a bad file during an incident is broken. */
export const CASE_LIMIT_MS = 1000;

/** Tally of cases run per property, printed at the end so docs/reliability.md can quote the figures. */
export const tally = new Map<string, number>();

export function check<T>(name: string, arb: fc.Arbitrary<T>, body: (value: T) => void, runs = RUNS): void {
  let n = 0;
  fc.assert(fc.property(arb, (value) => { n++; timed(() => body(value)); }), {
    numRuns: runs, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: false,
  });
  tally.set(name, (tally.get(name) ?? 0) + n);
}

export function timed<T>(fn: () => T): T {
  const started = performance.now();
  const out = fn();
  const ms = performance.now() - started;
  if (ms > CASE_LIMIT_MS) throw new Error(`case took ${Math.round(ms)} ms (limit ${CASE_LIMIT_MS} ms)`);
  return out;
}

/** Line breaks and terminal control characters: none may appear in a one-line message. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
