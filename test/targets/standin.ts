// The stand-in kubectl / docker client of the container target tests (containers*.test.ts), and what they share.
// No cluster or daemon can run here: the stand-in records every argument vector it is given (one line per call)
// and answers as the real client would: the identity queries from FAKE_* variables (or FAKE_UID_FILE /
// FAKE_ID_FILE, read at every call: a pod or container recreated mid-run), `exec` by running the command after
// its own arguments here (docker: only for the current container ID, as the daemon would).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { transcriptLines } from '../hardening/helpers.js';

export type Kind = 'kubectl' | 'docker';

export const runbook = (target: string, steps: string, extra = '') => `name: remote
title: A step in a pod or container
inputs:
  word: { default: "a b'c$(x)" }
  pod: { default: postgres-0 }
targets:
  db_host: ${target}
steps:
${steps}
${extra}`;

export const echo = (id: string, text = 'hello', logged = false) => `  - id: ${id}\n    target: db_host\n${logged ? LOGGED : ''}    shell: "echo ${text}"\n`;
/** For a step whose calls a test reads from the stand-in's log: the stand-in writes it, which a proven read may
 *  not (its client runs in the shield, the host read-only: executors/shield.ts), so the step is vouched for. */
export const LOGGED = '    destructive: false\n    safe_because: the stand-in client appends its log of calls\n';
export const branch = '  - id: branch\n    end: escalate\n    message: "${{ steps.remote.classification }}: ${{ steps.remote.error }}"\n';

/** The stand-in client. FAKE_CONTAINER (docker): run the command as a container would (see the kill test). */
export const STANDIN = (kind: Kind) => `#!/bin/bash
{ for a in "$@"; do printf '%s' "$a" | tr '\\n' '\\036'; printf '\\037'; done; printf '\\n'; } >> "$FAKE_LOG"
sub=; for a in "$@"; do case $a in --*=*) ;; *) sub=$a; break;; esac; done
[ -z "$FAKE_UID_FILE" ] || FAKE_UID=$(cat "$FAKE_UID_FILE")
[ -z "$FAKE_ID_FILE" ] || FAKE_ID=$(cat "$FAKE_ID_FILE")
ctx=$FAKE_CONTEXT; for a in "$@"; do case $a in --context=*) ctx=\${a#--context=};; esac; done
case $sub in
${kind === 'kubectl' ? `  config) printf '%s\\t%s\\t%s' "$ctx" "$FAKE_SERVER" "$FAKE_NAMESPACE"; exit 0;;
  get) case " $* " in *" --selector="*) printf "$FAKE_PODS";; *" jsonpath={.metadata.uid} "*) printf '%s' "$FAKE_UID";; *) printf '%s\\t%s' "$FAKE_UID" "$FAKE_RESTARTS";; esac; exit 0;;
  exec) while [ "$1" != -- ]; do shift; done; shift;;` : `  context) printf '%s\\t%s\\n' "$ctx" "\${DOCKER_HOST:-unix:///var/run/docker.sock}"; exit 0;;
  inspect) printf '%s\\t%s\\n' "$FAKE_ID" "$FAKE_STARTED"; exit 0;;
  exec) while [ "$1" != -- ]; do shift; done; shift
    [ "$1" = "$FAKE_ID" ] || { echo "Error response from daemon: No such container: $1" >&2; exit 1; }
    shift;;`}
  *) echo "stand-in ${kind}: unexpected call: $*" >&2; exit 2;;
esac
[ -z "$FAKE_EXEC_FAIL" ] || { echo "$FAKE_EXEC_FAIL" >&2; exit 126; }
if [ -n "$FAKE_CONTAINER" ]; then
  # As in a container: the command is no descendant of this client (the local kill of the step cannot reach
  # it), and it shares a process group with the container's main process, which must outlive every exec.
  perl -e '
    use POSIX qw(setsid);
    my ($dir, @cmd) = @ARGV;
    exit 0 if fork;
    setsid();
    my $main = fork;
    if (!$main) { open STDIN, "<", "/dev/null"; open STDOUT, ">", "/dev/null"; open STDERR, ">", "/dev/null"; exec "sleep", $ENV{FAKE_MAIN}; }
    my $cmd = fork;
    if (!$cmd) { exec @cmd; }
    open STDIN, "<", "/dev/null"; open STDOUT, ">", "/dev/null"; open STDERR, ">", "/dev/null";
    open(my $f, ">", "$dir/main.pid"); print $f "$main $cmd\\n"; close $f;
    waitpid($cmd, 0);
    open($f, ">", "$dir/status.tmp"); print $f ($? >> 8); close $f; rename "$dir/status.tmp", "$dir/status";
  ' "$FAKE_CONTAINER" "$@"
  until [ -f "$FAKE_CONTAINER/status" ]; do sleep 0.05; done
  exit "$(cat "$FAKE_CONTAINER/status")"
fi
exec "$@"
`;

/** A directory with the stand-in client, and the environment that puts it first on PATH. */
export function standIn(dir: string, kind: Kind, env: Record<string, string> = {}): { env: NodeJS.ProcessEnv; calls: () => string[][] } {
  const log = join(dir, `${kind}.calls`);
  writeFileSync(join(dir, kind), STANDIN(kind), { mode: 0o755 });
  const defaults = kind === 'kubectl'
    ? { FAKE_CONTEXT: 'prod', FAKE_SERVER: 'https://10.0.0.1:6443', FAKE_NAMESPACE: 'db', FAKE_UID: 'uid-1' }
    : { FAKE_CONTEXT: 'default', FAKE_ID: 'c0ffee', DOCKER_HOST: 'unix:///run/docker-a.sock' };
  return {
    env: { PATH: `${dir}:${process.env.PATH}`, FAKE_LOG: log, ...defaults, ...env },
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean)
      .map((l) => l.split('\x1f').slice(0, -1).map((w) => w.replaceAll('\x1e', '\n').replace(/\n$/, ''))) : []),
  };
}

export const identified = (file: string) => transcriptLines(file).filter((l) => l.type === 'target-identified' && l.connection === 'target:db_host')
  .map((l) => (l as unknown as { target: { host: string; server: string; weak?: boolean } }).target);
