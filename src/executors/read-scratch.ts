// A proven read's own temporary directory, in a real run: TMPDIR for the step, removed when it ends. GNU sort
// spills to temporary files under $TMPDIR (or /tmp) and removes them on SIGTERM, but not on the SIGKILL of an
// inner `timeout -s KILL`: a probe of stop 67 left 925 files (29 MB) in the host's /tmp per run of `yes | timeout
// -s KILL 3 sort -S 1M`, and a step's timeout sets how much. What such a read writes for itself is its own and
// goes with it. A dry run's sandbox has a private /tmp already.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReadScratch { dir: string; remove(): void }

export function readScratch(): ReadScratch | undefined {
  let dir: string;
  try { dir = mkdtempSync(join(tmpdir(), 'runbook-read-')); } catch { return undefined; } // no temp dir: as before
  return { dir, remove: () => { try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* gone */ } } };
}
