// One temp root per process (os.tmpdir()/runbook-lab-*, or under $RUNBOOK_LAB_TMPDIR) holds the templates, the
// certificates and one sub-dir per server. Deleted at exit.
import { chmodSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trackDir } from './exit-hooks.js';
import { chownTree, type OsUser } from './run-as.js';

let root: string | undefined;

/** Where the lab keeps its files: $RUNBOOK_LAB_TMPDIR when set (the test suite puts it on a tmpfs, test/run.mjs:
 *  copying and deleting data directories on a disk file system cost more kernel time than the servers' work),
 *  else the system's temp dir. */
export function labTmpdir(): string {
  return process.env.RUNBOOK_LAB_TMPDIR || tmpdir();
}

export function labRoot(): string {
  if (root) return root;
  root = mkdtempSync(join(labTmpdir(), 'runbook-lab-'));
  // Servers run as another user when we are root: they must traverse the root.
  chmodSync(root, 0o755);
  trackDir(root);
  return root;
}

/** A fresh dir under the root, owned by `owner`; servers keep data and sockets here. */
export function makeServerDir(prefix: string, owner: OsUser | undefined): string {
  const dir = mkdtempSync(join(labRoot(), `${prefix}-`));
  chmodSync(dir, 0o700);
  chownTree(dir, owner);
  return dir;
}

/** A fixed-name dir under the root (templates, certs). */
export function makeNamedDir(name: string, owner: OsUser | undefined, mode = 0o700): string {
  const dir = join(labRoot(), name);
  mkdirSync(dir, { mode });
  chmodSync(dir, mode);
  chownTree(dir, owner);
  return dir;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
