// Process-wide V8 flags the engine turns on after start, and the way back to the start's flags for a moment.
// - The linear-time regexp engine (the `l` flag: src/language/expression/linear-regex.ts), at the first `matches`.
// - WebAssembly compiled by the baseline compiler only (Liftoff), when the PostgreSQL parser's worker starts
//   (src/language/sql/pg-parser.ts): V8 otherwise compiles libpg-query's WASM again with TurboFan in the
//   background, which holds ~40 MiB per parser for the life of the process (a 10-item SQL loop peaked at 165 MiB,
//   97 MiB with this; docs/performance.md) and parses no faster: a parse is dominated by its JSON.
// - Memory over speed, when a long loop starts (src/engine/step-runner.ts): V8 otherwise lets the old generation
//   grow to ~4× its live size before a full collection and the young one to 32 MiB, and a 10,000-item read peaked
//   at 171 MiB with 20 MiB live; with these, at 103 MiB, in the same time (docs/performance.md).
// - V8's `gc` exposed, for a reader of a long file (src/transcript/line-scan.ts): each read and each line longer than
//   128 KiB is a large-object string only a full collection frees, and V8, sized for a heap of gigabytes, let them
//   pile up (a 1 GiB resume peaked at 187 MiB; collected every 32 MiB read, 114). favourMemory bounded it as well
//   (117–125) but made the resume some twice as slow.
// V8 takes a code cache only under the flags it was made with (bin/train-code-cache.js makes them under the start's),
// so a bundle read after one of these (dist/mysql2.cjs: code-cache.ts) is read with the start's flags for that moment,
// or it would be compiled again.
import { createRequire } from 'node:module';

/** What turns a setting on, and what gives back exactly the start's flags (V8 hashes them all into a cache's check). */
interface Flag { on: readonly string[]; off: readonly string[] }

const LINEAR_REGEXP: Flag = { on: ['--enable-experimental-regexp-engine'], off: ['--no-enable-experimental-regexp-engine'] };
// --liftoff-only also turns tier-up and dynamic tiering off (V8's implications); turning it off restores neither.
const WASM_BASELINE: Flag = { on: ['--liftoff-only'], off: ['--no-liftoff-only', '--wasm-tier-up', '--wasm-dynamic-tiering'] };
// After start, --optimize-for-size still lowers the old generation's growing factor (its implied 1 MiB semi-space
// is read only at start), and a growth factor of 1 keeps the young generation at the size it has reached.
const FAVOUR_MEMORY: Flag = {
  on: ['--optimize-for-size', '--semi-space-growth-factor=1'],
  off: ['--no-optimize-for-size', '--max-semi-space-size=0', '--semi-space-growth-factor=2'],
};

const EXPOSE_GC: Flag = { on: ['--expose-gc'], off: ['--no-expose-gc'] };

const set = new Set<Flag>();

// node:v8 on first use only: loading it is ~5 ms of every start (code-cache.ts).
const setV8Flag = (flag: string): void => { (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(flag); };

function turnOn(flag: Flag): void {
  if (!set.has(flag)) { flag.on.forEach(setV8Flag); set.add(flag); }
}

/** Turns the linear-time engine on for the rest of the process (once). */
export const linearEngineOn = (): void => turnOn(LINEAR_REGEXP);

/** WebAssembly compiled from here on stays on the baseline compiler (once). */
export const wasmBaselineOnly = (): void => turnOn(WASM_BASELINE);

/** From here on the process keeps its heap small rather than collect less often (once). */
export const favourMemory = (): void => turnOn(FAVOUR_MEMORY);

/** Runs `fn` with V8's flags as they were at start. Patterns and modules already made keep what they were made with. */
export function withStartFlags<T>(fn: () => T): T {
  if (set.size === 0) return fn();
  for (const flag of set) flag.off.forEach(setV8Flag);
  try { return fn(); } finally { for (const flag of set) flag.on.forEach(setV8Flag); }
}

let gc: (() => void) | undefined;

/** A full garbage collection now. The flag exposes `gc` to contexts made after it: one is made to take it. */
export function collectGarbage(): void {
  if (!gc) {
    turnOn(EXPOSE_GC);
    gc = (createRequire(import.meta.url)('node:vm') as typeof import('node:vm')).runInNewContext('gc') as () => void;
  }
  gc();
}
