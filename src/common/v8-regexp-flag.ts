// V8's linear-time regexp engine (the `l` flag: src/language/expression/linear-regex.ts) is a process-wide V8 flag,
// turned on at the first `matches` pattern. V8 takes a code cache only under the flags it was made with
// (bin/train-code-cache.js makes them with this flag off, as a start has it), so a bundle read after that pattern
// (dist/mysql2.cjs: code-cache.ts) is read with the flag off for that moment, or it would be compiled again.
import { createRequire } from 'node:module';

let on = false;

// node:v8 on first use only: loading it is ~5 ms of every start (code-cache.ts).
const setV8Flag = (flag: string): void => { (createRequire(import.meta.url)('node:v8') as typeof import('node:v8')).setFlagsFromString(flag); };

/** Turns the linear-time engine on for the rest of the process (once). */
export function linearEngineOn(): void {
  if (!on) { setV8Flag('--enable-experimental-regexp-engine'); on = true; }
}

/** Runs `fn` with V8's flags as they were at start. Patterns already made keep their engine. */
export function withStartFlags<T>(fn: () => T): T {
  if (!on) return fn();
  setV8Flag('--no-enable-experimental-regexp-engine');
  try { return fn(); } finally { setV8Flag('--enable-experimental-regexp-engine'); }
}
