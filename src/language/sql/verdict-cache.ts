// Per-statement SQL verdicts on disk, for `runbook validate` only (issue #51): a local runbook whose file changed
// misses validate's whole-file cache, and its SQL would load a parser again (PostgreSQL's WebAssembly parser is
// most of a cold validate's cost) though an edit of a shell step or a description leaves every statement as it
// was. A verdict is a function of the engine, the exact text and the build, so those are its key:
//   key   = sha256(format, the build's id, engine, text); the entry holds the key and the verdict.
// Off until the validate command turns it on (useVerdictCache): a run never takes a verdict from disk. The run
// parses every statement itself (and writes it again from its own parse), so a cache file someone edited can
// at most change what validate reports, never what runs unasked.
// Stored beside validate's cache ($XDG_CACHE_HOME/runbook/sql), directory 0700 and files 0600, each written to
// a temporary file and renamed; an entry that cannot be read, or does not hold its key, is a miss.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { SqlEngine, SqlVerdict } from './verdict.js';

const FORMAT = 1;

let place: { dir: string; buildId: string } | undefined;

/** Turns the cache on for this process, in `dir`, for the build `buildId`. */
export function useVerdictCache(dir: string, buildId: string): void {
  place = { dir, buildId };
}

let crypto: typeof import('node:crypto') | undefined;

function keyOf(engine: SqlEngine, text: string): string {
  crypto ??= createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  return crypto.createHash('sha256').update(`runbook-sql ${FORMAT}\0${place!.buildId}\0${engine}\0${text}`).digest('hex');
}

interface Entry { key: string; verdict: SqlVerdict }

const isVerdict = (v: unknown): v is SqlVerdict => typeof v === 'object' && v !== null
  && typeof (v as SqlVerdict).parsed === 'boolean' && typeof (v as SqlVerdict).readOnly === 'boolean' && typeof (v as SqlVerdict).statements === 'number';

/** The verdict stored for this text, when the cache is on and holds it. */
export function cachedVerdict(engine: SqlEngine, text: string): SqlVerdict | undefined {
  if (!place) return undefined;
  const key = keyOf(engine, text);
  try {
    const entry = JSON.parse(readFileSync(join(place.dir, `${key}.json`), 'utf8')) as Entry;
    return entry.key === key && isVerdict(entry.verdict) ? entry.verdict : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps a verdict a parser gave (never one about a parser that did not answer: the caller sees to that). */
export function storeVerdict(engine: SqlEngine, text: string, verdict: SqlVerdict): void {
  if (!place) return;
  const key = keyOf(engine, text);
  try {
    mkdirSync(place.dir, { recursive: true, mode: 0o700 });
    const file = join(place.dir, `${key}.json`);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ key, verdict } satisfies Entry), { mode: 0o600 });
    renameSync(tmp, file);
  } catch { /* a cache that cannot be written is only slower */ }
}
