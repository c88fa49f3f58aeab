// A content-keyed cache of `validate` results for runbooks that are not built-ins (issue #18: a local validate
// within 1.3× of a bare `node -e 0`). A hit is answered by the launcher's fast path (dist/fast.cjs) without
// the YAML loader or the validator. Safe to replay because validation is a function of the bytes:
//   key   = sha256(the build's id (dist/build-id: a hash of the built code), the file's absolute path, its bytes)
//   entry = the diagnostics, plus every other file the result depends on: each called runbook (by absolute
//           path, with its bytes' sha256) and each place a call looked first and found nothing (must stay
//           absent). A hit re-hashes those; any change is a miss and the file is validated in full.
// Results that depend on more than bytes are never stored: a call resolved through the catalog (it depends on
// the current directory and RUNBOOK_PATH) and an unknown runbook (its "did you mean" reads the folder).
// Stored under $XDG_CACHE_HOME/runbook (or ~/.cache/runbook), directory 0700 and files 0600, written to a
// temporary file and renamed; an entry that cannot be read or parsed, or does not match its key, is ignored.
// Off when RUNBOOK_NO_CACHE is set (to anything but '' or '0'), or when running from source (no build id).
// This module must stay light: dist/fast.cjs loads it (node:crypto, node:fs, nothing of the validator).
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../language/diagnostic.js';
import { readCacheEntry, sha256, writeCacheEntry } from '../common/cache-entry.js';

export const BUILD_ID_FILE = 'build-id';
const FORMAT = 1;

/** Another file the result depends on: its sha256, or null if it must not exist. */
export interface Dependency { file: string; sha256: string | null }

interface Entry { format: number; key: string; diagnostics: Diagnostic[]; deps: Dependency[] }

let buildId: string | null | undefined;

function currentBuildId(): string | null {
  if (buildId !== undefined) return buildId;
  try {
    buildId = readFileSync(join(dirname(fileURLToPath(import.meta.url)), BUILD_ID_FILE), 'utf8').trim() || null;
  } catch {
    buildId = null; // running from source: sources can change under a key, so no cache
  }
  return buildId;
}

export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/') ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  return join(base, 'runbook', 'validate');
}

/** Where validate keeps its per-statement SQL verdicts (language/sql/verdict-cache.ts), when the cache is on. */
export function sqlCachePlace(env: NodeJS.ProcessEnv = process.env): { dir: string; buildId: string } | undefined {
  return cacheEnabled(env) ? { dir: join(dirname(cacheDir(env)), 'sql'), buildId: currentBuildId()! } : undefined;
}

export function cacheEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const off = env.RUNBOOK_NO_CACHE;
  return (off === undefined || off === '' || off === '0') && currentBuildId() !== null;
}

function hashOf(file: string): string | null {
  try { return sha256(readFileSync(file)); } catch { return null; }
}

function keyOf(file: string, bytes: Buffer): string {
  return sha256(Buffer.concat([Buffer.from(`runbook-validate ${FORMAT}\0${currentBuildId()}\0${file}\0`), bytes]));
}

function readBytes(file: string): Buffer | undefined {
  try { return readFileSync(file); } catch { return undefined; }
}

/** What validating `file` (an absolute path) reported last time, if it and everything it depends on are unchanged. */
export function cachedValidation(file: string, env: NodeJS.ProcessEnv = process.env): Diagnostic[] | undefined {
  if (!cacheEnabled(env)) return undefined;
  const bytes = readBytes(file);
  if (!bytes) return undefined;
  const key = keyOf(file, bytes);
  const entry = readCacheEntry(cacheDir(env), key) as Entry | undefined; // absent or corrupt: validate in full
  if (!entry || entry.format !== FORMAT || entry.key !== key || !Array.isArray(entry.diagnostics) || !Array.isArray(entry.deps)) return undefined;
  for (const dep of entry.deps) {
    if (typeof dep?.file !== 'string' || hashOf(dep.file) !== dep.sha256) return undefined;
  }
  return entry.diagnostics;
}

/** Stores what validating `file` reported; `deps` from callDependencies(). Never fails the command. */
export function storeValidation(file: string, bytes: Buffer, diagnostics: Diagnostic[], deps: Dependency[], env: NodeJS.ProcessEnv = process.env): void {
  if (!cacheEnabled(env)) return;
  const key = keyOf(file, bytes);
  writeCacheEntry(cacheDir(env), key, { format: FORMAT, key, diagnostics, deps } satisfies Entry);
}

export { hashOf };
