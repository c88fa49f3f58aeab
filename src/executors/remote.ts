// A shell step on another machine: an SSH host, a Kubernetes pod or a Docker container, through the operator's
// own ssh / kubectl / docker. The same guarantees as a local step, by construction:
//
// - Values never touch a command line or the script text, here or there. Locally they arrive on the step's
//   stdin as always (shell-values.ts); the local script hands them, NUL-terminated, to the client's stdin with
//   `printf` (a builtin: no argv), and the remote wrapper reads them into variables as the local prelude does.
//   The destination, pod and container names are values too: a template there cannot inject into the script.
// - The remote process tree dies with the step. After the values, the client's stdin stays open but silent; a
//   watcher in the remote wrapper waits for its end. Killing the local client (timeout, Ctrl-C, the engine's
//   death through the supervisor) closes the channel, the watcher reads EOF and kills the remote process group
//   (TERM, then KILL). No pty: it would echo the values.
// - Failures of the transport are classified (target-unreachable, target-auth, target-hostkey, target-denied)
//   so runbooks can branch on them; a host key that is unknown or changed fails, it is never accepted silently
//   (BatchMode: nothing ever asks).
import { valueVar } from './shell-values.js';
import type { Classification, RemoteTarget, ShellAction } from './types.js';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The local script and values that run `action` (which has a remote target) through its client. */
export function remoteInvocation(action: ShellAction & { remote: RemoteTarget }, controlDir: string): { script: string; values: string[] } {
  const envNames = Object.keys(action.env);
  // Remote-side values, in this order: the script's own, then env values, then the working directory.
  const remoteValues = [...action.values, ...envNames.map((k) => action.env[k]!), ...(action.cwd !== undefined ? [action.cwd] : [])];
  const wrapper = remoteWrapper(action.script, action.values.length, envNames, action.cwd !== undefined);
  // Local values: the remote ones first (forwarded by reference), then the client's own arguments.
  const local = [...remoteValues];
  const ref = (v: string): string => { local.push(v); return `"\${${valueVar(local.length)}}"`; };
  const client = clientCommand(action.remote, ref, controlDir, `exec bash -c ${q(wrapper)} runbook`);
  const forward = remoteValues.map((_, i) => `"\${${valueVar(i + 1)}}"`).join(' ');
  const script = [
    // The client's stdin: a pipe this shell holds open (fd 4). The values go in, then silence until the client
    // exits; if this shell dies first (killed, or an error), the pipe closes and the watcher there ends the remote
    // tree. Not the step's stdin: the prelude already swapped that for /dev/null. No helper process stays
    // behind, whatever way the client ends (a `sleep` that fed the pipe used to outlive a failed client).
    `exec 4> >(exec ${client})`,
    'client=$!',
    // A client that exited before reading them (unreachable, say) must not kill this shell with SIGPIPE: its
    // own exit status says what happened.
    ...(remoteValues.length ? [`trap '' PIPE; printf '%s\\0' ${forward} >&4 2>/dev/null || :`] : []),
    'rc=0; wait "$client" || rc=$?',
    'exit "$rc"',
  ].join('\n');
  return { script, values: local };
}

function clientCommand(t: RemoteTarget, ref: (v: string) => string, controlDir: string, remoteCommand: string): string {
  if (t.kind === 'ssh') {
    const opts = [
      ...sshBaseOptions(controlDir).map(q),
      ...(t.port !== undefined ? [`-p ${ref(String(t.port))}`] : []),
      ...(t.config !== undefined ? [`-F ${ref(t.config)}`] : []),
    ];
    return `ssh ${opts.join(' ')} -- ${ref(t.destination)} ${q(remoteCommand)}`;
  }
  // kubectl and docker pass the command as argv words: bash -c <wrapper> runbook.
  const words = remoteCommand.replace(/^exec /, '');
  if (t.kind === 'kubectl') {
    const flags = [
      ...(t.context !== undefined ? [`--context ${ref(t.context)}`] : []), 'exec -i',
      ...(t.namespace !== undefined ? [`-n ${ref(t.namespace)}`] : []), ref(t.pod),
      ...(t.container !== undefined ? [`-c ${ref(t.container)}`] : []),
    ];
    return `kubectl ${flags.join(' ')} -- ${words}`;
  }
  return `docker exec -i ${ref(t.container)} ${words}`;
}

/** Every ssh call of a run: never asks (BatchMode), notices a dead link, and shares one multiplexed connection
 *  per target (a remote step costs one round trip, not a handshake). */
function sshBaseOptions(controlDir: string): string[] {
  return ['-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10', '-o', 'ServerAliveInterval=10', '-o', 'ServerAliveCountMax=3',
    '-o', 'ControlMaster=auto', '-o', `ControlPath=${controlDir}/%C`, '-o', 'ControlPersist=60'];
}

/** The same options as argv words, with the target's own port and config (for a call without a shell). */
export function sshOptions(t: Extract<RemoteTarget, { kind: 'ssh' }>, controlDir: string): string[] {
  return [...sshBaseOptions(controlDir), ...(t.port !== undefined ? ['-p', String(t.port)] : []), ...(t.config !== undefined ? ['-F', t.config] : [])];
}

/** What runs there: read the values, set the environment and directory, run the script in a subshell beside a
 *  watcher that ends the whole remote process group when the client's stdin closes. */
function remoteWrapper(script: string, values: number, envNames: string[], cwd: boolean): string {
  const names = [
    ...Array.from({ length: values }, (_, i) => valueVar(i + 1)),
    ...envNames.map((_, i) => `RUNBOOK_E${i + 1}`),
    ...(cwd ? ['RUNBOOK_CWD'] : []),
  ];
  const read = names.length
    ? `{ ${names.map((n) => `IFS= read -r -d '' ${n}`).join(' && ')}; } || { echo "runbook: the step's values did not arrive" >&2; exit 125; }\nreadonly ${names.join(' ')}`
    : '';
  return [
    read,
    ...envNames.map((k, i) => `export ${k}="\${RUNBOOK_E${i + 1}}"`),
    ...(cwd ? ['cd -- "${RUNBOOK_CWD}" || { echo "runbook: cannot enter the step\'s directory" >&2; exit 125; }'] : []),
    // The watcher reads what is left of stdin (nothing, until the client goes away).
    "{ trap '' TERM; while IFS= read -r -n 1 _; do :; done; kill -TERM 0; sleep 2; kill -KILL 0; } <&0 >/dev/null 2>&1 &",
    '__runbook_watch=$!; disown "$__runbook_watch"', // disowned: its kill prints no "Killed" notice
    `(\n${script}\n) </dev/null &`,
    '__runbook_step=$!',
    'wait "$__runbook_step"; __runbook_rc=$?',
    'kill -KILL "$__runbook_watch" 2>/dev/null',
    'exit "$__runbook_rc"',
  ].filter(Boolean).join('\n');
}

/** The client each kind needs on this machine. */
export const CLIENT: Record<RemoteTarget['kind'], string> = { ssh: 'ssh', kubectl: 'kubectl', docker: 'docker' };

/** Transport failures by what the client said; undefined when the failure was the script's own. */
export function classifyRemote(t: RemoteTarget, exitCode: number | null, stderr: string): Classification | undefined {
  if (t.kind === 'ssh' && exitCode !== 255) return remoteShellMissing(exitCode, stderr);
  if (t.kind === 'ssh') {
    if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known|host key for .* has changed/i.test(stderr)) return 'target-hostkey';
    if (/Permission denied \(|Too many authentication failures|no matching host key type/i.test(stderr)) return 'target-auth';
    return 'target-unreachable';
  }
  if (/Unauthorized|You must be logged in|permission denied while trying to connect/i.test(stderr)) return 'target-auth';
  if (/Forbidden|cannot exec/i.test(stderr)) return 'target-denied';
  if (/NotFound|not found|No such container|is not running|Unable to connect|connection refused|was refused|dial tcp|Cannot connect to the Docker daemon|no such host|i\/o timeout/i.test(stderr)) return 'target-unreachable';
  return remoteShellMissing(exitCode, stderr);
}

function remoteShellMissing(exitCode: number | null, stderr: string): Classification | undefined {
  return (exitCode === 126 || exitCode === 127) && /bash: (No such file|not found)|exec: bash: not found|"bash": executable file not found/i.test(stderr) ? 'target-denied' : undefined;
}

/** How the gate and the transcript name where the step runs. */
export function describeRemote(t: RemoteTarget): string {
  const name = `[target ${t.name}${t.standsFor ? `, for ${t.standsFor}` : ''}]`;
  if (t.kind === 'ssh') return `ssh ${t.destination}${t.port !== undefined ? ` (port ${t.port})` : ''} ${name}`;
  if (t.kind === 'kubectl') return `kubectl ${[t.context, t.namespace, t.pod].filter(Boolean).join('/')}${t.container ? ` (container ${t.container})` : ''} ${name}`;
  return `docker ${t.container} ${name}`;
}
