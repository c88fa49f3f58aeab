// Per-statement SQL verdicts on disk, for `runbook validate` only (issue #51): a local runbook whose file changed
// misses validate's whole-file cache, and its SQL would load a parser again (PostgreSQL's WebAssembly parser is
// most of a cold validate's cost) though an edit of a shell step or a description leaves every statement as it
// was. A verdict is a function of the engine, the exact text and the build, so those are its key:
//   key   = sha256(format, the build's id, engine, text); the entry holds the key and the verdict.
// Off until the validate command turns it on (useVerdictCache): a run never takes a verdict from disk. The run
// parses every statement itself (and writes it again from its own parse), so a cache file someone edited can
// at most change what validate reports, never what runs unasked.
// Stored beside validate's cache ($XDG_CACHE_HOME/runbook/sql) as common/cache-entry.ts writes entries; an entry
// that cannot be read, or does not hold its key, is a miss.
import { readCacheEntry, sha256, writeCacheEntry } from '../../common/cache-entry.js';
import type { SqlEngine, SqlVerdict } from './verdict.js';

const FORMAT = 1;

let place: { dir: string; buildId: string } | undefined;

/** Turns the cache on for this process, in `dir`, for the build `buildId`. */
export function useVerdictCache(dir: string, buildId: string): void {
  place = { dir, buildId };
}

function keyOf(engine: SqlEngine, text: string): string {
  return sha256(`runbook-sql ${FORMAT}\0${place!.buildId}\0${engine}\0${text}`);
}

interface Entry { key: string; verdict: SqlVerdict }

const isVerdict = (v: unknown): v is SqlVerdict => typeof v === 'object' && v !== null
  && typeof (v as SqlVerdict).parsed === 'boolean' && typeof (v as SqlVerdict).readOnly === 'boolean' && typeof (v as SqlVerdict).statements === 'number';

/** The verdict stored for this text, when the cache is on and holds it. */
export function cachedVerdict(engine: SqlEngine, text: string): SqlVerdict | undefined {
  if (!place) return undefined;
  const key = keyOf(engine, text);
  const entry = readCacheEntry(place.dir, key) as Partial<Entry> | undefined;
  return entry?.key === key && isVerdict(entry.verdict) ? entry.verdict : undefined;
}

/** Keeps a verdict a parser gave (never one about a parser that did not answer: the caller sees to that). */
export function storeVerdict(engine: SqlEngine, text: string, verdict: SqlVerdict): void {
  if (!place) return;
  const key = keyOf(engine, text);
  writeCacheEntry(place.dir, key, { key, verdict } satisfies Entry);
}
