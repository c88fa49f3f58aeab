// A proven read in a real run, as root: the host's files as they are, read-only but for the step's own scratch
// directory (read-scratch.ts): the lint proved the step writes none, and a program that writes anyway (Debian's
// `pg_ctlcluster … status` creates the cluster's log file and socket directories first: a probe of stop 73) is
// refused by the kernel, as in a dry run, instead of acting. A minimal /dev (null, zero, full, random, urandom,
// tty, pts, the host's /dev/shm, read-only) and /proc/kmsg and /proc/sysrq-trigger as /dev/null. A file that acts when it is opened or read — a
// watchdog arms a reboot, /proc/kmsg takes the kernel's messages from their reader, a terminal's device its
// keystrokes — cannot be reached then, however a path to it is spelled or built: relative, from standard input
// (`echo /proc/kmsg | xargs cat`), by recursion (`grep -r … /proc`), by a program's own glob or a TZ the C
// library opens (probes of stop 66 reached /proc/kmsg each of those ways in real runs; a dry run's sandbox had
// refused them all). Same processes, network and session: the mount namespace and the user namespace are the
// step's. The user namespace (shield-userns.ts) maps every user to itself, so owners read as they are and root
// reads every file, and the step is root over it alone: /proc/PID/fd/N reopens what another process holds open (a
// probe of stop 67 read another program's pipe and a terminal's keystrokes that way), /proc/PID/environ its
// secrets, /proc/PID/root its whole filesystem, writable, and the kernel allows those only with CAP_SYS_PTRACE in
// the holder's user namespace: the host's, which the step has not, whatever the holder's capabilities (dropping
// CAP_SYS_PTRACE alone left open every root process with fewer capabilities than the step: a probe of stop 74 read
// a capability-reduced daemon's pipe, its environment, and /proc/kmsg through its /proc/PID/root). `ps`, `pgrep`,
// /proc/PID/status and cmdline still read; `ss -p` and `lsof` see no other process's files, and what needs a
// capability over the host (`dmesg` under kernel.dmesg_restrict, `iptables -L`) is refused, as in a dry run (a
// vouched step runs unshielded). Every mount of a filesystem whose files act when read (tracefs's trace_pipe,
// debugfs, a second proc …) is masked, wherever it is (mount-masks.ts). Only as root (no other user can open those
// files) and where bwrap, unshare and nsenter run (a user namespace can be made); otherwise the step runs as it
// always did.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { which } from 'zx/core';
import { toolEnv } from '../secrets/credential-env.js';
import { engineFileMasks } from './engine-file-masks.js';
import { maskArgs } from './mount-masks.js';
import { printfEscaped, SECCOMP_FD, shieldFilter, withFilterOnFd } from './sandbox-seccomp.js';
import { enteringUserns, makingUserns, type UsernsTools } from './shield-userns.js';

const MASKED = ['/proc/kmsg', '/proc/sysrq-trigger'];

interface Tools extends UsernsTools { bwrap: string; filter: string }

let found: Tools | null | undefined;
/** bwrap and the namespace's tools, if the shield starts here (checked once), else undefined. */
function tools(): Tools | undefined {
  if (found !== undefined) return found ?? undefined;
  found = null;
  if (process.env.RUNBOOK_NO_SHIELD) return undefined;
  const find = (name: string): string | undefined => which.sync(name, { nothrow: true }) ?? undefined;
  const [bwrap, bash, unshare, nsenter, sleep] = ['bwrap', 'bash', 'unshare', 'nsenter', 'sleep'].map(find);
  const filter = shieldFilter();
  if (!bwrap || !bash || !unshare || !nsenter || !sleep || !filter) return undefined;
  const candidate = { bwrap, bash, unshare, nsenter, sleep, filter: printfEscaped(filter) };
  let argv: string[];
  try { argv = argvFor(candidate, ['true'], '/'); } catch { return undefined; } // a mount that cannot be masked
  const [exe, ...args] = argv;
  // Generous: a loaded machine can take seconds to start a process; idle this takes a few milliseconds.
  if (spawnSync(exe!, args, { stdio: 'ignore', timeout: 30_000, env: toolEnv() }).status === 0) found = candidate;
  return found ?? undefined;
}

/** `argv` run in the shield (see above), or undefined where there is none to run it in. `scratch`: the step's own
 *  directory, the one place it may write. */
export function shielded(argv: string[], cwd: string, scratch?: string): string[] | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const t = tools();
  return t ? argvFor(t, argv, cwd, scratch) : undefined;
}

function argvFor(t: Tools, argv: string[], cwd: string, scratch?: string): string[] {
  const args = [t.bwrap, '--ro-bind', '/', '/', '--dev', '/dev', '--ro-bind-try', '/dev/shm', '/dev/shm'];
  for (const path of MASKED) if (existsSync(path)) args.push('--ro-bind', '/dev/null', path); // bwrap cannot create one in /proc
  args.push(...maskArgs(), ...engineFileMasks());
  if (scratch) args.push('--bind', scratch, scratch);
  // CAP_SYS_PTRACE: bwrap's own work is not the step's either (its working directory is entered in the namespace).
  // The filter: the sandbox's (sandbox-seccomp.ts) but setns, which nsenter needs. It keeps the step in its session,
  // swept at the step's end (a `setsid -f sleep` that a lint gap let a real run start outlived
  // the run: a probe of stop 75), and lets it signal nothing outside its group: the step is root, and root may
  // signal any root process.
  args.push('--seccomp', SECCOMP_FD);
  return withFilterOnFd(t.bash, t.filter, [...makingUserns(t), ...args, '--cap-drop', 'CAP_SYS_PTRACE', '--chdir', '/', '--die-with-parent', '--', ...enteringUserns(t, cwd), ...argv]);
}
