// for_each in the language and the engine (scripted executors: the subject is the engine): where the item is
// known, the one gate and the approved list, per-item results and counts, on: branching, failures before
// anything acts, retry per item, abort between items, resume of a loop cut short. Real databases:
// for-each-db.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConfirmationRequested, RunEvent } from '../../src/engine/events.js';
import type { MachineContext } from '../../src/engine/machine-types.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';
import { StepRunner } from '../../src/engine/step-runner.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { findResumePoint } from '../../src/resume/point.js';
import type { Transcript } from '../../src/transcript/reader.js';
import type { TranscriptLine } from '../../src/events/schema.js';
import { harness, runbookFrom, scriptedExecutors } from '../helpers/scripted.js';

const diagnostics = (yaml: string) => parseRunbook(yaml, 'test.yaml').diagnostics.filter((d) => d.code !== 'no-end' && d.code !== 'application-unnamed').map((d) => `${d.line}:${d.col} ${d.severity} ${d.code}: ${d.message}`);

const LOOP = (extra = '', forEach = 'in: names.rows') => `
name: loop
title: Loop
connections:
  db: { url: "postgres://app@127.0.0.1:5432/app" }
steps:
  - id: list
    sql: { query: "SELECT name FROM users" }
    capture: names
  - id: each
    destructive: true
    for_each: { ${forEach}, as: n, label: "name \${{ n.name }}" }
    shell: echo \${{ n.name }}
${extra}
  - id: done
    end: resolved
    message: "\${{ steps.each.details.ok }} ok"
  - id: bad
    end: escalate
    message: "\${{ steps.each.error }}"
`;

const ROWS = { rows: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] };
const gatesOf = (events: RunEvent[]) => events.filter((e): e is ConfirmationRequested => e.type === 'confirmation-requested');

describe('for_each in the language', () => {
  it('validates: the item is known in the action and the label', () => {
    assert.deepEqual(diagnostics(LOOP('    on: { error: bad, skipped: bad }')), []);
  });

  it('the item outside its step\'s action is a located error', () => {
    const d = diagnostics(`
name: loop
title: Loop
steps:
  - id: each
    title: Kill \${{ session.id }}
    for_each: { in: "[1, 2]", as: session }
    shell: echo \${{ session }}
  - id: after
    shell: echo \${{ session }}
`);
    assert.equal(d.length, 2, d.join('\n'));
    assert.match(d[0]!, /^6:21 error unknown-name: 'session' is a for_each item: it exists only in its own step's shell, sql, with and for_each.label/);
    assert.match(d[1]!, /^10:21 error unknown-name: 'session' is a for_each item/);
  });

  it('an unknown name in for_each.in, the label or the action is a located error', () => {
    const d = diagnostics(`
name: loop
title: Loop
steps:
  - id: each
    for_each: { in: nmes.rows, label: "\${{ itme }}" }
    shell: echo \${{ item.x }} \${{ itm }}
`);
    assert.deepEqual(d.map((x) => x.replace(/ \(use .*$/, '')), [
      "6:21 error unknown-name: unknown name 'nmes'",
      "6:44 error unknown-name: unknown name 'itme' — did you mean 'item'?",
      "7:35 error unknown-name: unknown name 'itm' — did you mean 'item'?",
    ]);
  });

  it('for_each only on shell, sql and probe; the item may not shadow a root, a capture or a function', () => {
    const d = diagnostics(`
name: loop
title: Loop
steps:
  - id: ask
    for_each: { in: "[1]" }
    manual: do it
  - id: a
    for_each: { in: "[1]", as: inputs }
    shell: echo
    capture: x
  - id: b
    for_each: { in: "[1]", as: x }
    shell: echo
  - id: c
    for_each: { in: "[1]", as: length }
    shell: echo
`);
    assert.ok(d.some((x) => /^6:5 error misplaced-key: 'for_each' only belongs on shell, sql, probe steps/.test(x)), d.join('\n'));
    assert.ok(d.some((x) => /^9:\d+ error reserved-name: .*'inputs', which is a reserved name/.test(x)), d.join('\n'));
    assert.ok(d.some((x) => /^13:\d+ error reserved-name: .*'x', which is the name of a capture/.test(x)), d.join('\n'));
    assert.ok(d.some((x) => /^16:\d+ error reserved-name: .*'length', which is the name of a function/.test(x)), d.join('\n'));
  });

  it('max_items is bounded by the schema', () => {
    assert.ok(diagnostics(LOOP('', 'in: names.rows, max_items: 50000')).some((x) => /schema/.test(x)));
  });
});

describe('for_each in the engine', () => {
  it('one gate lists every item with what the step is given; all ok → ok with counts and a row per item', async () => {
    const h = harness(LOOP(), { list: ROWS });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes')); });
    const done = await h.run.start();
    assert.equal(done.outcome, 'resolved');
    assert.equal(done.message, `3 ok ${NOT_CHECKED}`);
    const [gate, ...more] = gatesOf(h.events);
    assert.equal(more.length, 0);
    assert.deepEqual(gate!.items, [
      { label: 'name a', detail: 'values a' }, { label: 'name b', detail: 'values b' }, { label: 'name c', detail: 'values c' },
    ]);
    assert.match(gate!.command, /^echo "\$\{1\}"|^echo a/);
    assert.deepEqual(h.calls.filter((c) => c.stepId === 'each').map((c) => c.action.kind === 'shell' && c.action.values), [['a'], ['b'], ['c']]);
    const finished = h.events.find((e) => e.type === 'step-finished' && e.stepId === 'each');
    assert.ok(finished?.type === 'step-finished');
    assert.equal(finished.result.status, 'ok');
    assert.deepEqual(finished.result.details, { items: 3, ok: 3, failed: 0, aborted: 0, notRun: 0 });
    assert.deepEqual(finished.result.rows?.map((r) => r.item), ['name a', 'name b', 'name c']);
    assert.deepEqual(h.events.filter((e) => e.type === 'item-finished').map((e) => e.type === 'item-finished' && `${e.index}:${e.label}`), ['0:name a', '1:name b', '2:name c']);
  });

  it('a failed item fails the step with counts, the others still run, and on: error branches', async () => {
    const h = harness(LOOP('    on: { error: bad }'), {
      list: ROWS,
      each: async (a) => (a.kind === 'shell' && a.values[0] === 'b' ? { status: 'failed', exitCode: 3, error: 'exit code 3', classification: 'other' } : {}),
    }, { });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes')); });
    const done = await h.run.start();
    assert.equal(done.outcome, 'escalate');
    assert.equal(done.message, '1 of 3 items failed; first: name b: exit code 3');
    assert.equal(h.calls.filter((c) => c.stepId === 'each').length, 3);
  });

  it('the data changing after the gate changes nothing: the approved list is what runs', async () => {
    const h = harness(LOOP(), { list: ROWS });
    h.run.on((e) => {
      if (e.type !== 'confirmation-requested') return;
      // As if the list's source moved on while the operator read the gate.
      ROWS.rows.push({ name: 'late' });
      queueMicrotask(() => h.run.confirm(e.stepId, 'yes'));
    });
    try {
      await h.run.start();
    } finally { ROWS.rows.pop(); }
    assert.deepEqual(h.calls.filter((c) => c.stepId === 'each').map((c) => c.action.kind === 'shell' && c.action.values[0]), ['a', 'b', 'c']);
  });

  it('a step runner without an approval acts on nothing', async () => {
    const doc = runbookFrom(LOOP()).doc;
    const calls: { stepId: string }[] = [];
    const events: RunEvent[] = [];
    const runner = new StepRunner({ doc, executors: scriptedExecutors({}, calls as never), redactor: new Redactor(), publish: (e) => events.push(e), ask: async () => '', dryRun: false, approvedItems: () => undefined });
    const context: MachineContext = { inputs: {}, results: { list: { status: 'ok', durationMs: 0, ...ROWS } }, captures: { names: 'list' }, visits: {} };
    const r = await runner.run('each', context, new AbortController().signal);
    assert.equal(r.status, 'failed');
    assert.match(r.error!, /no approval covers the 3 items of this step; nothing was run/);
    assert.equal(calls.length, 0);
  });

  for (const [what, list, message] of [
    ['that is not a list', { rows: 'x' }, /is a string \(x\), not a list/],
    ['over max_items', ROWS, /has 3 items, more than max_items \(2\); nothing was run/],
  ] as const) {
    it(`a list ${what} fails the step before the gate and before anything runs`, async () => {
      const h = harness(LOOP('', 'in: names.rows, max_items: 2'), { list: list as never });
      const done = await h.run.start();
      assert.equal(done.outcome, 'failed');
      assert.match(done.message, message);
      assert.equal(gatesOf(h.events).length, 0, 'nothing to ask');
      assert.equal(h.calls.filter((c) => c.stepId === 'each').length, 0);
    });
  }

  it('an empty list runs nothing, asks nothing, and is ok', async () => {
    const h = harness(LOOP(), { list: { rows: [] } });
    const done = await h.run.start();
    assert.equal(done.outcome, 'resolved');
    assert.equal(gatesOf(h.events).length, 0);
    assert.equal(h.calls.filter((c) => c.stepId === 'each').length, 0);
  });

  it('skipping the gate runs no item; on: skipped branches', async () => {
    const h = harness(LOOP('    on: { skipped: bad }'), { list: ROWS });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'skip')); });
    const done = await h.run.start();
    assert.equal(done.outcome, 'escalate');
    assert.equal(h.calls.filter((c) => c.stepId === 'each').length, 0);
  });

  it('a dry run runs no item; the skip lists every item', async () => {
    const h = harness(LOOP(), { list: ROWS }, { dryRun: true });
    const done = await h.run.start();
    assert.equal(done.outcome, 'resolved');
    assert.equal(h.calls.filter((c) => c.stepId === 'each').length, 0);
    const skip = h.events.find((e) => e.type === 'step-skipped' && e.stepId === 'each');
    assert.ok(skip?.type === 'step-skipped' && skip.reason === 'dry-run');
    assert.deepEqual(skip.items?.map((i) => i.label), ['name a', 'name b', 'name c']);
  });

  it('retry applies to each item', async () => {
    let tries = 0;
    const h = harness(LOOP('    retry: { attempts: 3, backoff: 0 }'), {
      list: ROWS,
      each: async (a) => (a.kind === 'shell' && a.values[0] === 'b' && ++tries < 3 ? { status: 'failed', error: 'flaky' } : {}),
    });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes')); });
    const done = await h.run.start();
    assert.equal(done.outcome, 'resolved');
    assert.deepEqual(h.calls.filter((c) => c.stepId === 'each').map((c) => c.action.kind === 'shell' && c.action.values[0]), ['a', 'b', 'b', 'b', 'c']);
  });

  it('an abort stops between items: the item in flight is cancelled, the rest never start', async () => {
    const h = harness(LOOP(), {
      list: ROWS,
      each: async (a, ctx) => {
        if (a.kind === 'shell' && a.values[0] === 'b') {
          queueMicrotask(() => h.run.abort());
          await new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true }));
          return { status: 'aborted' };
        }
        return {};
      },
    });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes')); });
    const done = await h.run.start();
    assert.equal(done.outcome, 'aborted');
    assert.deepEqual(h.calls.filter((c) => c.stepId === 'each').map((c) => c.action.kind === 'shell' && c.action.values[0]), ['a', 'b']);
  });

  it('a non-destructive for_each runs without a gate; probe and sql items get their own values', async () => {
    const h = harness(`
name: probes
title: Probes
connections: { db: { url: "postgres://u@h/db" } }
steps:
  - id: ports
    for_each: { in: "[5432, 6432]", as: port }
    probe: tcp
    with: { host: 127.0.0.1, port: "\${{ port }}" }
  - id: rows
    for_each: { in: "split('a, b', ',')" }
    sql: { query: "SELECT $1::text AS x", params: ["\${{ item }}"] }
`, {});
    const done = await h.run.start();
    assert.equal(done.outcome, 'resolved');
    assert.equal(gatesOf(h.events).length, 0);
    assert.deepEqual(h.calls.map((c) => (c.action.kind === 'probe' ? c.action.port : c.action.kind === 'sql' ? c.action.params[0] : '')), [5432, 6432, 'a', 'b']);
  });
});

describe('for_each and resume', () => {
  const doc = runbookFrom(LOOP()).doc;
  const meta = (i: number) => ({ seq: i + 1, ts: '2026-01-01T00:00:00.000Z' });
  const items = ROWS.rows.map((value, index) => ({ index, label: `name ${value.name}`, value }));
  const lines = [
    { type: 'run-started', runId: 'r', runbook: { name: 'loop', title: 'Loop', file: 'x', sha256: 'y' }, inputs: {}, dryRun: false },
    { type: 'step-started', stepId: 'list', title: 'list', kind: 'shell', attempt: 1, destructive: false },
    { type: 'step-finished', stepId: 'list', result: { status: 'ok', durationMs: 1, ...ROWS }, attempt: 1 },
    { type: 'branch', from: 'list', to: 'each', via: 'then' },
    { type: 'confirmation-requested', stepId: 'each', title: 'each', command: 'echo', question: 'Run?', risk: 'normal', resumed: false },
    { type: 'confirmation-answered', stepId: 'each', answer: 'yes', by: 't', how: 'key', waitedMs: 1 },
    { type: 'step-started', stepId: 'each', title: 'each', kind: 'shell', attempt: 1, destructive: true },
    { type: 'loop-started', stepId: 'each', items },
    { type: 'item-finished', stepId: 'each', index: 0, label: 'name a', result: { status: 'ok', durationMs: 1, exitCode: 0 } },
  ].map((l, i) => ({ ...l, ...meta(i) })) as unknown as TranscriptLine[];
  const transcript = (ls: TranscriptLine[]) => ({ header: ls[0], lines: ls }) as unknown as Transcript;

  it('the resume point carries the list and the finished items', () => {
    const point = findResumePoint(transcript(lines), doc);
    assert.equal(point.stepId, 'each');
    assert.deepEqual(point.context.resumedLoop?.items, items);
    assert.deepEqual(Object.keys(point.context.resumedLoop?.done ?? {}), ['0']);
  });

  it('the resumed gate lists only the items left; finished items do not run again; the result covers all', async () => {
    const point = findResumePoint(transcript(lines), doc);
    const h = harness(LOOP(), {}, { resume: { stepId: point.stepId, context: point.context, phase: point.phase, started: point.started } });
    h.run.on((e) => { if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes')); });
    const done = await h.run.start();
    assert.equal(done.outcome, 'resolved', done.message);
    const [gate] = gatesOf(h.events);
    assert.deepEqual(gate?.items?.map((i) => i.label), ['name b', 'name c']);
    assert.equal(gate?.itemsDone, 1);
    // Then the check before the loop (list, a read) once more: the resumed run ends resolved on a check of its own
    // (engine/resumed-check.ts).
    assert.deepEqual(h.calls.map((c) => c.action.kind === 'shell' && c.action.values[0]), ['b', 'c', false]);
    assert.match(done.message, /'list', checked again after the resume, ended ok as before/);
    const finished = h.events.find((e) => e.type === 'step-finished' && e.stepId === 'each');
    assert.ok(finished?.type === 'step-finished');
    assert.deepEqual(finished.result.items?.map((i) => `${i.index}:${i.status}`), ['0:ok', '1:ok', '2:ok']);
    const loop = h.events.find((e) => e.type === 'loop-started');
    assert.ok(loop?.type === 'loop-started' && loop.items.length === 3, 'the whole list is recorded again, for a second resume');
  });

  it('a second resume keeps the items finished before the first', () => {
    const more = [...lines,
      { type: 'resumed', stepId: 'each', phase: 'enter', operator: 't', host: 'h', pid: 1, engineVersion: '0', argv: [], sha256: 'y' },
      { type: 'run-started', runId: 'r2', runbook: { name: 'loop', title: 'Loop', file: 'x', sha256: 'y' }, inputs: {}, dryRun: false, resumedFrom: 'each' },
      { type: 'loop-started', stepId: 'each', items },
      { type: 'item-finished', stepId: 'each', index: 1, label: 'name b', result: { status: 'ok', durationMs: 1 } },
    ].map((l, i) => ({ ...l, ...meta(lines.length + i) })) as unknown as TranscriptLine[];
    const point = findResumePoint(transcript(more), doc);
    assert.deepEqual(Object.keys(point.context.resumedLoop?.done ?? {}).sort(), ['0', '1']);
  });
});
