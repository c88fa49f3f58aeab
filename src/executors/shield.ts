// A proven read in a real run, as root: the host's files as they are, read-only but for the step's own scratch
// directory (read-scratch.ts): the lint proved the step writes none, and a program that writes anyway (Debian's
// `pg_ctlcluster … status` creates the cluster's log file and socket directories first: a probe of stop 73) is
// refused by the kernel, as in a dry run, instead of acting. A minimal /dev (null, zero, full, random, urandom,
// tty, pts, the host's /dev/shm, read-only) and /proc/kmsg and /proc/sysrq-trigger as /dev/null. A file that acts when it is opened or read — a
// watchdog arms a reboot, /proc/kmsg takes the kernel's messages from their reader, a terminal's device its
// keystrokes — cannot be reached then, however a path to it is spelled or built: relative, from standard input
// (`echo /proc/kmsg | xargs cat`), by recursion (`grep -r … /proc`), by a program's own glob or a TZ the C
// library opens (probes of stop 66 reached /proc/kmsg each of those ways in real runs; a dry run's sandbox had
// refused them all). Same processes, network and session: only the mount namespace is the step's. Every
// capability but CAP_SYS_PTRACE (bwrap keeps root's; '--cap-add ALL' before or after the drop undid it): /proc/PID/fd/N reopens what another process holds open (a probe of stop 67 read
// another program's pipe and a terminal's keystrokes that way, through pgrep | sed | xargs head), and the kernel
// lets that reopen, like /proc/PID/environ and /proc/PID/mem, only a process that may trace the holder: without
// CAP_SYS_PTRACE no process of another user, nor one of root's with capabilities the step has not. `ps`, `pgrep`,
// /proc/PID/status and cmdline still read; `ss -p` and `lsof` see no other process's files (a vouched step does).
// Every mount of a filesystem whose files act when read (tracefs's trace_pipe, debugfs …) is masked, wherever it
// is (mount-masks.ts). Only as root (no other user can open those files) and where bwrap is installed; otherwise
// the step runs as it always did.
import { existsSync } from 'node:fs';
import { which } from 'zx/core';
import { maskArgs } from './mount-masks.js';

const MASKED = ['/proc/kmsg', '/proc/sysrq-trigger'];

let found: string | null | undefined;
const bwrap = (): string | undefined => {
  if (found === undefined) found = process.env.RUNBOOK_NO_SHIELD ? null : which.sync('bwrap', { nothrow: true }) ?? null;
  return found ?? undefined;
};

/** `argv` run in the shield (see above), or undefined where there is none to run it in. `scratch`: the step's own
 *  directory, the one place it may write. */
export function shielded(argv: string[], cwd: string, scratch?: string): string[] | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const exe = bwrap();
  if (!exe) return undefined;
  const args = [exe, '--ro-bind', '/', '/', '--dev', '/dev', '--ro-bind-try', '/dev/shm', '/dev/shm'];
  for (const path of MASKED) if (existsSync(path)) args.push('--ro-bind', '/dev/null', path); // bwrap cannot create one in /proc
  args.push(...maskArgs());
  if (scratch) args.push('--bind', scratch, scratch);
  return [...args, '--cap-drop', 'CAP_SYS_PTRACE', '--chdir', cwd, '--die-with-parent', '--', ...argv];
}
