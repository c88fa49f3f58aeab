// A shell step on another machine: an SSH host, a Kubernetes pod or a Docker container, through the operator's
// own ssh / kubectl / docker. The same guarantees as a local step, by construction:
//
// - Values never touch the script text, here or there. SSH: the engine starts ssh itself, with no local shell
//   between (one process fewer per step), and writes the wrapper, then the values, NUL-terminated, to its stdin
//   (the login shell there reads only SSH_COMMAND, one fixed line); kubectl and
//   docker: the values arrive on a local script's stdin as always (shell-values.ts), which hands them to the
//   client's stdin with `printf` (a builtin: no argv). The remote wrapper reads them into variables as the local
//   prelude does (remote-wrapper.ts). The destination, port, config file, context, namespace, pod and container
//   are an argument vector or values too: a template there cannot inject into a local script. They do reach the
//   client's command line (where else would ssh read its destination), as they would typed by hand: none of
//   them is a secret (validation refuses target fields that read a secret: language/validate/target-check.ts).
// - The remote process tree dies with the step. After the values, the client's stdin stays open but silent (the
//   engine, or the local script, holds its other end); a watcher in the remote wrapper waits for its end.
//   Killing the local client (timeout, Ctrl-C), or the engine's death alone, closes the channel's stdin, the
//   watcher reads EOF and kills the step's process group there (TERM, then KILL); a wrapper that starts after
//   it ended starts nothing. So the ssh client runs without a local supervisor. No pty: it would echo the values.
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

/** What sshd hands the account's login shell (sh, bash, dash, zsh, fish, csh…), whichever it is: one line with no
 *  quote, backslash or `!` inside its single quotes, so each reads it as the same four words. bash reads the
 *  wrapper from stdin up to its NUL (`read` takes a pipe byte by byte: the values after it stay there for the
 *  wrapper) and runs it; eval, like `bash -c`, reads each command after running the ones before. */
export const SSH_COMMAND = `exec bash -c 'IFS= read -r -d "" __runbook_w || exit 125; eval "$__runbook_w"' runbook`;

/** How the step's client runs here. SSH: the client itself, started by the engine, whose stdin takes the values
 *  and then stays open, silent, until it exits. kubectl, docker: a local script that drives the client. */
export type Invocation = DirectCommand | { script: string; values: string[] };
/** A command the shell executor runs as it is, in place of a script: its stdin takes `input`, then stays open. */
export interface DirectCommand { argv: string[]; input: Buffer }

/** What runs `action` (which has a remote target) through its client. */
/** `step`: the step's id and item, which with its script name the lock that keeps one copy of it running there. */
export function remoteInvocation(action: ShellAction & { remote: RemoteTarget }, place: Place, handshake: string, step: { id: string; item?: number }): Invocation {
  const envNames = Object.keys(action.env);
  // Remote-side values, in this order: the script's own, then env values, then the working directory.
  const remoteValues = [...action.values, ...envNames.map((k) => action.env[k]!), ...(action.cwd !== undefined ? [action.cwd] : [])];
  // The wrapper reads each up to a NUL; bash cannot hold one in a variable anyway.
  if (remoteValues.some((v) => v.includes('\0'))) throw new Error('a value holds a NUL byte, which a shell variable cannot hold');
  const lock = createHash('sha256').update(JSON.stringify([step.id, step.item ?? null, action.script])).digest('hex').slice(0, 24);
  const wrapper = remoteWrapper({ script: action.script, values: action.values.length, envNames, cwd: action.cwd !== undefined, handshake, lock, scratch: action.proven === true });
  const t = action.remote;
  if (t.kind === 'ssh' && place.kind === 'ssh') {
    // No local shell between the engine and ssh (one process fewer per step): the client's arguments are an
    // argument vector, not script text, so no value can inject into a script here. sshd hands the command to
    // the login shell there: one string. The values go to the client's stdin; the engine holds it open after
    // them, so the channel's stdin ends only when the client or the engine is gone.
    // The wrapper goes on stdin too, before the values: the command sshd hands the account's login shell is one
    // fixed line that every shell reads alike (fish reads `\'` inside '…' as an escape, so a script word ending
    // in `\` had turned the rest of the quoted wrapper into fish code).
    if (wrapper.includes('\0')) throw new Error('the script holds a NUL byte, which bash cannot read');
    const argv = ['ssh', ...stepOptions(place.socket, place.pin), ...(t.port !== undefined ? ['-p', String(t.port)] : []),
      ...(t.config !== undefined ? ['-F', t.config] : []), '--', t.destination, SSH_COMMAND];
    return { argv, input: Buffer.from([wrapper, ...remoteValues].map((v) => `${v}\0`).join(''), 'utf8') };
  }
  // Local values: the remote ones first (forwarded by reference), then the client's own arguments.
  const local = [...remoteValues];
  const ref = (v: string): string => { local.push(v); return `"\${${valueVar(local.length)}}"`; };
  const client = clientCommand(t, place, ref, wrapper);
  const forward = remoteValues.map((_, i) => `"\${${valueVar(i + 1)}}"`).join(' ');
  const script = [
    // A pipe this shell holds open (fd 4), not the step's stdin (the prelude already swapped that for
    // /dev/null). The values go in, then silence until the client exits; if this shell dies first (killed, or an
    // error), the pipe closes and the watcher there ends the remote tree. The client may hand this very pipe on
    // to the step (the stand-in `docker exec` of the tests does): it must end when this shell goes. No helper
    // process stays behind, whatever way the client ends.
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
