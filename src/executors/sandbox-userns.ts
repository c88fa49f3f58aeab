// As root, the sandbox's user namespace maps every user to itself (bwrap --userns), so a dry run shows the same
// owners as a real run: bwrap's own --unshare-user maps root alone, and every other user's processes and files
// then read as `nobody` inside (`ps` shows postgres's server as nobody's, `pgrep -u postgres` finds nothing,
// `stat -c %U` of a data directory says nobody).
//
// The namespace is what makes the kernel refuse the step ptrace access to the host's processes (their
// /proc/<pid>/root leads to the host's writable root); with all users mapped it still does: that check compares
// namespaces, not users. The sandbox drops every capability inside it, so a mapped user gains nothing.
//
// A holder process made by `unshare --user` owns the namespace; the engine writes the identity maps (root may) and
// each sandbox joins it through /proc/<holder>/ns/user. The holder is `cat` on a pipe only the engine holds: it
// exits when the engine does, however the engine ends. A holder that died is replaced on the next step.
import { spawn, type ChildProcess } from 'node:child_process';
import { readlinkSync, writeFileSync } from 'node:fs';
import { which } from 'zx/core';
import { toolEnv } from '../secrets/credential-env.js';

const FULL = '0 0 4294967295\n';
const WAIT_MS = 10_000;

let holder: ChildProcess | undefined;

/** /proc/<pid>/ns/user of a live identity-mapped namespace, or undefined (not root, no unshare, it failed). */
export function identityUserns(): string | undefined {
  if (process.getuid?.() !== 0) return undefined;
  if (holder && holder.exitCode === null && holder.signalCode === null && holder.pid !== undefined) return `/proc/${holder.pid}/ns/user`;
  const unshare = which.sync('unshare', { nothrow: true });
  const cat = which.sync('cat', { nothrow: true });
  if (!unshare || !cat) return undefined;
  const child = spawn(unshare, ['--user', '--', cat], { stdio: ['pipe', 'ignore', 'ignore'], env: toolEnv() });
  child.on('error', () => undefined);
  child.stdin?.on('error', () => undefined);
  const pid = child.pid;
  if (pid === undefined || !mapped(pid)) { child.kill('SIGKILL'); return undefined; }
  // Neither the holder nor its pipe keeps the engine running.
  child.unref();
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  holder = child;
  return `/proc/${pid}/ns/user`;
}

/** Waits (synchronously: the sandbox check is) until the holder has its own namespace, then maps it. */
function mapped(pid: number): boolean {
  const own = readlinkSync('/proc/self/ns/user');
  const nap = new Int32Array(new SharedArrayBuffer(4));
  for (const deadline = Date.now() + WAIT_MS; Date.now() < deadline; Atomics.wait(nap, 0, 0, 2)) {
    let ns: string;
    try { ns = readlinkSync(`/proc/${pid}/ns/user`); } catch { return false; }
    if (ns === own) continue;
    try {
      writeFileSync(`/proc/${pid}/uid_map`, FULL);
      writeFileSync(`/proc/${pid}/gid_map`, FULL);
      return true;
    } catch { return false; }
  }
  return false;
}
