// The dry run's sandbox for shell steps: a step that is not marked destructive cannot be proven harmless by
// reading it, so in a dry run it runs inside bubblewrap (bwrap), where it cannot change anything the real
// run could see:
//   --ro-bind / /            every file read-only (writes fail with EROFS);
//   --tmpfs /tmp, /run       private scratch space; /run also hides the sockets of systemd, D-Bus, docker…
//                            (a read-only mount does not stop connect() on a socket);
//   --dev /dev               a minimal /dev: no disks to write to;
//   --unshare-pid + --proc   a PID namespace: no process outside can be seen or signalled (kill, pkill);
//   --unshare-ipc            no shared memory or semaphores of other processes;
//   --cap-drop ALL           as root, no capability to remount, change the firewall or load modules;
//   --new-session            setsid: no TIOCSTI typing into a terminal;
//   --die-with-parent        the sandbox dies with the engine.
// The network is shared only with a step the lint proved to run reads alone (`network: true`), so probes,
// psql or curl to a database or a health endpoint work. Any other step — vouched for with safe_because, or
// holding something the lint cannot read — runs offline:
//   --unshare-net            a network namespace of its own: loopback only, the host's listeners unreachable
//                            (a vouched `$c -X ${m}ETE http://…` sent DELETE in a dry run);
//   --seccomp                no Unix socket can be created (sandbox-seccomp.ts), so a database, docker or ssh
//                            socket on the filesystem, which a network namespace does not cut, is out of reach
//                            too, whenever it was bound.
// The step's working directory is bound read-only inside the scratch /tmp when it lives there, so relative
// reads still work.
// Not running as root, bwrap creates a user namespace (Linux unprivileged user namespaces); where it cannot
// run at all, sandboxAvailable() is false and the dry run shows such steps instead of running them.
import { spawnSync } from 'node:child_process';
import { lstatSync } from 'node:fs';
import { resolve } from 'node:path';
import { which } from 'zx/core';
import { toolEnv } from '../secrets/credential-env.js';
import { printfEscaped, unixSocketFilter } from './sandbox-seccomp.js';

/** Set to any non-empty value: act as if no sandbox were available (the dry run then only shows shell steps). */
export const NO_SANDBOX_ENV = 'RUNBOOK_NO_SANDBOX';

// /var/run is a link to /run on current systems (bwrap refuses to mount over a link, and need not); --dev has
// its own /dev/shm.
const HIDDEN = ['/tmp', '/run', ...(isRealDir('/var/run') ? ['/var/run'] : [])];

function isRealDir(path: string): boolean {
  try { return lstatSync(path).isDirectory(); } catch { return false; }
}

// bwrap reads the filter from a file descriptor: a pipe that bash fills (printf) as it starts bwrap.
const SECCOMP_FD = '9';
const WITH_FILTER_ON_FD = `exec ${SECCOMP_FD}< <(printf %b "$0"); exec "$@"`; // two execs: bash then closes the pipe's own fd

/** What a sandbox needs here, found and tried once per PATH. `filter`: the offline filter, escaped for printf. */
interface Tools { bwrap: string; bash: string; filter: string }

function flags(tools: Tools, cwd: string, network: boolean): string[] {
  const args = [tools.bwrap, '--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc'];
  for (const dir of HIDDEN) args.push('--tmpfs', dir);
  // A working directory inside a hidden one would vanish: bind it back, read-only.
  if (HIDDEN.some((d) => cwd === d || cwd.startsWith(`${d}/`))) args.push('--ro-bind', cwd, cwd);
  if (!network) args.push('--unshare-net', '--seccomp', SECCOMP_FD);
  args.push('--chdir', cwd, '--unshare-pid', '--unshare-ipc', '--cap-drop', 'ALL', '--new-session', '--die-with-parent', '--');
  return network ? args : [tools.bash, '-c', WITH_FILTER_ON_FD, tools.filter, ...args];
}

let cached: { key: string; tools: Tools | undefined } | undefined;

/** bwrap, bash and the filter if a trivial offline sandbox runs here (checked once per PATH), else undefined:
 *  also where this architecture has no filter. */
function sandboxTools(): Tools | undefined {
  if (process.env[NO_SANDBOX_ENV]) return undefined;
  const key = process.env.PATH ?? '';
  if (cached?.key === key) return cached.tools;
  const bwrap = which.sync('bwrap', { nothrow: true }) ?? undefined;
  const bash = which.sync('bash', { nothrow: true }) ?? undefined;
  const filter = unixSocketFilter();
  let tools = bwrap && bash && filter ? { bwrap, bash, filter: printfEscaped(filter) } : undefined;
  if (tools) {
    // The offline form (namespace and filter) must start; generous: a loaded machine can take seconds to start a
    // process; idle this takes a few milliseconds.
    const [exe, ...args] = flags(tools, '/', false).concat('true');
    if (spawnSync(exe!, args, { stdio: 'ignore', timeout: 30_000, env: toolEnv() }).status !== 0) tools = undefined;
  }
  cached = { key, tools };
  return tools;
}

export const sandboxAvailable = (): boolean => sandboxTools() !== undefined;

/** The command vector `argv` run inside the sandbox, in `cwd`, with the host's network or offline; throws if
 *  no sandbox is available, so that a step meant to be sandboxed never runs outside one. */
export function sandboxed(argv: string[], cwd: string, network: boolean): string[] {
  const tools = sandboxTools();
  if (!tools) throw new Error('no sandbox (bwrap) is available to run this step in');
  return [...flags(tools, resolve(cwd), network), ...argv];
}
