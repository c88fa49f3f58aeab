// Test seam for the UI: a real Run over a tiny scripted ExecutorSet (the engine's own seam), runbooks parsed
// with the real parser, and a poll-until helper for frames that arrive asynchronously.
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import type { Action, ExecContext, ExecutorSet, StepResult } from '../../src/executors/types.js';
import { parseRunbook, type Runbook } from '../../src/language/runbook.js';
import { Run, type RunOptions } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { until } from '../helpers/poll.js';
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

/** Hang guard: a frame or a state the test waits for comes within ~100 ms on an idle machine. */
export const waitFor = <T>(probe: () => T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> =>
  until(probe, timeoutMs, what, 10);

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
export const plain = (s: string | undefined) => stripVTControlCharacters(s ?? '');

export interface Spawned { code: number | null; stdout: string; stderr: string }

/** The real CLI as a child process, stdin a pipe (not a TTY) fed with `input` then closed. */
export function runCli(args: string[], input = '', env: Record<string, string> = {}): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
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
