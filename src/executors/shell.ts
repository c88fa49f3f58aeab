// Runs a step's bash script through zx. Values reach the script only on its stdin, read into shell variables
// by a prelude (shell-values.ts): the engine already replaced each `${{ }}` with a quoted "${RUNBOOK_V<n>}"
// reference, so neither the script text nor any command line holds a value. The script's environment is the
// engine's without credential variables (secrets/credential-env.ts), plus the step's own `env:`.
import { spawn, type ChildProcess } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { $, quote, which, type Options, type ProcessOutput, type ProcessPromise } from 'zx/core';
import { BoundedOutput } from './bounded-output.js';
import { settlesWithin } from '../db/abort.js';
import { abortedResult, errorLine, failedResult } from './outcome.js';
import { discardingStore } from './zx-store.js';
import { sandboxed } from './sandbox.js';
import { holdLifeline, LIFELINE_STDIO, stepProcess, supervisedArgv } from './supervise.js';
import { HOST_TARGET, hostFingerprint } from './fingerprint.js';
import { signalTree } from './process-tree.js';
import { withValues } from './shell-values.js';
import { inheritedEnv } from '../secrets/credential-env.js';
import { RemoteSessions, runRemote } from './remote-run.js';
import type { ExecContext, Executor, ShellAction, StepResult } from './types.js';

/** How long a killed script may take to exit on SIGTERM before the tree gets SIGKILL. */
const TERM_GRACE_MS = 2000;
/** After SIGKILL, stop waiting for a stray holder of our pipes. */
const KILL_GRACE_MS = 1000;

const BASH = which.sync('bash', { nothrow: true }) ?? '/bin/bash';

export interface ShellExecutor extends Executor<ShellAction> {
  /** Kills every script still running (crash paths: the engine normally aborts each step first). */
  close(): Promise<void>;
}

export function createShellExecutor(): ShellExecutor {
  const running = new Set<() => Promise<void>>();
  // Copied once: reading process.env goes through a native lookup per variable, on every step.
  const baseEnv = { ...process.env };
  const host = hostFingerprint();
  const remotes = new RemoteSessions();
  return {
    execute: (action, ctx) => {
      if (action.remote) return runRemote({ ...action, remote: action.remote }, ctx, remotes, (a) => runShell(a, ctx, running, baseEnv));
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
  action: ShellAction, ctx: ExecContext, running: Set<() => Promise<void>>, baseEnv: NodeJS.ProcessEnv,
): Promise<StepResult> {
  const startedAt = Date.now();
  if (ctx.signal.aborted) return abortedResult(ctx, startedAt);
  const out = { stdout: new BoundedOutput(), stderr: new BoundedOutput() };
  let p: ProcessPromise;
  try {
    p = start(action, ctx, out, baseEnv);
  } catch (e) {
    return { status: 'failed', durationMs: Date.now() - startedAt, classification: 'other', error: errorLine(e, ctx.mask) };
  }
  holdLifeline(p.child);
  if (p.pid !== undefined) ctx.onProcess?.(stepProcess(p.pid));
  const settled = p.then(() => true, () => true);
  let closed = false;
  const kill = (): Promise<void> => { closed = true; return terminate(p, settled); };
  const onAbort = (): void => void terminate(p, settled);
  ctx.signal.addEventListener('abort', onAbort, { once: true });
  running.add(kill);
  let output: ProcessOutput;
  try {
    output = await p;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    running.delete(kill);
  }
  const result = toResult(output, out, ctx, startedAt);
  if (!closed || ctx.signal.aborted) return result;
  const { classification: _unused, ...rest } = result;
  return { ...rest, status: 'aborted', error: 'the run closed while the step ran' };
}

function start(
  action: ShellAction, ctx: ExecContext, out: Record<'stdout' | 'stderr', BoundedOutput>, baseEnv: NodeJS.ProcessEnv,
): ProcessPromise {
  const { script, stdin } = withValues(action.script, action.values);
  // Every option zx would otherwise take from ZX_* variables or shared $ state is set here.
  const options: Partial<Options> = {
    shell: BASH, prefix: '', postfix: '', quote,
    spawn: spawnQuietStdin,
    cwd: action.cwd ?? process.cwd(),
    // SHLVL ≥ 1: bash sources ~/.bashrc when its stdin is a socket (Node's pipes are) at shell level 1.
    env: { ...inheritedEnv(baseEnv, action.withheld ?? []), ...action.env, SHLVL: String(Math.max(1, Number(baseEnv.SHLVL) || 0)) },
    // A step never waits on a terminal: stdin is /dev/null, or the values' pipe that the prelude swaps for it;
    // fd 3 is the supervisor's lifeline.
    stdio: [stdin ? 'pipe' : 'ignore', 'pipe', 'pipe', 'pipe'],
    ...(stdin ? { input: stdin } : {}),
    quiet: true, verbose: false, nothrow: true, preferLocal: false,
    detached: true, // own process group, led by the supervisor: one kill reaches background jobs too
    timeout: 0, killSignal: 'SIGTERM', timeoutSignal: 'SIGTERM',
    store: discardingStore({ stdout: forward('stdout', out.stdout, ctx), stderr: forward('stderr', out.stderr, ctx) }),
  };
  // exec: the supervisor replaces the wrapper, so the pid zx kills leads the step's process group.
  // zx formats a stack trace on every call to name its caller in its own error messages, which are never
  // shown here; with no frames to format that costs nothing.
  const frames = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    // errexit + pipefail (as CI runners do): a failing command, even mid-pipe (`df | tail`), fails the step
    // instead of letting a later command's exit status hide it; a destructive script stops at its first failure.
    const argv = [BASH, '-e', '-o', 'pipefail', '-c', script, 'runbook'];
    return $(options)`exec ${supervisedArgv(BASH, action.sandbox ? sandboxed(argv, options.cwd!) : argv)}`;
  } finally {
    Error.stackTraceLimit = frames;
  }
}

/** The values' pipe: a script that exits before reading them must not turn into an EPIPE crash here. */
const spawnQuietStdin = ((...args: unknown[]) => {
  const child = (spawn as unknown as (...a: unknown[]) => ChildProcess)(...args);
  child.stdin?.on('error', () => undefined);
  return child;
}) as typeof spawn;

function forward(stream: 'stdout' | 'stderr', keep: BoundedOutput, ctx: ExecContext): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8'); // chunks may split a multi-byte character
  return (chunk) => {
    keep.push(chunk);
    const text = decoder.write(chunk);
    try {
      if (text) ctx.onOutput(stream, ctx.mask(text));
    } catch {
      // A failing listener must not take the step (or the process) down; the output is still kept.
    }
  };
}

/** SIGTERM to the whole tree (the group and every descendant: process-tree.ts), then SIGKILL. */
async function terminate(p: ProcessPromise, settled: Promise<unknown>): Promise<void> {
  killTree(p, 'SIGTERM');
  if (await settlesWithin(settled, TERM_GRACE_MS)) return;
  killTree(p, 'SIGKILL');
  if (await settlesWithin(settled, KILL_GRACE_MS)) return;
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
  if (ctx.signal.aborted) return abortedResult(ctx, startedAt, fields);
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
