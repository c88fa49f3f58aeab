// A run of SQL read steps through the real engine (Run, executors), each step going on to the next whatever
// it did, so that every step runs; an optional destructive first step (approved) sets something up.
import assert from 'node:assert/strict';
import { createExecutors } from '../../src/executors/index.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { Run } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { StepResult } from '../../src/executors/types.js';

/** `manual`: a step done by hand instead (its text), answered 'done' by the run's driver. */
export interface Step { query: string; params: string[]; vouched?: boolean; manual?: string }

export const setSql = ([name, value]: [string, string]): string => `SET ${name} = ${value.includes(',') ? value : `'${value}'`}`;

function runbookYaml(url: string, steps: Step[], first?: string): string {
  const lines = ['name: reads', 'title: Reads', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:'];
  if (first) lines.push('  - id: set', '    destructive: true', `    sql: { query: ${JSON.stringify(first)} }`);
  steps.forEach((s, i) => {
    const next = i + 1 < steps.length ? `s${i + 1}` : 'done';
    if (s.manual !== undefined) { lines.push(`  - id: s${i}`, `    manual: ${JSON.stringify(s.manual)}`, `    next: ${next}`); return; }
    lines.push(`  - id: s${i}`, ...(s.vouched ? ['    destructive: false', '    safe_because: the test vouches for it'] : []), `    sql: { query: ${JSON.stringify(s.query)}, params: ${JSON.stringify(s.params)} }`,
      `    on: { error: ${next} }`);
  });
  lines.push('  - id: done', '    end: resolved', '');
  return lines.join('\n');
}

/**
 * `pastValidate`: each step's text is swapped in after validate passed a harmless stand-in, as for SQL validate
 * does not know to refuse (a built-in a later major adds): what the run's own checks do on their own.
 */
export async function runSteps(url: string, steps: Step[], dryRun: boolean, first?: string, pastValidate = false): Promise<RunEvent[]> {
  const written = pastValidate ? steps.map((s) => ({ ...s, query: 'SELECT 1 AS stand_in' })) : steps;
  const { runbook, diagnostics } = parseRunbook(runbookYaml(url, written, first), 'reads.yaml');
  assert.ok(runbook, diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
  if (pastValidate) {
    const offset = first ? 1 : 0;
    steps.forEach((s, i) => { (runbook.doc.steps[i + offset]!.sql as { query: string }).query = s.query; });
  }
  const executors = createExecutors();
  const run = new Run({ runbook, inputs: {}, redactor: new Redactor(), executors, dryRun });
  const events: RunEvent[] = [];
  run.on((e) => {
    events.push(e);
    if (e.type === 'confirmation-requested') queueMicrotask(() => run.confirm(e.stepId, 'yes'));
    if (e.type === 'question-asked') queueMicrotask(() => run.answer(e.questionId, 'done'));
  });
  try { await run.start(); } finally { await executors.close(); }
  return events;
}

/** The result step `id` finished with (asserting it finished). */
export function stepResult(events: RunEvent[], id: string): StepResult {
  const f = events.find((e) => e.type === 'step-finished' && e.stepId === id);
  assert.ok(f?.type === 'step-finished', `${id} finished`);
  return f.result;
}
