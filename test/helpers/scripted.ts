// The engine's test seam: an ExecutorSet that answers from a script, recording what it was asked to run.
// Used only where the subject is the engine itself (routing, gates, events), never to stand in for a database.
import type { Action, ExecContext, ExecutorSet, StepResult } from '../../src/executors/types.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { Run, type RunOptions } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import type { RunEvent } from '../../src/engine/events.js';

export type Script = Record<string, Partial<StepResult> | ((action: Action, ctx: ExecContext) => Promise<Partial<StepResult>>)>;

export function scriptedExecutors(script: Script, calls: { stepId: string; action: Action }[] = []): ExecutorSet {
  return {
    async execute(action, ctx) {
      calls.push({ stepId: ctx.stepId, action });
      const entry = script[ctx.stepId] ?? {};
      const partial = typeof entry === 'function' ? await entry(action, ctx) : entry;
      return { status: 'ok', durationMs: 1, ...partial };
    },
    async close() {},
  };
}

export function runbookFrom(yaml: string) {
  const { runbook, diagnostics } = parseRunbook(yaml, 'test.yaml');
  if (!runbook) throw new Error(diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`).join('\n'));
  return runbook;
}

export interface Harness { run: Run; events: RunEvent[]; calls: { stepId: string; action: Action }[]; path(): string[] }

export function harness(yaml: string, script: Script, opts: Partial<RunOptions> = {}): Harness {
  const calls: { stepId: string; action: Action }[] = [];
  const run = new Run({ runbook: runbookFrom(yaml), inputs: {}, redactor: new Redactor(), executors: scriptedExecutors(script, calls), ...opts });
  const events: RunEvent[] = [];
  run.on((e) => events.push(e));
  return {
    run, events, calls,
    path: () => events.filter((e) => e.type === 'step-started' || e.type === 'step-skipped').map((e) => (e as { stepId: string }).stepId)
      .filter((id, i, all) => all.indexOf(id) === i || all[i - 1] !== id),
  };
}
