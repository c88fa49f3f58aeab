// A cache entry on disk, keyed by a sha256 the caller computes: validate's whole-file results
// (catalog/validate-cache.ts) and its per-statement SQL verdicts (language/sql/verdict-cache.ts). The directory
// is 0700 and each entry 0600, written to a new temporary file (never through a planted link) and renamed into
// place; an entry that cannot be read or parsed is a miss. Light on purpose: dist/fast.cjs loads it.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

// node:crypto is loaded on first use, not with this module: `validate runbooks/` of unchanged built-ins (the
// fast path's common case, prevalidated.ts) never hashes anything and should not pay for loading it.
let crypto: typeof import('node:crypto') | undefined;
export const sha256 = (data: Buffer | string): string => {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(data).digest('hex');
};

/** The entry stored under `key` in `dir`, parsed; undefined when absent, unreadable or not JSON. */
export function readCacheEntry(dir: string, key: string): unknown {
  try { return JSON.parse(readFileSync(join(dir, `${key}.json`), 'utf8')) as unknown; } catch { return undefined; }
}

/** Stores `entry` under `key` in `dir`. Never throws: a read-only or full disk only makes the next run slower. */
export function writeCacheEntry(dir: string, key: string, entry: unknown): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const final = join(dir, `${key}.json`);
    const temp = `${final}.${process.pid}.${Date.now()}.tmp`;
    writeFileSync(temp, JSON.stringify(entry), { mode: 0o600, flag: 'wx' }); // a new file: never through a planted link
    renameSync(temp, final);
  } catch { /* the next run computes it again */ }
}
