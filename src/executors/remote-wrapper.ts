// What runs on the target: a bash script, the same for every kind of target, started as `bash -c <wrapper>`.
//
// - First it says it started (a handshake line on stdout, with a nonce of this step): a client that answered
//   without running it (an authorized_keys `command=`, sshd's ForceCommand, a nologin shell, no bash there)
//   prints no handshake, and the step is classified target-denied instead of passing or failing as the
//   script's own result (remote-handshake.ts).
// - It reads the values, NUL-terminated, from stdin into read-only variables (the step's ${RUNBOOK_V<n>}, its
//   env values, its directory): none is ever in the script text or on a command line.
// - One copy of a step at a time there: the wrapper records the step's process group in a file named by the step
//   (its id, item and script: `lock`) and blanks it when the step ends (the killer: once the group is gone). A
//   copy that finds a group there still alive waits for it (up to LOCK_WAIT_S): a resume after the engine was
//   killed does not run beside the interrupted copy. Builtins only (a flock process cost ~4 ms a step under load).
//   Best effort against two copies started in the same instant (each may find the file empty).
// - Nothing starts once the engine is gone: the channel's stdin has ended by then (a client that connected late,
//   a copy that waited for the lock). Over SSH that is the whole of the engine's side: the client has no local
//   supervisor (executors/shell.ts).
// - The step runs in a process group of its own. Over SSH the wrapper already leads one (sshd starts every
//   session in a new session: /proc says so) and runs the script itself, one process fewer per step. A
//   `docker exec` or `kubectl exec` process need not lead its group, which it may share with the container's
//   main process: there the script runs in a subshell that leads a group of its own (job control on for that one
//   `&`), so the group to kill is the step's, never `kill 0`. Beside it a watcher reads what is left
//   of stdin (nothing, until the client here goes away). Then a killer it starts ends that group: TERM, then
//   KILL after the grace period, whatever the group's leader does: a leader that dies of the TERM while a child
//   traps it no longer ends the clean-up (the wrapper used to kill its watcher as soon as the leader was gone).
//   The killer is a process of its own, so the wrapper's end does not stop it; it holds the lock until the
//   group is gone.
// - Like a local step, the script runs under errexit and pipefail.
import { assertEnvNames } from '../language/env-names.js';
import { valueVar } from './shell-values.js';
import { FALLBACK_PATH } from './path-entries.js';
import { scratchEnv } from './read-scratch.js';

export interface WrapperSpec {
  script: string;
  values: number;          // the script's own ${RUNBOOK_V<n>} values
  envNames: string[];      // then one value per env variable, in this order
  cwd: boolean;            // then the directory, when the step has one
  handshake: string;       // the line printed first
  lock?: string;           // names the step's lock file there (hex): one copy of the step at a time
  scratch?: boolean;       // a proven read: its own TMPDIR there, removed when it ends (read-scratch.ts's, there)
}

/** TERM, then KILL this long after (tenths of a second: bash has no fractions). */
export const REMOTE_GRACE_TENTHS = 20;
/** How long a step waits there for an earlier copy of itself to be gone. */
export const LOCK_WAIT_S = 60;

export function remoteWrapper(w: WrapperSpec): string {
  // Defence in depth: the names are script text here (validate and prepare refuse them first).
  assertEnvNames(w.envNames);
  if (!/^[\w .:-]+$/.test(w.handshake)) throw new Error('the handshake line must be plain text');
  if (w.lock !== undefined && !/^[0-9a-f]+$/.test(w.lock)) throw new Error('the lock name must be hex');
  const names = [
    ...Array.from({ length: w.values }, (_, i) => valueVar(i + 1)),
    ...w.envNames.map((_, i) => `__runbook_e${i + 1}`),
    ...(w.cwd ? ['__runbook_cwd'] : []),
  ];
  const read = names.length
    ? `{ ${names.map((n) => `IFS= read -r -d '' ${n}`).join(' && ')}; } || { echo "runbook: the step's values did not arrive" >&2; exit 125; }\nreadonly ${names.join(' ')}`
    : '';
  const lock = w.lock !== undefined;
  return [
    `printf '%s\\n' '${w.handshake}'`,
    read,
    ...w.envNames.map((k, i) => `export ${k}="\${__runbook_e${i + 1}}"`),
    ...(w.cwd ? ['cd -- "${__runbook_cwd}" || { echo "runbook: cannot enter the step\'s directory" >&2; exit 125; }'] : []),
    ...(lock ? lockLines(w.lock!) : []),
    // Before bash reads the step's code: the character set it reads it in, and where it finds commands (below).
    ...PARSE_LOCALE,
    ABSOLUTE_PATH,
    ...(w.scratch ? [SCRATCH] : []),
    SWEEP,
    // The script, as a function (`:` first: a script of comments only is still a body): run here or in a subshell.
    `__runbook_script() { :\n${w.script}\n}`,
    // The engine is already gone (the channel's stdin ended: only the engine holds the other end, and it never
    // writes after the values): a client that connected late, or a copy that waited above, starts nothing.
    // `read -t 0` reads nothing; it succeeds on data or end of file.
    GONE,
    // No core files on the target either (a crash wrote one into the step's directory locally: a probe of stop 72).
    'ulimit -c 0 2>/dev/null',
    // Leading a process group of its own (sshd starts every session in a new session), this shell runs the step
    // itself: its group holds the step's processes only. One process fewer per step than a subshell.
    '__runbook_pg=; { read -r _ _ _ _ __runbook_pg _ < "/proc/$$/stat"; } 2>/dev/null',
    'if [ "$__runbook_pg" = "$$" ]; then',
    '  __runbook_step=$$',
    ...(lock ? [RECORD] : []),
    `  { trap '' TERM; while IFS= read -r -n 1 _; do :; done; ${lock ? `${MARK}; ` : ''}${KILLER} & } <&0 >/dev/null 2>&1 &`,
    '  __runbook_watch=$!; disown "$__runbook_watch"', // disowned: no notice, and the script's `wait` skips it
    // A normal end: the watcher goes, and the record with it (unless a killer marked it: it ends the group).
    `  trap 'kill -KILL "$__runbook_watch" 2>/dev/null; __runbook_sweep; ${UNSCRATCH}${lock ? `; ${CLEAR}` : ''}' EXIT`,
    '  exec </dev/null; set -e -o pipefail',
    // The exit trap's own state, read-only to the step, which runs in this shell (a probe of stop 71 had a proven
    // read's `printf -v __runbook_tmp …` make the trap remove another directory, kill a process, overwrite a file).
    `  readonly __runbook_step __runbook_watch __runbook_pg __runbook_tmp${lock ? ' __runbook_lock' : ''}`,
    '  __runbook_script',
    '  exit "$?"',
    'fi',
    // Otherwise (a `docker exec` or `kubectl exec` process may share the container's main process's group): set
    // -m for this one job: it gets a process group of its own, which it leads; +m at once, so bash prints no job
    // notices. Inside the subshell job control is off: the script's own jobs stay in its group.
    'set -m; (set -e -o pipefail; __runbook_script) </dev/null & __runbook_step=$!; set +m',
    ...(lock ? [RECORD] : []),
    `{ trap '' TERM; while IFS= read -r -n 1 _; do :; done; ${lock ? `${MARK}; ` : ''}${KILLER} & } <&0 >/dev/null 2>&1 &`,
    '__runbook_watch=$!; disown "$__runbook_watch"',
    'wait "$__runbook_step"; __runbook_rc=$?',
    UNSCRATCH,
    // Emptied only once nothing of the group is left: a killer may still be ending a child that outlived its
    // leader (it empties the file itself). A step that leaves processes in its group makes the next copy wait.
    ...(lock ? [`kill -0 -- "-$__runbook_step" 2>/dev/null || { ${EMPTY}; } 2>/dev/null`] : []),
    // Only the watcher: a killer it already started goes on until the group is gone.
    'kill -KILL "$__runbook_watch" 2>/dev/null',
    'exit "$__runbook_rc"',
  ].filter(Boolean).join('\n');
}

// The character set bash reads the step's code in, as a local step's (parse-locale.ts): the lint reads UTF-8, and in
// BIG5, GBK or GB18030 a byte >= 0x80 and the '\' after it are one character ('echo "两\"; touch M; #"' ran touch
// there). A locale not proven (C, POSIX, *.UTF-8) keeps every category but LC_CTYPE, which becomes C.UTF-8, or C
// where the host has no C.UTF-8 (é is then two characters). bash reads each command of `bash -c` after running
// the ones before it, so the function below is read in the new one.
const PARSE_LOCALE = [
  `__runbook_re='^(C|POSIX|)$|^[A-Za-z]+(_[A-Za-z]+)?[.](UTF-8|utf8|UTF8|utf-8)(@[A-Za-z0-9]+)?$'`,
  'if ! [[ ${LC_ALL:-${LC_CTYPE:-${LANG:-}}} =~ $__runbook_re ]]; then',
  '  if [ -n "${LC_ALL:-}" ]; then',
  '    for __runbook_c in COLLATE MESSAGES MONETARY NUMERIC TIME PAPER NAME ADDRESS TELEPHONE MEASUREMENT IDENTIFICATION; do export "LC_$__runbook_c=$LC_ALL"; done',
  '    unset LC_ALL',
  '  fi',
  '  export LC_CTYPE=C.UTF-8 2>/dev/null; __runbook_u=$\'\\xc3\\xa9\'; [ "${#__runbook_u}" = 1 ] || export LC_CTYPE=C 2>/dev/null',
  'fi',
];

// The target's PATH without its relative entries, as a local step's (path-entries.ts): an empty entry, '.' or any
// relative one names the step's directory, which the runbook's cwd: chooses, and so does bash's own default when
// there is no PATH at all. A `cat` there would run in place of the cat the lint proved a read.
const ABSOLUTE_PATH = [
  '__runbook_p=; __runbook_r="${PATH-}:"',
  'while [ -n "$__runbook_r" ]; do __runbook_x=${__runbook_r%%:*}; __runbook_r=${__runbook_r#*:}; case $__runbook_x in /*) __runbook_p=${__runbook_p:+$__runbook_p:}$__runbook_x;; esac; done',
  `export PATH="\${__runbook_p:-${FALLBACK_PATH}}"`,
].join('\n');

// A proven read's own temporary directory there, as here (read-scratch.ts): GNU sort spills under $TMPDIR, and a
// SIGKILLed sort leaves its files (a probe of stop 69 left 2,831, 89 MB, in a target's /tmp per run). Removed when
// the step ends; where mktemp fails, TMPDIR stays as it was. Its caches too, by the same variables as here.
const SCRATCH_EXPORTS = Object.entries(scratchEnv('$__runbook_tmp')).map(([k, v]) => `${k}="${v}"`).join(' ');
const SCRATCH = `__runbook_tmp=; if __runbook_tmp=$(mktemp -d "\${TMPDIR:-/tmp}/runbook-read-XXXXXX" 2>/dev/null); then export ${SCRATCH_EXPORTS}; else __runbook_tmp=; fi`;
// Double quotes only: it goes into a single-quoted trap.
const UNSCRATCH = '{ [ -z "${__runbook_tmp:-}" ] || rm -rf -- "$__runbook_tmp"; } 2>/dev/null';

// What the step left running in the session, ended with it, as a local step's (shell.ts endLeftovers): over SSH
// the wrapper leads the session sshd made, and a process that left the step's group (timeout's setpgid) stays in
// it. `timeout -s KILL 1 timeout 287 sleep 287` left sleep running on the target after the run (a probe of stop
// 69). Each /proc/<pid>/stat is read after its command's closing parenthesis (a name may hold spaces): the 4th
// field there is the session. Builtins only.
const SWEEP = [
  '__runbook_sweep() {',
  '  local f p l n=0 me',
  '  { IFS= read -r l < "/proc/$$/stat"; } 2>/dev/null || return 0; l=${l##*) }; set -- $l; me=$4',
  '  [ "$me" = "$$" ] || return 0', // not the session's leader (docker, kubectl): the group's kill is all
  '  for f in /proc/[0-9]*/stat; do',
  // Not the wrapper's own watcher either: the trap has just sent it SIGKILL, and on a loaded machine it may not
  // have died yet (CI: the warning came after a plain echo, each run).
  '    p=${f#/proc/}; p=${p%/stat}; { [ "$p" = "$$" ] || [ "$p" = "${__runbook_watch:-}" ]; } && continue',
  '    { IFS= read -r l < "$f"; } 2>/dev/null || continue; l=${l##*) }; set -- $l',
  // Not a zombie (state Z, or X): a child that exited and that bash has not reaped yet is no process left
  // running, and a kill of it succeeds (CI, loaded: the warning came after an echo).
  '    case ${1:-} in Z|X) continue;; esac',
  '    [ "${4:-}" = "$me" ] && kill -KILL "$p" 2>/dev/null && n=$((n+1))',
  '  done',
  '  [ "$n" = 0 ] || echo "runbook: the step left processes running in its session; they were ended (SIGKILL) with the step" >&2',
  '}',
].join('\n');

// bash 4.0 made `read -t 0` a test for input; an older bash (3.2, as on macOS) would wait for a line instead.
const GONE = 'if [ "${BASH_VERSINFO[0]}" -ge 4 ] && read -t 0; then echo "runbook: the engine that started this step is gone; nothing was started" >&2; exit 125; fi';

/** The step's group, recorded for the next copy; marked when a killer starts ending it; cleared if still ours. */
// Written in place, one fixed-width line (`1<>`: no truncation): truncating a file and writing it again makes ext4
// flush it on close (auto_da_alloc), which cost a remote step ~1–2 ms of its ~5 ms over a bare ssh call (#30).
// A record is never longer than the line, so each write covers the whole of the one before; blank is empty.
// Double quotes only: CLEAR goes into a single-quoted trap.
const RECORD_WIDTH = 40;
const put = (what: string): string => `printf "%-${RECORD_WIDTH}s\\n" ${what} 1<> "$__runbook_lock"`;
const RECORD = `{ ${put('"$__runbook_step"')}; } 2>/dev/null`;
const MARK = `{ ${put('"$__runbook_step ending"')}; } 2>/dev/null`;
const EMPTY = put('""');
const CLEAR = `{ read -r __runbook_l __runbook_m < "$__runbook_lock" && [ "$__runbook_l" = "$__runbook_step" ] && [ -z "$__runbook_m" ] && ${EMPTY}; } 2>/dev/null`;

/** Ends the step's group: TERM, up to the grace period for it to go, KILL, then waits (bounded) until it is gone. */
const KILLER = [
  '( trap \'\' TERM; g="-$__runbook_step"; kill -TERM -- "$g"; i=0',
  `while kill -0 -- "$g" && [ "$i" -lt ${REMOTE_GRACE_TENTHS} ]; do sleep 0.1; i=$((i+1)); done`,
  'kill -KILL -- "$g"; i=0',
  'while kill -0 -- "$g" && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i+1)); done',
  `kill -0 -- "$g" || { [ -z "\${__runbook_lock:-}" ] || ${EMPTY}; } ) </dev/null`,
].join('; ');

function lockLines(lock: string): string[] {
  return [
    `__runbook_lock="\${TMPDIR:-/tmp}/runbook-step-${lock}.pgid"; __runbook_old=`,
    '{ IFS=" " read -r __runbook_old _ < "$__runbook_lock"; } 2>/dev/null',
    'if [ -n "$__runbook_old" ] && kill -0 -- "-$__runbook_old" 2>/dev/null; then',
    '  echo "runbook: an earlier copy of this step still runs here; waiting for it to end" >&2; __runbook_i=0',
    '  while kill -0 -- "-$__runbook_old" 2>/dev/null; do',
    `    [ "$__runbook_i" -lt ${LOCK_WAIT_S * 10} ] || { echo "runbook: an earlier copy of this step still runs here after ${LOCK_WAIT_S} s; nothing was started" >&2; exit 125; }`,
    '    sleep 0.1; __runbook_i=$((__runbook_i+1))',
    '  done',
    'fi',
  ];
}
