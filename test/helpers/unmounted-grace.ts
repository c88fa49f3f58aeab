// A test that mounted something under /tmp removes its directories only a while after unmounting: another test file
// running beside it may have read the mount table before the unmount, and that step's bwrap masks the point with a
// tmpfs, which needs the directory there ("Can't mount tmpfs on /newroot/tmp/runbook-tracefs-…: No such file or
// directory" failed a shielded step in CI). A mask over a plain directory is harmless; a missing one fails a step.
import { rmSync } from 'node:fs';

const GRACE_MS = 3_000;

/** Removes `dir` after the grace (synchronously: called from a test's after hook). */
export function removeAfterGrace(dir: string): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, GRACE_MS);
  rmSync(dir, { recursive: true, force: true });
}
