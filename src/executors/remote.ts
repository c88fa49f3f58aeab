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
// - A docker step execs by the container ID identification recorded, never by its name: a container recreated
//   under that name mid-run is another ID, and the step fails instead of running in it (a pod's UID is checked
//   before every step instead: remote-run.ts).
// - Failures of the transport are classified (remote-classify.ts) so runbooks can branch on them; a host key
//   that is unknown or changed fails, it is never accepted silently (BatchMode: nothing ever asks).
import { createHash } from 'node:crypto';
import type { Place } from './remote-place.js';
import { remoteWrapper } from './remote-wrapper.js';
import { valueVar } from './shell-values.js';
import { stepOptions } from './ssh-options.js';
import type { RemoteTarget, ShellAction } from './types.js';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The local script and values that run `action` (which has a remote target) through its client. */
/** `step`: the step's id and item, which with its script name the lock that keeps one copy of it running there. */
export function remoteInvocation(action: ShellAction & { remote: RemoteTarget }, place: Place, handshake: string, step: { id: string; item?: number }): { script: string; values: string[] } {
  const envNames = Object.keys(action.env);
  // Remote-side values, in this order: the script's own, then env values, then the working directory.
  const remoteValues = [...action.values, ...envNames.map((k) => action.env[k]!), ...(action.cwd !== undefined ? [action.cwd] : [])];
  const lock = createHash('sha256').update(JSON.stringify([step.id, step.item ?? null, action.script])).digest('hex').slice(0, 24);
  const wrapper = remoteWrapper({ script: action.script, values: action.values.length, envNames, cwd: action.cwd !== undefined, handshake, lock });
  // Local values: the remote ones first (forwarded by reference), then the client's own arguments.
  const local = [...remoteValues];
  const ref = (v: string): string => { local.push(v); return `"\${${valueVar(local.length)}}"`; };
  const client = clientCommand(action.remote, place, ref, wrapper);
  const forward = remoteValues.map((_, i) => `"\${${valueVar(i + 1)}}"`).join(' ');
  // Values written before the client reads them must fit in the pipe (64 KiB on Linux); larger ones take the
  // process substitution below, which writes while the client reads. SSH only: ssh hands the channel's end to
  // sshd, which closes it when the client goes; a client that handed this very pipe on to the step (the
  // stand-in `docker exec` of the tests does) would leave the step a stdin that never ends.
  const fits = place.kind === 'ssh' && remoteValues.reduce((n, v) => n + Buffer.byteLength(v) + 1, 0) <= 16_384;
  const send = remoteValues.length ? [`printf '%s\\0' ${forward} >&4`] : [];
  const script = [
    // The client's stdin, without a process of its own: bash (5.1 and later) makes a small here-string a pipe;
    // reopened read-write (fd 4) it takes the values, and the client, exec'd in this shell's place, holds its
    // write side through its own stdin, so that stdin never ends while the client lives. When the client dies
    // (killed, timeout, the engine's death) the channel closes and the watcher there ends the remote tree.
    ...(fits ? [
      "exec 5<<<''",
      'if [ -p /dev/fd/5 ] && { exec 4<>/dev/fd/5; } 2>/dev/null && IFS= read -r -u 4 _; then', // the here-string's newline
      '  exec 5<&-',
      ...send.map((l) => `  ${l}`),
      `  exec ${client} <&4 4<&-`,
      'fi',
      'exec 5<&- 4<&-',
    ] : []),
    // Otherwise (an older bash: a temporary file; or large values): a pipe this shell holds open (fd 4). The
    // values go in, then silence until the client exits; if this shell dies first (killed, or an error), the pipe
    // closes and the watcher there ends the remote tree. Not the step's stdin: the prelude already swapped that
    // for /dev/null. No helper process stays behind, whatever way the client ends.
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
  if (place.kind === 'docker') return `docker ${ref(`--context=${place.context}`)} exec -i -- ${ref(place.id)} ${words}`;
  throw new Error(`target '${t.name}': no place for a ${t.kind} target`);
}

/** The client each kind needs on this machine. */
export const CLIENT: Record<RemoteTarget['kind'], string> = { ssh: 'ssh', kubectl: 'kubectl', docker: 'docker' };
