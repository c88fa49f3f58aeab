// The dry run's sandbox for shell steps: a dry run runs every non-destructive shell step in it, so that none can
// change anything the real run could see, while it reads the host as the real run does:
//   --ro-bind / /            every file read-only (writes fail with EROFS), /proc and /sys included;
//   --tmpfs /tmp, /run       private scratch space; /run also hides the sockets of systemd, D-Bus, docker…, /tmp
//                            those of tmux, ssh-agent and X11 (a read-only mount does not stop connect());
//   --dev /dev               a minimal /dev: no disks to write to;
//   masks                    each mount of a filesystem whose files act when read (tracefs's trace_pipe …) is
//                            an empty read-only tmpfs (mount-masks.ts);
//   the host's PID namespace and /proc (read-only, no --proc): ps, pgrep, kill -0, ss -p and /proc walks see the
//                            host's processes with their own pids, as a real run does. (A PID namespace of its
//                            own with the host's /proc was tried: its pids are not /proc's, and ps, which looks
//                            itself up in /proc by getpid(), failed whenever that number was free on the host.)
//                            Nothing outside can be signalled or changed: the filter lets kill name only the
//                            step's own process group (pid 0) or signal 0, and every other call that names a
//                            process (tkill, tgkill, priorities, affinity, limits…) only the caller itself;
//                            ptrace and other processes' memory are refused;
//   --unshare-user           a user namespace of its own, as root too: the kernel then refuses the step ptrace
//                            access to every process outside it (/proc/<pid>/root, cwd, fd, environ, mem) —
//                            /proc/<pid>/root of a host process is the host's root, writable, not the sandbox's.
//                            Nothing else lives in it: bwrap's parent stays outside. (Joining one shared
//                            namespace that maps every user to itself, so that owners read as outside, was tried
//                            and dropped: bwrap's parent and the namespace's holder then lived in it without
//                            capabilities and with the host's root, and the step wrote through their
//                            /proc/<pid>/root.) It maps the user alone: other users' files and processes read
//                            as nobody's;
//   --unshare-ipc            no shared memory or semaphores of other processes;
//   --cap-drop ALL           no capability at all;
//   --seccomp                the filter of sandbox-seccomp.ts: no signals outside, no keyring, bpf, ptrace,
//                            mounts, modules, new namespaces, clock, reboot…, no leaving the step's session
//                            (setsid: what left it outlived the step; setpgid stays, the session is swept), no
//                            typing into a terminal (ioctl TIOCSTI, TIOCLINUX); offline also no socket;
//   no --new-session         the step stays in the session and process group its supervisor leads, so the
//                            supervisor's lifeline kills all of it when the engine dies (supervise.ts): in a
//                            session of its own, `tail -f /dev/null | sleep N` outlived a kill -9 of the engine
//                            (a probe of stop 74). The filter keeps it there and refuses TIOCSTI instead;
//   --die-with-parent        the step's first process dies with bwrap; a stop reaches every descendant anyway
//                            (the executor signals the whole tree: process-tree.ts).
// The network is usable only by a step the lint proved to run reads alone (`network: true`), so probes,
// psql or curl to a database or a health endpoint work. Any other step — vouched for with safe_because, or
// holding something the lint cannot read — runs offline: the offline filter lets it create no socket but the
// netlink ones that read interfaces and listeners (a vouched `$c -X ${m}ETE http://…` sent DELETE in a dry run;
// a Unix socket on the filesystem is reached by path from any network namespace). It stays in the host's network
// namespace, so `ss -ltn` and /proc/net list the host's listeners, as in a real run.
// The step's working directory is bound read-only inside the scratch /tmp when it lives there, so relative
// reads still work. Where bwrap cannot run at all (no user namespaces, no bwrap), sandboxAvailable() is false:
// the dry run shows such steps instead of running them. (Real runs do not sandbox; a proven read as root is only
// shielded: read-only, devices masked, in a user namespace that maps every user to itself: shield.ts,
// docs/confirmation.md.)
import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { which } from 'zx/core';
import { toolEnv } from '../secrets/credential-env.js';
import { engineFileMasks } from './engine-file-masks.js';
import { maskArgs } from './mount-masks.js';
import { printfEscaped, sandboxFilter, SECCOMP_FD, withFilterOnFd } from './sandbox-seccomp.js';

/** Set to any non-empty value: act as if no sandbox were available (the dry run then only shows shell steps). */
export const NO_SANDBOX_ENV = 'RUNBOOK_NO_SANDBOX';

// /var/run is a link to /run on current systems (bwrap refuses to mount over a link, and need not); --dev has
// its own /dev/shm.
const HIDDEN = ['/tmp', '/run', ...(isRealDir('/var/run') ? ['/var/run'] : [])];
/** The size of each (see flags). */
export const SANDBOX_TMPFS_BYTES = 512 * 2 ** 20;

function isRealDir(path: string): boolean {
  try { return lstatSync(path).isDirectory(); } catch { return false; }
}

/** What a sandbox needs here, found and tried once per PATH: the filters escaped for printf. */
interface Tools { bwrap: string; bash: string; online: string; offline: string }

function flags(tools: Tools, cwd: string, network: boolean): string[] {
  const args = [tools.bwrap, '--unshare-user', '--ro-bind', '/', '/', '--dev', '/dev'];
  // Each private directory is memory: sized, so a read that spills there (GNU sort under a long timeout took 233 MB
  // of the host's memory in 5 s, a probe of stop 67) stops at "no space" rather than at the host's memory.
  for (const dir of HIDDEN) args.push('--size', String(SANDBOX_TMPFS_BYTES), '--tmpfs', dir);
  // A working directory inside a hidden one would vanish: bind it back, read-only.
  if (HIDDEN.some((d) => cwd === d || cwd.startsWith(`${d}/`))) args.push('--ro-bind', cwd, cwd);
  // After that bind: a tracefs or the like there (or anywhere) is masked too (mount-masks.ts).
  args.push(...maskArgs(), ...engineFileMasks());
  args.push('--seccomp', SECCOMP_FD, '--chdir', cwd, '--unshare-ipc', '--cap-drop', 'ALL', '--die-with-parent', '--');
  return withFilterOnFd(tools.bash, network ? tools.online : tools.offline, args);
}

let cached: { key: string; tools: Tools | undefined } | undefined;

/** bwrap, bash and the filters if a trivial offline sandbox runs here (checked once per PATH), else undefined:
 *  also where this architecture has no filter. */
function sandboxTools(): Tools | undefined {
  if (process.env[NO_SANDBOX_ENV]) return undefined;
  const key = process.env.PATH ?? '';
  if (cached?.key === key) return cached.tools;
  const bwrap = which.sync('bwrap', { nothrow: true }) ?? undefined;
  const bash = which.sync('bash', { nothrow: true }) ?? undefined;
  const online = sandboxFilter(false);
  const offline = sandboxFilter(true);
  const found = bwrap && bash && online && offline ? { bwrap, bash, online: printfEscaped(online), offline: printfEscaped(offline) } : undefined;
  const tools = found && starts(found) ? found : undefined;
  cached = { key, tools };
  return tools;
}

/** The offline form (namespaces and filter) starts; generous: a loaded machine can take seconds to start a
 *  process; idle this takes a few milliseconds. */
function starts(tools: Tools): boolean {
  let argv: string[];
  try { argv = flags(tools, '/', false).concat('true'); } catch { return false; } // a mount that cannot be masked
  const [exe, ...args] = argv;
  return spawnSync(exe!, args, { stdio: 'ignore', timeout: 30_000, env: toolEnv() }).status === 0;
}

export const sandboxAvailable = (): boolean => sandboxTools() !== undefined;

/** The command vector `argv` run inside the sandbox, in `cwd`, with the host's network or offline; throws if
 *  no sandbox is available, so that a step meant to be sandboxed never runs outside one. */
export function sandboxed(argv: string[], cwd: string, network: boolean): string[] {
  const tools = sandboxTools();
  if (!tools) throw new Error('no sandbox (bwrap) is available to run this step in');
  return [...flags(tools, resolve(cwd), network), ...argv];
}
