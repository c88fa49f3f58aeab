// A proven read's own temporary directory, in a real run: TMPDIR for the step, removed when it ends. GNU sort
// spills to temporary files under $TMPDIR (or /tmp) and removes them on SIGTERM, but not on the SIGKILL of an
// inner `timeout -s KILL`: a probe of stop 67 left 925 files (29 MB) in the host's /tmp per run of `yes | timeout
// -s KILL 3 sort -S 1M`, and a step's timeout sets how much. What such a read writes for itself is its own and
// goes with it. A dry run's sandbox has a private /tmp already.
// Caches too: `kubectl get pods` writes its discovery and HTTP caches under ~/.kube/cache whatever its options (a
// probe of stop 70), and programs that follow the XDG rules write theirs under $XDG_CACHE_HOME. A cache is only
// ever the program's own copy of what it read, so the step's goes to the scratch directory and with it.
// (Configuration stays where it is: moving XDG_CONFIG_HOME would change what a program reads.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ReadScratch { dir: string; env: Record<string, string>; remove(): void }

/** The variables that point a proven read's temporary files and caches into `dir`: here and on an SSH target. */
export const scratchEnv = (dir: string): Record<string, string> => ({ TMPDIR: dir, KUBECACHEDIR: join(dir, 'kube-cache'), XDG_CACHE_HOME: join(dir, 'cache') });

export function readScratch(): ReadScratch | undefined {
  let dir: string;
  try { dir = mkdtempSync(join(tmpdir(), 'runbook-read-')); } catch { return undefined; } // no temp dir: as before
  return { dir, env: scratchEnv(dir), remove: () => { try { rmSync(dir, { recursive: true, force: true, maxRetries: 3 }); } catch { /* gone */ } } };
}
