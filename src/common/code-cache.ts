// Loads a CommonJS bundle of dist/ with V8's code cache beside it (`<file>.cache`, bin/train-code-cache.js),
// so the functions a command runs are deserialized instead of parsed and compiled again on every start. Node
// 20 has no module compile cache (module.enableCompileCache is Node 22), but vm.Script takes V8's cachedData.
// A cache V8 rejects (another Node or V8 version, other flags) costs nothing but the compile it would have saved.
// V8 checks the flags as they are when the cache is read: bin/train-code-cache.js writes with the start's, before
// the engine changes any (v8-flags.ts: the linear-time regexp engine, WASM's baseline compiler only, memory over
// speed in a loop); each is off again while a file is read.
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { withStartFlags } from './v8-flags.js';

interface Loaded { exports: unknown; script: Script }

/** The module's exports, and its script (whose cachedDataRejected says whether the cache was taken). */
export function loadWithCodeCache(file: string): Loaded {
  // latin1: the build makes these files ASCII only (bin/bundle.mjs checks); a one-byte read skips UTF-8 decoding.
  const source = readFileSync(file, 'latin1');
  let cachedData: Buffer | undefined;
  try { cachedData = readFileSync(`${file}.cache`); } catch { /* not built: compile */ }
  const script = withStartFlags(() => new Script(Module.wrap(source), { filename: file, ...(cachedData ? { cachedData } : {}) }));
  const module = { exports: {} as unknown };
  const fn = script.runInThisContext() as (e: unknown, r: NodeJS.Require, m: unknown, f: string, d: string) => void;
  fn.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return { exports: module.exports, script };
}
