// The reducer: RunEvents in, view model out, no ink involved.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../src/engine/events.js';
import { currentStep, initialViewModel, MAX_OUTPUT_LINES, reduce, stepOutput, tableStep, type ViewModel } from '../../src/ui/view-model.js';
import { ends, testRun, runbookFrom } from './helpers.js';

const DOC = runbookFrom(`
name: vm
title: View model
steps:
  - id: check
    title: Check usage
    description: Counts the sessions.
    sql: { query: select 1 }
  - id: kill
    destructive: true
    shell: echo kill
  - id: done
    end: resolved
connections:
  db: { url: 'postgres://u@h/d' }
`).doc;

const started: RunEvent = { type: 'run-started', runId: 'r1', runbook: { name: 'vm', title: 'View model', file: 'vm.yaml', sha256: 'x' }, inputs: {}, target: 'postgres://u:****@h/d', dryRun: false };
const fold = (events: RunEvent[], vm: ViewModel = initialViewModel(DOC), t0 = 1000) => events.reduce((acc, e, i) => reduce(acc, e, t0 + i * 100), vm);
const step = (vm: ViewModel, id: string) => vm.steps.find((s) => s.id === id)!;

test('the plan lists every step as pending, with titles and descriptions', () => {
  const vm = initialViewModel(DOC);
  assert.deepEqual(vm.steps.map((s) => [s.id, s.state, s.kind]), [['check', 'pending', 'sql'], ['kill', 'pending', 'shell'], ['done', 'pending', 'end']]);
  assert.equal(step(vm, 'check').description, 'Counts the sessions.');
  assert.equal(step(vm, 'kill').destructive, true);
});

test('run-started fills the header; step-started makes the step current and running', () => {
  const vm = fold([started, { type: 'step-started', stepId: 'check', title: 'Check usage', kind: 'sql', attempt: 1, command: 'select 1', destructive: false }]);
  assert.equal(vm.title, 'View model');
  assert.equal(vm.target, 'postgres://u:****@h/d');
  assert.equal(vm.startedAt, 1000);
  assert.equal(vm.currentStepId, 'check');
  assert.equal(step(vm, 'check').state, 'running');
  assert.equal(step(vm, 'check').startedAt, 1100);
  assert.equal(step(vm, 'check').command, 'select 1');
});

test('output chunks become lines; a partial line waits for its newline or the end of the step', () => {
  let vm = fold([started, { type: 'step-started', stepId: 'check', title: 'c', kind: 'shell', attempt: 1, destructive: false }]);
  vm = reduce(vm, { type: 'step-output', stepId: 'check', stream: 'stdout', chunk: 'one\ntw' }, 0);
  assert.deepEqual(stepOutput(vm, 'check').map((l) => l.text), ['one']);
  vm = reduce(vm, { type: 'step-output', stepId: 'check', stream: 'stdout', chunk: 'o\r\nthree' }, 0);
  vm = reduce(vm, { type: 'step-output', stepId: 'check', stream: 'stderr', chunk: '\u001b[31mred\u001b[0m\n' }, 0);
  assert.deepEqual(stepOutput(vm, 'check').map((l) => `${l.stream}:${l.text}`), ['stdout:one', 'stdout:two', 'stderr:red']);
  vm = reduce(vm, { type: 'step-finished', stepId: 'check', attempt: 1, result: { status: 'ok', durationMs: 42 } }, 0);
  assert.deepEqual(stepOutput(vm, 'check').map((l) => l.text), ['one', 'two', 'red', 'three']);
  assert.equal(step(vm, 'check').state, 'ok');
  assert.equal(step(vm, 'check').durationMs, 42);
});

test('the output kept is bounded: only the last lines stay', () => {
  let vm = fold([started, { type: 'step-started', stepId: 'check', title: 'c', kind: 'shell', attempt: 1, destructive: false }]);
  const chunk = Array.from({ length: MAX_OUTPUT_LINES + 50 }, (_, i) => `line ${i}`).join('\n') + '\n';
  vm = reduce(vm, { type: 'step-output', stepId: 'check', stream: 'stdout', chunk }, 0);
  assert.equal(vm.output.length, MAX_OUTPUT_LINES);
  assert.equal(vm.output[0]!.text, 'line 50');
  assert.equal(vm.outputTotal, MAX_OUTPUT_LINES + 50);
});

test('a SQL result is available as the current step\'s table', () => {
  const vm = fold([started,
    { type: 'step-started', stepId: 'check', title: 'c', kind: 'sql', attempt: 1, destructive: false },
    { type: 'step-finished', stepId: 'check', attempt: 1, result: { status: 'ok', durationMs: 3, columns: ['pid'], rows: [{ pid: 1 }], rowCount: 1 } }]);
  assert.deepEqual(tableStep(vm)?.result?.rows, [{ pid: 1 }]);
});

test('a gate makes its step awaiting; the answer clears it and records how', () => {
  const gate: RunEvent = { type: 'confirmation-requested', stepId: 'kill', title: 'kill', command: 'echo kill', question: 'Run?', risk: 'normal', resumed: false };
  let vm = fold([started, gate]);
  assert.equal(vm.gate?.stepId, 'kill');
  assert.equal(vm.gateAt, 1100);
  assert.equal(step(vm, 'kill').state, 'awaiting');
  assert.equal(currentStep(vm)?.id, 'kill');
  vm = reduce(vm, { type: 'confirmation-answered', stepId: 'kill', answer: 'skip', by: 'alice', how: 'key', waitedMs: 5 }, 0);
  assert.equal(vm.gate, undefined);
  assert.deepEqual(step(vm, 'kill').confirmation, { answer: 'skip', how: 'key', by: 'alice' });
  vm = reduce(vm, { type: 'step-skipped', stepId: 'kill', reason: 'operator' }, 0);
  assert.equal(step(vm, 'kill').state, 'skipped');
});

test('a branch records where the run went and why, with the expression\'s value', () => {
  const vm = fold([started,
    { type: 'step-started', stepId: 'check', title: 'c', kind: 'sql', attempt: 1, destructive: false },
    { type: 'step-finished', stepId: 'check', attempt: 1, result: { status: 'ok', durationMs: 3 } },
    { type: 'branch', from: 'check', to: 'done', via: 'next', expression: 'check.row_count == 0', value: true }]);
  assert.deepEqual(vm.lastBranch, { from: 'check', to: 'done', via: 'next', expression: 'check.row_count == 0', value: true });
  assert.equal(step(vm, 'check').branch?.to, 'done');
});

test('an `on` branch names what matched, from the result', () => {
  const vm = fold([started,
    { type: 'step-started', stepId: 'check', title: 'c', kind: 'probe', attempt: 1, destructive: false },
    { type: 'step-finished', stepId: 'check', attempt: 1, result: { status: 'failed', durationMs: 3, classification: 'refused' } },
    { type: 'branch', from: 'check', to: 'kill', via: 'on' }]);
  assert.equal(vm.lastBranch?.matched, 'refused');
});

test('a retry keeps the step running; the next attempt restarts its clock', () => {
  const vm = fold([started,
    { type: 'step-started', stepId: 'check', title: 'c', kind: 'sql', attempt: 1, destructive: false },
    { type: 'step-finished', stepId: 'check', attempt: 1, willRetry: true, result: { status: 'failed', durationMs: 3 } },
    { type: 'step-started', stepId: 'check', title: 'c', kind: 'sql', attempt: 2, destructive: false }]);
  assert.equal(step(vm, 'check').state, 'running');
  assert.equal(step(vm, 'check').attempt, 2);
  assert.equal(step(vm, 'check').visits, 1);
  assert.equal(step(vm, 'check').startedAt, 1300);
});

test('questions queue up and leave when answered; notes are kept', () => {
  let vm = fold([started, { type: 'question-asked', questionId: 'q1', question: { stepId: 'check', action: { kind: 'manual', instructions: 'do it' } } }]);
  assert.equal(vm.questions.length, 1);
  vm = reduce(vm, { type: 'question-answered', questionId: 'q1', stepId: 'check', answer: 'done' }, 0);
  assert.equal(vm.questions.length, 0);
  vm = reduce(vm, { type: 'note', text: 'paged the DBA', by: 'alice', stepId: 'check' }, 7);
  assert.deepEqual(vm.notes, [{ text: 'paged the DBA', by: 'alice', stepId: 'check', at: 7 }]);
});

test('dry run: skipped destructive steps are collected as the actions a real run would ask about', () => {
  const vm = fold([{ ...started, dryRun: true } as RunEvent,
    { type: 'step-started', stepId: 'kill', title: 'kill', kind: 'shell', attempt: 1, destructive: true, command: 'echo kill' },
    { type: 'step-skipped', stepId: 'kill', reason: 'dry-run', detail: 'echo kill' }]);
  assert.equal(vm.dryRun, true);
  assert.deepEqual(vm.dryRunActions, [{ stepId: 'kill', title: 'kill', command: 'echo kill' }]);
});

test('run-finished: the end step is reached, anything still running is aborted, the gate is gone', () => {
  const running = fold([started,
    { type: 'step-started', stepId: 'check', title: 'c', kind: 'sql', attempt: 1, destructive: false },
    { type: 'step-output', stepId: 'check', stream: 'stdout', chunk: 'half a line' }]);
  const aborted = reduce(running, { type: 'run-finished', outcome: 'aborted', message: 'stop', durationMs: 9, steps: { ok: 0, failed: 0, skipped: 0 } }, 5000);
  assert.equal(step(aborted, 'check').state, 'aborted');
  assert.equal(aborted.finishedAt, 5000);
  assert.deepEqual(stepOutput(aborted, 'check').map((l) => l.text), ['half a line']);
  const resolved = reduce(initialViewModel(DOC), { type: 'run-finished', outcome: 'resolved', message: 'ok', stepId: 'done', durationMs: 9, steps: { ok: 1, failed: 0, skipped: 0 } }, 0);
  assert.equal(step(resolved, 'done').state, 'reached');
});

test('the reducer follows a real run from start to finish', async () => {
  const t = testRun(`
name: real
title: Real
steps:
  - id: a
    shell: echo a
  - id: b
    destructive: true
    shell: echo b
  - id: done
    end: resolved
`, { a: async (_a, ctx) => { ctx.onOutput('stdout', 'hi\n'); return {}; } });
  let vm = initialViewModel(t.runbook.doc);
  t.run.on((e) => {
    vm = reduce(vm, e, Date.now());
    if (e.type === 'confirmation-requested') queueMicrotask(() => t.run.confirm(e.stepId, 'yes'));
  });
  await ends(t.run.start());
  assert.deepEqual(vm.steps.map((s) => s.state), ['ok', 'ok', 'reached']);
  assert.equal(vm.finished?.outcome, 'resolved');
  assert.deepEqual(stepOutput(vm, 'a').map((l) => l.text), ['hi']);
  assert.equal(vm.steps[1]!.confirmation?.answer, 'yes');
});

test('at a gate the table shown is the latest earlier SQL result; while another step runs, none', () => {
  const sql = (stepId: string, pid: number): RunEvent[] => [
    { type: 'step-started', stepId, title: stepId, kind: 'sql', attempt: 1, destructive: false },
    { type: 'step-finished', stepId, attempt: 1, result: { status: 'ok', durationMs: 3, columns: ['pid'], rows: [{ pid }], rowCount: 1 } }];
  const gate: RunEvent = { type: 'confirmation-requested', stepId: 'kill', title: 'kill', command: 'echo kill', question: 'Run?', risk: 'normal', resumed: false };
  // 'done' ran after 'check' (a loop back, say): the later result is the evidence, whatever the step order.
  const before = fold([started, ...sql('check', 1), ...sql('done', 2), { type: 'step-started', stepId: 'kill', title: 'kill', kind: 'shell', attempt: 1, destructive: true }]);
  assert.equal(tableStep(before), undefined);
  const atGate = reduce(before, gate, 5000);
  assert.equal(tableStep(atGate)?.id, 'done');
  assert.deepEqual(tableStep(atGate)?.result?.rows, [{ pid: 2 }]);
});
