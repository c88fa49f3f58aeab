// Masking is for data, never for structure. Which fields are which is read from the transcript schema: a line's
// type, step ids, statuses, outcomes, classifications, column names, times and target identities are never
// masked, whatever a secret happens to be ("step", "resolved", "app"); the data around them is. A secret that is
// a short word is masked where it stands alone, not inside longer words. A `runbook:` step marked secret makes
// its called runbook's outputs secret, never its outcome.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { isKept, maskLine } from '../../src/events/mask.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { EVENT_TYPES } from '../../src/events/schema.js';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });

test('the masking plan keeps every structural field of every line type, and masks the data', () => {
  for (const type of [...EVENT_TYPES, 'header', 'resumed', 'output-dropped']) {
    assert.ok(isKept(type, ['type']) && isKept(type, ['seq']) && isKept(type, ['ts']), `${type}: type, seq and ts are kept`);
  }
  const kept: [string, string[]][] = [
    ['step-started', ['stepId']], ['step-started', ['kind']], ['step-started', ['dryRun']],
    ['step-finished', ['result', 'status']], ['step-finished', ['result', 'classification']], ['step-finished', ['result', 'columns', '[]']],
    ['step-finished', ['result', 'items', '[]', 'status']], ['item-finished', ['result', 'status']],
    ['run-finished', ['outcome']], ['run-finished', ['stepId']], ['branch', ['from']], ['branch', ['to']], ['branch', ['via']],
    ['question-asked', ['question', 'stepId']], ['question-asked', ['question', 'action', 'kind']], ['question-answered', ['stepId']],
    ['confirmation-answered', ['answer']], ['target-identified', ['target', 'server']], ['target-identified', ['connection']],
    // A command is masked where it is made, by flow (events/schema.ts, Shown): never again by value.
    ['step-started', ['command']], ['confirmation-requested', ['command']], ['step-skipped', ['detail']],
    ['wait-polled', ['deadlineAt']], ['header', ['runbook', 'name']], ['header', ['runbook', 'sha256']], ['resumed', ['stepId']],
  ];
  for (const [type, path] of kept) assert.ok(isKept(type, path), `${type}.${path.join('.')} is kept`);
  const data: [string, string[]][] = [
    ['step-started', ['title']], ['step-output', ['chunk']], ['step-finished', ['result', 'stdout']],
    ['step-finished', ['result', 'rows']], ['step-finished', ['result', 'vars']], ['step-finished', ['result', 'outputs']],
    ['step-finished', ['result', 'value']], ['run-finished', ['message']], ['branch', ['value']], ['wait-polled', ['last']],
    ['question-asked', ['question', 'action', 'default']], ['question-answered', ['answer']], ['loop-started', ['items', '[]', 'label']],
    ['header', ['inputs']], ['header', ['argv']], ['run-started', ['inputs']],
  ];
  for (const [type, path] of data) assert.ok(!isKept(type, path), `${type}.${path.join('.')} is data`);
});

test('a secret that is a structural word masks it in data only', () => {
  const r = new Redactor();
  for (const s of ['step', 'resolved', 'app', 'status', 'finished']) r.add(s);
  const line = maskLine(r, {
    type: 'step-finished', seq: 3, ts: '2026-01-01T00:00:00Z', stepId: 'app-url', attempt: 1,
    result: { status: 'ok', durationMs: 1, stdout: 'step resolved app', columns: ['app', 'status'], rows: [{ app: 'app', status: 'finished' }] },
  });
  assert.equal(line.type, 'step-finished');
  assert.equal(line.stepId, 'app-url');
  assert.deepEqual(line.result.columns, ['app', 'status']);
  assert.deepEqual(line.result.rows, [{ app: '****', status: '****' }], 'row keys stay, values are masked');
  assert.equal(line.result.stdout, '**** **** ****');
  const end = maskLine(r, { type: 'run-finished', outcome: 'resolved', message: 'resolved by the app', durationMs: 1, steps: { ok: 1, failed: 0, skipped: 0 } });
  assert.equal(end.outcome, 'resolved');
  assert.equal(end.message, '**** by the ****');
  // Three characters: only where they stand alone.
  assert.equal(r.mask('application apps app-url user=app'), 'application apps ****-url user=****');
});

test('a run whose secrets are structural words: transcript, screen, report and replay keep their structure', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const child = writeRunbook(dir, 'child', `name: child
title: child
outputs:
  token: "steps.get.output"
steps:
  - id: get
    destructive: false
    safe_because: prints a text, and reads nothing
    shell: printf '%s' "CallOutput-$((6*7))-SECRET"
  - { id: done, end: resolved }
`);
  const rb = writeRunbook(dir, 'words', `name: words
title: words
steps:
  - id: fetch
    secret: true
    shell: printf 'step'
  - id: fetch2
    secret: true
    shell: printf 'app'
  - id: app-url
    title: the app url
    shell: echo application step resolved app
  - id: call
    secret: true
    runbook: { name: ${JSON.stringify(child)} }
  - id: after
    shell: echo "got \${{ steps.call.outputs.token }}"
  - { id: done, end: resolved, message: "resolved after \${{ steps.call.value }}" }
`);
  const transcript = join(dir, 'words.jsonl');
  const r = await cli(['run', rb, '--plain', '--transcript', transcript]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const lines = transcriptLines(transcript);
  const types = new Set(lines.map((l) => l.type));
  assert.ok(types.has('step-finished') && types.has('run-finished') && ![...types].some((t) => t.includes('****')), [...types].join(' '));
  assert.ok(lines.some((l) => l.stepId === 'app-url'), 'the step id app-url is intact');
  const end = lines.find((l) => l.type === 'run-finished') as { outcome?: string; message?: string };
  assert.equal(end.outcome, 'resolved');
  assert.equal(end.message, 'resolved after resolved', "the called runbook's outcome is not a secret");
  // The called runbook's own step is not secret and shows what it prints; what the call returns is a secret.
  const call = lines.find((l) => l.type === 'step-finished' && l.stepId === 'call') as unknown as { result: { value?: string; outputs?: Record<string, unknown> } };
  assert.deepEqual(call.result.outputs, { token: '****' });
  assert.equal(call.result.value, 'resolved');
  // Given the call's secret output, the next step's output is withheld whole (docs/secrets.md).
  assert.ok(!lines.some((l) => l.type === 'step-output' && l.stepId === 'after'), 'the step given a secret streams nothing');
  const after = lines.find((l) => l.type === 'step-finished' && l.stepId === 'after') as unknown as { result: { stdout?: string; withheld?: { because: string[] } } };
  assert.deepEqual([after.result.stdout, after.result.withheld?.because], ['****', ['${{ steps.call.outputs.token }}']]);
  assert.match(r.stdout, /ok {7}app-url/);
  assert.match(r.stdout, /finished resolved/);
  for (const l of lines.filter((x) => x.type === 'step-output' && x.stepId === 'app-url')) {
    assert.equal(l.chunk, 'application **** resolved ****\n', 'data is masked where the secret words stand alone; resolved is no secret');
  }
  const report = await cli(['report', transcript]);
  assert.equal(report.code, 0, report.stderr);
  assert.match(report.stdout, /Outcome \| \*\*resolved\*\*|Outcome: \*\*resolved\*\*|\*\*resolved\*\*/);
  assert.ok(!report.stdout.includes('*****'), 'no masked structure in the report');
  const json = await cli(['report', transcript, '--format', 'json']);
  assert.equal((JSON.parse(json.stdout) as { outcome: string }).outcome, 'resolved');
  const replay = await cli(['replay', transcript, '--speed', '0']);
  assert.equal(replay.code, 0, replay.stderr);
  assert.match(replay.stdout, /app-url/);
});
