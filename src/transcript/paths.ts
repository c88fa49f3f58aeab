// Where a transcript goes when --transcript is not given: one file per run, named so that a directory
// listing sorts by time and says which runbook ran.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_DIR = 'runbook-transcripts';

/** ./runbook-transcripts/2024-05-01T12-30-45.123Z-pool-exhausted.jsonl (a -2, -3 … suffix if taken). */
export function defaultTranscriptPath(runbookName: string, now: Date = new Date(), cwd = process.cwd()): string {
  const stamp = now.toISOString().replace(/:/g, '-');
  const name = runbookName.replace(/[^A-Za-z0-9_.-]/g, '_');
  const base = join(resolve(cwd, DEFAULT_DIR), `${stamp}-${name}`);
  for (let n = 1; ; n++) {
    const candidate = `${base}${n === 1 ? '' : `-${n}`}.jsonl`;
    if (!existsSync(candidate)) return candidate;
  }
}
