// Runs a step's bash script through zx. Values reach the script only on its stdin, read into shell variables
// by a prelude (shell-values.ts): the engine already replaced each `${{ }}` with a quoted "${RUNBOOK_V<n>}"
// reference, so neither the script text nor any command line holds a value. The script's environment is the
// engine's without credential variables (secrets/credential-env.ts), plus the step's own `env:`.
import { spawn, type SpawnOptions } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { $, quote, which, type Options, type ProcessOutput, type ProcessPromise } from 'zx/core';
import { BoundedOutput } from './bounded-output.js';
import { settlesWithin } from '../db/abort.js';
import { abortStatus, abortedResult, errorLine, failedResult } from './outcome.js';
import { discardingStore } from './zx-store.js';
import { sandboxed } from './sandbox.js';
import { shielded } from './shield.js';
import { readScratch } from './read-scratch.js';
import { holdLifeline, LIFELINE_STDIO, stepProcess, supervisedArgv } from './supervise.js';
import { HOST_TARGET, hostFingerprint } from './fingerprint.js';
import { endSession, signalTree } from './process-tree.js';
import { withValues } from './shell-values.js';
import { absolutePath } from './path-entries.js';
import { withParseLocale } from './parse-locale.js';
import { withoutBashStartup } from './bash-startup-env.js';
import { withoutSessionHandles } from '../common/session-env.js';
import { physicalPwd } from './physical-pwd.js';
import { inheritedEnv } from '../secrets/credential-env.js';
import { provenReadEnv } from './proven-env.js';
import { RemoteSessions, runRemote } from './remote-run.js';
import type { DirectCommand } from './remote.js';
import type { ExecContext, Executor, ShellAction, StepResult } from './types.js';

/** How long a stopped script may take to exit on SIGTERM before the tree gets SIGKILL, when the run is stopped
 *  (Ctrl-C, SIGTERM, the run closing): the whole process must be gone within 2 s, and this is most of that. */
export const STOP_GRACE_MS = 1000;
/** When the step's own time limit ran out: the grace is inside the limit's budget (10 % + 200 ms), so a script
 *  that ignores SIGTERM still ends within it. */
export const timeoutGraceMs = (limitMs: number): number => Math.max(1, Math.min(Math.round(limitMs * 0.1), 200));
/** After SIGKILL, stop waiting for a stray holder of our pipes (at most this, and never longer than the grace). */
const KILL_GRACE_MS = 300;

const BASH = which.sync('bash', { nothrow: true }) ?? '/bin/bash';

export interface ShellExecutor extends Executor<ShellAction> {
  /** Kills every script still running (crash paths: the engine normally aborts each step first). */
  close(): Promise<void>;
}

/** `withheld`: variables withheld from every script on top of each step's own (a called runbook's executors get
 *  the variables of every runbook up the call chain). */
export function createShellExecutor(withheld: readonly string[] = []): ShellExecutor {
  const running = new Set<() => Promise<void>>();
  // Copied once: reading process.env goes through a native lookup per variable, on every step. Its PATH without
  // relative entries, which would name the step's working directory (path-entries.ts); none at all is a fixed one.
  const baseEnv = { ...process.env };
  baseEnv.PATH = absolutePath(baseEnv.PATH);
  const host = hostFingerprint();
  const remotes = new RemoteSessions(baseEnv);
  return {
    execute: (action, ctx) => {
      if (withheld.length) action = { ...action, withheld: [...withheld, ...(action.withheld ?? [])] };
      if (action.remote) return runRemote({ ...action, remote: action.remote }, ctx, remotes, (a, c, direct) => runShell(a, c, running, baseEnv, direct));
      try {
        ctx.onTarget?.(HOST_TARGET, host);
        // A target whose `if` was false runs here: recorded as that target, so a resume that reaches it is refused.
        if (action.localFor !== undefined) ctx.onTarget?.(`target:${action.localFor}`, host);
      } catch (e) { return Promise.resolve(failedResult(ctx, Date.now(), 'other', e)); }
      return runShell(action, ctx, running, baseEnv);
    },
    close: async () => { await Promise.all([...running].map((kill) => kill())); remotes.close(); },
  };
}

async function runShell(
  action: ShellAction, ctx: ExecContext, running: Set<() => Promise<void>>, baseEnv: NodeJS.ProcessEnv, direct?: DirectCommand,
): Promise<StepResult> {
  const startedAt = Date.now();
  if (ctx.signal.aborted) return abortedResult(ctx, startedAt);
  const scratch = action.proven && !action.sandbox && !direct ? readScratch() : undefined;
  try {
    return await runIn(scratch ? { ...action, env: { ...action.env, ...scratch.env } } : action, ctx, running, baseEnv, startedAt, direct, scratch?.dir);
  } finally {
    scratch?.remove(); // after the step's session is ended (endLeftovers): nothing of it writes there any more
  }
}

async function runIn(
  action: ShellAction, ctx: ExecContext, running: Set<() => Promise<void>>, baseEnv: NodeJS.ProcessEnv, startedAt: number, direct?: DirectCommand, scratchDir?: string,
): Promise<StepResult> {
  const out = { stdout: new BoundedOutput(), stderr: new BoundedOutput() };
  let p: ProcessPromise;
  try {
    p = start(action, ctx, out, baseEnv, direct, scratchDir);
  } catch (e) {
    return { status: 'failed', durationMs: Date.now() - startedAt, classification: 'other', error: errorLine(e, ctx.mask) };
  }
  holdLifeline(p.child);
  // The step ends when its script does: what it left running (a `cmd &` it did not wait for) would hold the
  // output pipes open, and the step with them, until its timeout. Ended LEFTOVER_GRACE_MS after the exit.
  let leftovers: NodeJS.Timeout | undefined;
  const leader = direct ? undefined : p.child?.pid;
  if (leader !== undefined) p.child?.once('exit', () => { leftovers = setTimeout(() => endLeftovers(leader, out.stderr, ctx), LEFTOVER_GRACE_MS); });
  const settled = p.then(() => true, () => true);
  let closed = false;
  const kill = (): Promise<void> => { closed = true; return terminate(p, settled, STOP_GRACE_MS); };
  const onAbort = (): void => void terminate(p, settled, graceFor(ctx));
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  running.add(kill);
  // After the listener: a stop raised while the process is recorded reaches it; and if recording it fails (a
  // transcript that cannot be written), the process is stopped before the error goes up, not left unwatched.
  try {
    if (p.pid !== undefined) ctx.onProcess?.(stepProcess(p.pid));
  } catch (e) {
    if (!ctx.signal.aborted) void terminate(p, settled, STOP_GRACE_MS);
    await settled;
    running.delete(kill);
    ctx.signal.removeEventListener('abort', onAbort);
    throw e;
  }
  let output: ProcessOutput;
  try {
    output = await p;
  } finally {
    clearTimeout(leftovers);
    ctx.signal.removeEventListener('abort', onAbort);
    running.delete(kill);
  }
  if (leader !== undefined) endLeftovers(leader, out.stderr, ctx);
  const result = toResult(output, out, ctx, startedAt);
  // A script that exited 0 did what it does, whatever the run was told meanwhile: recorded as it happened.
  if (!closed || ctx.signal.aborted || result.status === 'ok') return result;
  const { classification: _unused, ...rest } = result;
  return { ...rest, status: 'aborted', error: 'the run closed while the step ran' };
}

function start(
  action: ShellAction, ctx: ExecContext, out: Record<'stdout' | 'stderr', BoundedOutput>, baseEnv: NodeJS.ProcessEnv, direct?: DirectCommand, scratchDir?: string,
): ProcessPromise {
  const { script, stdin } = direct ? { script: '', stdin: undefined } : withValues(action.script, action.values);
  // A direct command's stdin: a stream that never ends by itself (zx ends a Buffer input after writing it).
  // It runs instead of the script (remote.ts: a remote step's ssh client), without the supervisor: see below.
  const held = direct ? new PassThrough() : undefined;
  held?.write(direct!.input);
  // Every option zx would otherwise take from ZX_* variables or shared $ state is set here.
  const options: Partial<Options> = {
    shell: BASH, prefix: '', postfix: '', quote,
    cwd: action.cwd ?? process.cwd(),
    // SHLVL ≥ 1: bash sources ~/.bashrc when its stdin is a socket (Node's pipes are) at shell level 1.
    // A proven read: only the reviewed part of the operator's environment (proven-env.ts). No step: the session's
    // handles (a tmux server, a display), which a resume lets differ (common/session-env.ts).
    env: { ...provenOnly(action, withoutSessionHandles(inheritedEnv(baseEnv, action.withheld ?? []))), ...action.env, SHLVL: String(Math.max(1, Number(baseEnv.SHLVL) || 0)) },
    // A step never waits on a terminal: stdin is /dev/null, or the values' pipe that the prelude swaps for it;
    // fd 3 is the supervisor's lifeline (a direct command has none).
    stdio: [stdin || held ? 'pipe' : 'ignore', 'pipe', 'pipe', ...(direct ? [] : ['pipe' as const])],
    ...(held ? { input: held } : stdin ? { input: stdin } : {}),
    quiet: true, verbose: false, nothrow: true, preferLocal: false,
    detached: true, // own process group, led by the supervisor: one kill reaches background jobs too
    timeout: 0, killSignal: 'SIGTERM', timeoutSignal: 'SIGTERM',
    store: discardingStore({ stdout: forward('stdout', out.stdout, ctx), stderr: forward('stderr', out.stderr, ctx) }),
  };
  // The character set bash reads the script in is one the lint reads it in (parse-locale.ts), and nothing of the
  // operator's environment makes bash run other code than the script (bash-startup-env.ts).
  options.env = withParseLocale(withoutBashStartup(options.env!));
  // The directory as the engine reads it (physically, as a resume compares it): bash keeps an inherited PWD that
  // names the same directory by another path, and `cd ..` then followed the link (a probe of stop 70: a resume
  // from a symlinked path acted in another directory than the run it continued). No OLDPWD either.
  options.env = physicalPwd(options.env, options.cwd!);
  // zx formats a stack trace on every call to name its caller in its own error messages, which are never
  // shown here; with no frames to format that costs nothing.
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // errexit + pipefail (as CI runners do): a failing command, even mid-pipe (`df | tail`), fails the step
    // instead of letting a later command's exit status hide it; a destructive script stops at its first failure.
    // A direct command (an SSH step's client) needs no supervisor here: it leads its group itself, and the
    // engine's death already reaches the step there. The client's stdin is a pipe only the engine holds: when
    // the engine dies, the channel's stdin ends and the wrapper's watcher there ends the step's group, and a
    // wrapper that starts after that starts nothing (remote-wrapper.ts). A bash supervisor would only add a
    // process start and two forks to every remote step (#30).
    const argv = direct ? direct.argv : [BASH, '-e', '-o', 'pipefail', '-c', script, 'runbook'];
    const inner = action.sandbox ? sandboxed(argv, options.cwd!, action.sandbox === 'network') : action.proven ? shielded(argv, options.cwd!, scratchDir) ?? argv : argv;
    const supervised = direct ? argv : supervisedArgv(BASH, inner);
    // zx runs the step, and the pid it kills leads the step's process group: the supervisor itself, spawned
    // from its argv (the command text zx is given says the same, for its own messages only).
    options.spawn = spawnArgv(supervised);
    const p = $(options)`exec ${supervised}`;
    if (held) void p.then(() => held.end(), () => held.end()); // ended with the process, not before
    return p;
  } finally {
    Error.stackTraceLimit = frames;
  }
}

/** `env` as the step sees it: a proven read (dry run's sandbox included) only what proven-env.ts allows. Not a
 *  target's client (an SSH step's, with its agent socket and config; kubectl's, docker's): it gets the environment
 *  its target was identified with, or it would reach another daemon or cluster; the command runs there. */
const provenOnly = (action: ShellAction, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv =>
  !action.client && (action.proven || action.sandbox) ? provenReadEnv(env) : env;

/** What zx spawns for a step: the argv itself, not zx's `bash -c 'exec …'` of it (one process a step less: #32),
 *  with the options zx built (stdio, env, cwd, detached, its abort signal). And the values' pipe: a script that
 *  exits before reading them must not turn into an EPIPE crash here. */
function spawnArgv(argv: string[]): typeof spawn {
  return ((_cmd: string, _args: unknown, opts: SpawnOptions) => {
    // env: the options' own (inheritedEnv above), as zx would have passed it to its shell.
    const child = spawn(argv[0]!, argv.slice(1), { ...opts, env: opts.env, shell: false });
    child.stdin?.on('error', () => undefined);
    return child;
  }) as unknown as typeof spawn;
}

const LEFTOVERS = 'runbook: the step left processes running in its session; they were ended (SIGKILL) with the step\n';

/** How long a step's output may still come after its script exited (what is in the pipes is read anyway). */
const LEFTOVER_GRACE_MS = 500;

/** What the step left running ends with it, and the step's output says so: nothing of a finished step acts
 *  later, unseen. The step runs in a session of its own (spawned detached: setsid), which its processes keep
 *  through setpgid: `timeout -s KILL 1 timeout 300 sleep N` left sleep in a group of its own, orphaned, which a
 *  look at the step's group alone missed. (setsid itself is outside the proven subset: not unwrapped, and the
 *  dry run's filter refuses it.) A /proc scan at each step's end, a few ms. */
function endLeftovers(sid: number, stderr: BoundedOutput, ctx: ExecContext): void {
  if (!endSession(sid)) return;
  stderr.push(Buffer.from(LEFTOVERS));
  try { ctx.onOutput('stderr', LEFTOVERS); } catch { /* a failing listener must not take the step down */ }
}

function forward(stream: 'stdout' | 'stderr', keep: BoundedOutput, ctx: ExecContext): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8'); // chunks may split a multi-byte character
  return (chunk) => {
    keep.push(chunk);
    const text = decoder.write(chunk);
    try {
      // Unmasked: the engine masks the stream as a whole (secrets/stream-masker.ts). Masking each chunk here too
      // cost a second pass, and masked a dump's hex in one chunk while its text column came in the next.
      if (text) ctx.onOutput(stream, text);
    } catch {
      // A failing listener must not take the step (or the process) down; the output is still kept.
    }
  };
}

/** The step timed out: a grace inside the limit's budget; stopped for any other reason: the stop grace. */
function graceFor(ctx: ExecContext): number {
  return abortStatus(ctx.signal) === 'timeout' && ctx.limitMs !== undefined ? timeoutGraceMs(ctx.limitMs) : STOP_GRACE_MS;
}

/** SIGTERM to the whole tree (the group and every descendant: process-tree.ts), then, after graceMs, SIGKILL. */
async function terminate(p: ProcessPromise, settled: Promise<unknown>, graceMs: number): Promise<void> {
  killTree(p, 'SIGTERM');
  if (await settlesWithin(settled, graceMs)) return;
  killTree(p, 'SIGKILL');
  if (await settlesWithin(settled, Math.min(graceMs, KILL_GRACE_MS))) return;
  // Something outside our group still holds the pipes open; stop waiting for it.
  p.stdout?.destroy();
  p.stderr?.destroy();
}

function killTree(p: ProcessPromise, signal: NodeJS.Signals): void {
  const pid = p.child?.pid;
  if (pid !== undefined) signalTree(pid, signal);
}

function toResult(
  output: ProcessOutput, out: Record<'stdout' | 'stderr', BoundedOutput>, ctx: ExecContext, startedAt: number,
): StepResult {
  // The real output: later steps read it (a secret a step fetched is still usable); every display masks it.
  const fields = {
    exitCode: output.exitCode,
    signal: output.signal,
    stdout: out.stdout.text(),
    stderr: out.stderr.text(),
    outputBytes: out.stdout.bytes + out.stderr.bytes,
  };
  // Stopped (or timed out) while it ran: what the process says decides. A script that shielded its critical
  // section (`trap '' TERM`) and exited 0 finished; anything else was cut short and may have partly run.
  if (ctx.signal.aborted && !(output.exitCode === 0 && !output.signal && !output.cause)) return abortedResult(ctx, startedAt, fields);
  const durationMs = Date.now() - startedAt;
  if (output.exitCode === 0) return { status: 'ok', durationMs, ...fields };
  return { status: 'failed', durationMs, classification: 'other', error: failure(output, fields.stderr, ctx), ...fields };
}

/** "exit code 2: <last stderr line>", or why the script never ran. */
function failure(output: ProcessOutput, stderr: string, ctx: ExecContext): string {
  if (output.cause) return errorLine(output.cause, ctx.mask);
  const how = output.exitCode === null ? `killed by ${output.signal ?? 'a signal'}` : `exit code ${output.exitCode}`;
  const cutOff = output.exitCode === SIGPIPE_EXIT || output.signal === 'SIGPIPE';
  const last = stderr.trimEnd().split('\n').pop()?.trim() || (cutOff ? SIGPIPE_HINT : '');
  return errorLine(last ? `${how}: ${last}` : how, ctx.mask);
}

// 128 + SIGPIPE (or the script itself killed by it): under pipefail, `journalctl | head -1` fails when journalctl is cut off mid-write. The bare
// number says nothing to an operator at 3 a.m., so the failure names the cause and the way out.
const SIGPIPE_EXIT = 141;
const SIGPIPE_HINT = 'a command in a pipe was cut off by its reader (SIGPIPE, as in `cmd | head`); '
  + 'pipefail counts that as failure: end the pipe with `|| true` or start the script with `set +o pipefail`';

