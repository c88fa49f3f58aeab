// Test seam for the UI: a real Run over a tiny scripted ExecutorSet (the engine's own seam), runbooks parsed
// with the real parser, and a poll-until helper for frames that arrive asynchronously.
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import type { Action, ExecContext, ExecutorSet, StepResult } from '../../src/executors/types.js';
import { parseRunbook, type Runbook } from '../../src/language/runbook.js';
import { Run, type RunOptions } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { settles, until } from '../helpers/poll.js';
import type { RunEvent } from '../../src/engine/events.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'runbook.js');
export const FIXTURES = join(ROOT, 'test', 'ui', 'fixtures');

export type Script = Record<string, Partial<StepResult> | ((action: Action, ctx: ExecContext) => Promise<Partial<StepResult>>)>;

export function runbookFrom(yaml: string): Runbook {
  const { runbook, diagnostics } = parseRunbook(yaml, 'test.yaml');
  if (!runbook) throw new Error(diagnostics.map((d) => d.message).join('\n'));
  return runbook;
}

export interface TestRun { run: Run; runbook: Runbook; events: RunEvent[]; executed: string[] }

export function testRun(yaml: string, script: Script = {}, opts: Partial<RunOptions> = {}): TestRun {
  const runbook = runbookFrom(yaml);
  const executed: string[] = [];
  const executors: ExecutorSet = {
    async execute(action, ctx) {
      executed.push(ctx.stepId);
      const entry = script[ctx.stepId] ?? {};
      const partial = typeof entry === 'function' ? await entry(action, ctx) : entry;
      return { status: 'ok', durationMs: 5, ...partial };
    },
    async close() {},
  };
  const run = new Run({ runbook, inputs: {}, redactor: new Redactor(), executors, operator: 'alice', ...opts });
  const events: RunEvent[] = [];
  run.on((e) => events.push(e));
  return { run, runbook, events, executed };
}

/** Hang guard: a frame or a state of an in-process run comes within ~100 ms on an idle machine. Waits that
 *  include starting the CLI (~0.5 s idle, many times that under load) pass a longer limit (CLI_START_MS). */
export const waitFor = <T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> =>
  until(probe, timeoutMs, what, 10);

/** Hang guard for a wait that includes the CLI starting (and its first frame or line): ≥ 60× idle (issue #20). */
export const CLI_START_MS = 60_000;

/** Hang guard for a whole CLI run in these tests (~1-2 s idle, start-up included): ≥ 60× idle. */
export const CLI_RUN_MS = 120_000;

/** The end of an in-process run, with a hang guard: once the test has given the last answer a run ends within
 *  ~10 ms on an idle machine (≥ 1000× here). A dropped key or a step that never ends fails the test, named,
 *  instead of hanging the file until the runner's 300 s timeout. */
export const ends = <T>(finished: Promise<T>, what = 'the run to end'): Promise<T> => settles(finished, 20_000, what);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Types `text` until `shown` holds. A key written before the input's handler is attached (React runs effects
 * after the frame that shows the input, later on a loaded machine) is lost; it is typed again only while
 * `received` says none of it arrived, so nothing is typed twice.
 */
export async function typeUntil(stdin: { write(s: string): unknown }, text: string, shown: () => boolean, received: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  stdin.write(text);
  let last = Date.now();
  await until(() => {
    if (shown()) return true;
    if (Date.now() - last > 1000 && !received()) { stdin.write(text); last = Date.now(); }
    return false;
  }, timeoutMs, what);
}
export const plain = (s: string | undefined) => stripVTControlCharacters(s ?? '');

export interface Spawned { code: number | null; stdout: string; stderr: string }

/** The real CLI as a child process, stdin a pipe (not a TTY) fed with `input` then closed. A run that does not
 *  exit within CLI_RUN_MS (a hang guard) is killed and the test fails with what it printed. */
export function runCli(args: string[], input = '', env: Record<string, string> = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const guard = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${CLI_RUN_MS} ms waiting for runbook ${args.join(' ')} to exit; it printed:\n${stdout}${stderr}`));
    }, CLI_RUN_MS);
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => { clearTimeout(guard); reject(e); });
    child.on('close', (code) => { clearTimeout(guard); resolve({ code, stdout, stderr }); });
    child.stdin.end(input);
  });
}

/** Watches a spawned child from now on; the function it returns awaits the exit code with runCli's hang guard
 *  (the guard starts when it is called, and the child is killed if it never exits). */
export function exitOf(child: ChildProcess): (what: string) => Promise<number | null> {
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  return (what) => settles(closed, CLI_RUN_MS, what).catch((e: Error) => { child.kill('SIGKILL'); throw e; });
}

/** What the manual and prompt executors do: ask, unless the step is aborted first. */
export function ask(action: Action, ctx: ExecContext): Promise<Partial<StepResult>> {
  return new Promise((resolve) => {
    const onAbort = () => resolve({ status: 'aborted' });
    if (ctx.signal.aborted) return onAbort();
    ctx.signal.addEventListener('abort', onAbort, { once: true });
    void ctx.ask({ stepId: ctx.stepId, action: action as never }).then((value) => resolve({ value }));
  });
}
