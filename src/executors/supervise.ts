// A step's process tree dies with the engine, however the engine dies (kill -9, OOM, a crash).
//
// A step runs in a process group of its own (started detached), so Ctrl-C at the terminal and the engine's own
// kill reach every process of it. That also means nothing takes it down when the engine vanishes: a killed
// engine used to leave the step running beside the resumed copy. PR_SET_PDEATHSIG (setpriv --pdeathsig) would
// only reach the one direct child, not the script's own children, and fires on the exit of the parent *thread*.
//
// So the group's leader is a small bash supervisor. Its fd 3 is a pipe whose other end only the engine holds
// (Node opens it close-on-exec: no other child inherits it). The supervisor hands it to a watcher in the group
// and starts the step's command without it. When the engine dies, the kernel closes its end, the watcher reads
// EOF and SIGKILLs the whole group (`kill 0`). (Not stdin: Node's pipes are sockets, and bash reads ~/.bashrc
// when its stdin is a socket, taking it for an ssh session.) While the engine lives, the supervisor waits for the
// command and exits as it did: same status, or the same signal.
//
// Not for a remote step's ssh client (shell.ts): there the engine's death ends the step through the channel.
//
// The watcher ends the step's session first (pkill -s, where procps is installed): a process that left the group
// (setpgid: an inner `timeout`) stays in the session. What escapes: a process that leaves the session on purpose
// (setsid, a daemon), which the proven subset cannot start; resume checks the group only.
import { readFileSync } from 'node:fs';

/** The signals whose default ends or stops a process and that can be ignored (not CHLD: the watcher waits for pkill). */
const UNTIL_KILLED = 'HUP INT QUIT ILL TRAP ABRT BUS FPE USR1 SEGV USR2 PIPE ALRM TERM STKFLT XCPU XFSZ VTALRM PROF IO PWR SYS TSTP TTIN TTOU {34..64}';

const SUPERVISOR = [
  // First, before the step starts: a stop that lands earlier kills only this shell, when nothing of the step ran
  // yet. Set any later, the engine's SIGTERM could kill the supervisor after the step had started, and the step
  // was reported as dying of that SIGTERM even when it ignored it and only the SIGKILL ended it.
  'trap : TERM INT HUP QUIT',                           // the engine's kill reaches the group; wait for the step
  // No core files, from the step or from this shell's own end by its signal below: a crash wrote one into the
  // step's directory (over a file named core), dry run too, with the step's environment in it (a probe of stop 72).
  'ulimit -c 0 2>/dev/null',
  // Only 0, 1, 2 (and the lifeline) go on: a descriptor the operator's shell left open to the engine (`exec
  // 200>>audit.log; flock 200; runbook run …`) reached every step, the dry run's sandbox too, and `tee /dev/fd/200`
  // truncated the file through it (a probe of stop 73). Node passes on what it inherited without close-on-exec.
  // (No redirection on the loop: bash would save stderr to a descriptor above 9 for it, which the loop closes.)
  'for fd in /proc/$$/fd/*; do fd=${fd##*/}; case $fd in *[!0-9]*|""|[0-3]) ;; *) eval "exec $fd>&-";; esac; done',
  '"$@" <&0 3<&- & child=$!',  // fd 3: the lifeline, not the step's; stdin (the values) kept: a background job would get /dev/null
  // The session first (pkill -s: the supervisor's pid is the session's id): what left the group stayed in it.
  // Deaf to every signal it can ignore: the step shares its group (the dry run's sandbox too), and `trap '' TERM;
  // kill -TERM 0` would otherwise end the lifeline and leave the step to outlive the engine.
  `{ trap '' ${UNTIL_KILLED}; while read -r -u 3 _; do :; done; pkill -KILL -s "$$"; kill -KILL 0; } >/dev/null 2>&1 & watcher=$!`,
  'exec 3<&-',
  'while :; do wait "$child"; status=$?; if [ "$status" -gt 128 ] && kill -0 "$child" 2>/dev/null; then continue; fi; break; done',
  // Reaped here (its "Killed" notice goes to /dev/null): whatever is left in the group after this is the step's.
  'kill -KILL "$watcher" 2>/dev/null; until wait "$watcher" 2>/dev/null; [ $? -le 128 ] || ! kill -0 "$watcher" 2>/dev/null; do :; done',
  // Died of a signal (or exited 129-159, which bash cannot tell apart): end the same way.
  'if [ "$status" -gt 128 ] && [ "$status" -lt 160 ]; then trap - TERM INT HUP QUIT; kill -n "$((status - 128))" $$; fi',
  'exit "$status"',
].join('\n');

/** The command vector that runs `argv` under the supervisor. Spawn it detached (its own process group, which
 *  it leads) with LIFELINE_STDIO: fd 3 a pipe the engine holds open and never writes. */
export const LIFELINE_STDIO = ['ignore', 'pipe', 'pipe', 'pipe'] as const;

/** After spawning: read the lifeline's engine end, so that its close (when the group is done) is noticed and
 *  the child's 'close' event, which waits for every pipe, fires. */
export function holdLifeline(child: { stdio: readonly (unknown)[] } | undefined): void {
  const end = child?.stdio[3] as { resume?: () => void; on?: (e: string, f: () => void) => void } | undefined;
  end?.on?.('error', () => undefined); // the group went away first: nothing to report
  end?.resume?.();
}

export function supervisedArgv(bash: string, argv: string[]): string[] {
  return [bash, '-c', SUPERVISOR, 'runbook-step', ...argv];
}

/** What identifies a step's process group later, for `resume` to tell whether any of it still runs. */
export interface StepProcess {
  pid: number;
  pgid: number;            // = pid: the supervisor leads the group
  bootId?: string;         // a group id means nothing after a reboot
  startTicks?: number;     // the leader's start time (clock ticks since boot): a later process reusing the id is not ours
}

export function stepProcess(pid: number): StepProcess {
  const stat = procStat(pid);
  const bootId = readBootId();
  return { pid, pgid: pid, ...(bootId ? { bootId } : {}), ...(stat ? { startTicks: stat.startTicks } : {}) };
}

/** `sid`: the session (field 6), which a process keeps through setpgid: what a step started stays in its session. */
export interface ProcStat { pid: number; comm: string; state: string; ppid: number; pgid: number; sid: number; startTicks: number }

/** /proc/<pid>/stat, parsed (the command name may hold spaces and parentheses). undefined if gone. */
export function procStat(pid: number | string): ProcStat | undefined {
  let text: string;
  try { text = readFileSync(`/proc/${pid}/stat`, 'utf8'); } catch { return undefined; }
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).split(' '); // fields[0] is field 3 (state)
  const pgid = Number(fields[2]);
  const startTicks = Number(fields[19]);
  if (!Number.isFinite(pgid) || !Number.isFinite(startTicks)) return undefined;
  return { pid: Number(pid), comm: text.slice(text.indexOf('(') + 1, close), state: fields[0] ?? '', ppid: Number(fields[1]), pgid, sid: Number(fields[3]), startTicks };
}

export function readBootId(): string | undefined {
  try { return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || undefined; } catch { return undefined; }
}
