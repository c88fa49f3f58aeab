// How many cases a fuzz property runs, and the per-case hang guard. `npm test` runs a CI-sized share;
// `npm run fuzz` sets FUZZ_RUNS=10000. FUZZ_SEED replays a failure that fast-check reported.
import fc from 'fast-check';
import { cpuTimed } from '../helpers/cpu.js';

export const RUNS = Math.max(1, Number(process.env.FUZZ_RUNS) || 300);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

/** Hang guard, in CPU time of this process (a busy machine stretches wall time, not CPU time): a case over
 *  it is a failure, not a slow benchmark — an engine that hangs on a bad file during an incident is broken.
 *  Measured (`npm run fuzz`, 10,000 cases): expressions ≤ 200 ms, URLs ≤ 10 ms, shell ≤ 31 ms; mutated
 *  runbooks mostly well under 10 ms; seed -1482954792 (a 266,000-character key plus a 4,000-item list) spent
 *  5 s, a quadratic source map this guard caught (fixed: ~0.5 s at most since, docs/reliability.md). */
export const CASE_CPU_LIMIT_MS = 5000;

/** Tally of cases run per property, printed at the end so docs/reliability.md can quote the figures. */
export const tally = new Map<string, number>();
/** The most CPU time one case of each property spent (ms), printed with the tally. */
export const slowest = new Map<string, number>();

export function check<T>(name: string, arb: fc.Arbitrary<T>, body: (value: T) => void, runs = RUNS): void {
  let n = 0;
  fc.assert(fc.property(arb, (value) => {
    n++;
    const ms = timed(() => body(value));
    slowest.set(name, Math.max(slowest.get(name) ?? 0, Math.round(ms)));
  }), {
    numRuns: runs, includeErrorInReport: true, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: false,
  });
  tally.set(name, (tally.get(name) ?? 0) + n);
}

/** Runs one case; throws if it spent more CPU time than the hang guard allows; returns the CPU ms spent. */
function timed(fn: () => void): number {
  const { cpuMs } = cpuTimed(fn);
  if (cpuMs > CASE_CPU_LIMIT_MS) throw new Error(`case spent ${Math.round(cpuMs)} ms of CPU time (hang guard ${CASE_CPU_LIMIT_MS} ms)`);
  return cpuMs;
}

/** The line each fuzz file prints at the end: cases run and the slowest case's CPU time, per property. */
export const summary = (): string =>
  `fuzz cases: ${JSON.stringify(Object.fromEntries(tally))}; slowest case, CPU ms: ${JSON.stringify(Object.fromEntries(slowest))}`;

/** Line breaks and terminal control characters: none may appear in a one-line message. */
export const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
