// A shell step on another machine: an SSH host, a Kubernetes pod or a Docker container, through the operator's
// own ssh / kubectl / docker. The same guarantees as a local step, by construction:
//
// - Values never touch the script text, here or there. Locally they arrive on the step's stdin as always
//   (shell-values.ts); the local script hands them, NUL-terminated, to the client's stdin with `printf` (a
//   builtin: no argv), and the remote wrapper reads them into variables as the local prelude does
//   (remote-wrapper.ts). The destination, port, config file, context, namespace, pod and container are values
//   too: a template there cannot inject into the local script. They do reach the client's command line (where
//   else would ssh read its destination), as they would typed by hand: none of them is a secret
//   (validation refuses target fields that read a secret: language/validate/target-check.ts).
// - The remote process tree dies with the step. After the values, the client's stdin stays open but silent; a
//   watcher in the remote wrapper waits for its end. Killing the local client (timeout, Ctrl-C, the engine's
//   death through the supervisor) closes the channel, the watcher reads EOF and kills the step's process
//   group there (TERM, then KILL). No pty: it would echo the values.
// - Failures of the transport are classified (target-unreachable, target-auth, target-hostkey, target-denied)
//   so runbooks can branch on them; a host key that is unknown or changed fails, it is never accepted silently
//   (BatchMode: nothing ever asks).
import { remoteWrapper } from './remote-wrapper.js';
import { valueVar } from './shell-values.js';
import { loginOf, type SshSettings } from './ssh-config.js';
import { stepOptions } from './ssh-options.js';
import type { ContainerPlace } from './container-identity.js';
import type { Classification, RemoteTarget, ShellAction } from './types.js';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Where identification put the run: the master's socket and pin for SSH; the context, namespace and pod for
 *  kubectl; the context for docker. */
export type Place = { kind: 'ssh'; socket: string; pin?: string } | ContainerPlace;

/** The local script and values that run `action` (which has a remote target) through its client. */
export function remoteInvocation(action: ShellAction & { remote: RemoteTarget }, place: Place, handshake: string): { script: string; values: string[] } {
  const envNames = Object.keys(action.env);
  // Remote-side values, in this order: the script's own, then env values, then the working directory.
  const remoteValues = [...action.values, ...envNames.map((k) => action.env[k]!), ...(action.cwd !== undefined ? [action.cwd] : [])];
  const wrapper = remoteWrapper({ script: action.script, values: action.values.length, envNames, cwd: action.cwd !== undefined, handshake });
  // Local values: the remote ones first (forwarded by reference), then the client's own arguments.
  const local = [...remoteValues];
  const ref = (v: string): string => { local.push(v); return `"\${${valueVar(local.length)}}"`; };
  const client = clientCommand(action.remote, place, ref, wrapper);
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

function clientCommand(t: RemoteTarget, place: Place, ref: (v: string) => string, wrapper: string): string {
  if (t.kind === 'ssh' && place.kind === 'ssh') {
    // sshd hands the command to the login shell there: one string.
    const opts = [
      ...stepOptions(place.socket, place.pin).map(q),
      ...(t.port !== undefined ? [`-p ${ref(String(t.port))}`] : []),
      ...(t.config !== undefined ? [`-F ${ref(t.config)}`] : []),
    ];
    return `ssh ${opts.join(' ')} -- ${ref(t.destination)} ${q(`exec bash -c ${q(wrapper)} runbook`)}`;
  }
  // kubectl and docker pass the command as argv words. Names go in one word with their flag (--x=value), or
  // after `--`: never read as an option of the client's own.
  const words = `bash -c ${q(wrapper)} runbook`;
  if (place.kind === 'kubectl') {
    return `kubectl ${ref(`--context=${place.context}`)} exec -i ${ref(`--namespace=${place.namespace}`)} ${ref(place.pod)}`
      + `${t.kind === 'kubectl' && t.container !== undefined ? ` ${ref(`--container=${t.container}`)}` : ''} -- ${words}`;
  }
  if (place.kind === 'docker') return `docker ${ref(`--context=${place.context}`)} exec -i -- ${ref(place.container)} ${words}`;
  throw new Error(`target '${t.name}': no place for a ${t.kind} target`);
}

/** The client each kind needs on this machine. */
export const CLIENT: Record<RemoteTarget['kind'], string> = { ssh: 'ssh', kubectl: 'kubectl', docker: 'docker' };

/** Transport failures by what the client said; undefined when the failure was the script's own. `started`:
 *  the wrapper's handshake came back, so the transport worked; only a link lost since counts then. */
export function classifyRemote(t: RemoteTarget, exitCode: number | null, stderr: string, started: boolean): Classification | undefined {
  if (started) {
    const lost = t.kind === 'ssh'
      ? exitCode === 255 && /closed by remote host|Connection to \S+ closed|client_loop:|Timeout, server \S+ not responding|Broken pipe/i.test(stderr)
      : /lost connection|connection reset by peer|error dialing backend|Cannot connect to the Docker daemon|Unable to connect to the server/i.test(stderr);
    return lost ? 'target-unreachable' : undefined;
  }
  if (t.kind === 'ssh' && exitCode !== 255) return undefined;
  if (t.kind === 'ssh') {
    if (/Host key verification failed|REMOTE HOST IDENTIFICATION HAS CHANGED|No \S+ host key is known|host key for .* has changed/i.test(stderr)) return 'target-hostkey';
    if (/Permission denied \(|Too many authentication failures|no matching host key type/i.test(stderr)) return 'target-auth';
    return 'target-unreachable';
  }
  if (/Unauthorized|You must be logged in|permission denied while trying to connect/i.test(stderr)) return 'target-auth';
  if (/Forbidden|cannot exec|executable file not found|OCI runtime exec failed/i.test(stderr)) return 'target-denied';
  if (/NotFound|not found|No such container|No such object|is not running|Unable to connect|connection refused|was refused|dial tcp|Cannot connect to the Docker daemon|no such host|i\/o timeout/i.test(stderr)) return 'target-unreachable';
  return undefined;
}

/** How the gate and the transcript name where the step runs; `settings` (ssh -G) adds where ssh logs in,
 *  `place` the pod a selector chose, `unchecked` that the config checks no host key. */
export function describeRemote(t: RemoteTarget, more: { settings?: SshSettings; place?: Place; unchecked?: string } = {}): string {
  const name = `[target ${t.name}${t.standsFor ? `, for ${t.standsFor}` : ''}]`;
  if (t.kind === 'ssh') {
    const login = more.settings ? ` (${loginOf(more.settings)})` : t.port !== undefined ? ` (port ${t.port})` : '';
    const unchecked = !more.unchecked ? '' : ` — host key NOT checked (${more.unchecked} in the ssh config; `
      + `${t.allowUncheckedHostKey ? 'allowed by the runbook)' : 'refused: the target does not allow it)'}`;
    return `ssh ${t.destination}${login}${unchecked} ${name}`;
  }
  if (t.kind === 'kubectl') {
    const pod = more.place?.kind === 'kubectl' ? more.place.pod : t.pod ?? `<the pod matching ${t.selector ?? '?'}>`;
    return `kubectl ${[t.context, t.namespace, pod].filter(Boolean).join('/')}${t.container ? ` (container ${t.container})` : ''} ${name}`;
  }
  return `docker ${t.container} ${name}`;
}
