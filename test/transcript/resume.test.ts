// Rebuilding an interrupted run from its transcript: where it stopped, what it knew, and how a resume
// continues the same file. Transcripts are real runs cut short at the interesting points.
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readTranscript, eventsOf } from '../../src/transcript/reader.js';
import { findResumePoint } from '../../src/resume/point.js';
import { inputsForResume } from '../../src/resume/inputs.js';
import { resumeCommand } from '../../src/cli/commands/resume.js';
import type { RunbookDoc } from '../../src/language/schema.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { EVERYTHING_SCRIPT, cli, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

process.env.SLEEP = '0';   // the crash fixture's slow step, made quick
const crash = loadRunbookFile(fixture('crash'));
const everything = loadRunbookFile(fixture('everything'));

async function recorded(t: Parameters<typeof scratch>[0], name: 'crash' | 'everything'): Promise<{ dir: string; file: string; text: string[] }> {
  const dir = scratch(t);
  const file = join(dir, `${name}.jsonl`);
  const inputs: Record<string, string> = name === 'crash' ? { counter: join(dir, 'counter') } : { dir };
  await runWithTranscript(name === 'crash' ? crash : everything, inputs, file, EVERYTHING_SCRIPT);
  return { dir, file, text: readFileSync(file, 'utf8').trimEnd().split('\n') };
}

/** The transcript as it would be had the process died right after the first line matching `at`. */
function cutAfter(src: { dir: string; text: string[] }, at: (line: Record<string, unknown>) => boolean, name = 'cut.jsonl'): string {
  const i = src.text.findIndex((l) => at(JSON.parse(l) as Record<string, unknown>));
  assert.ok(i >= 0, 'cut point exists');
  const out = join(src.dir, name);
  // A crash of a run of its own (its own run id): cuts of one finished run would be refused as copies it went further than.
  writeFileSync(out, `${src.text.slice(0, i + 1).join('\n').replace(/"runId":"[^"]+"/, `"runId":"${randomUUID()}"`)}\n`);
  return out;
}
const is = (type: string, stepId?: string, extra: Record<string, unknown> = {}) => (l: Record<string, unknown>) =>
  l.type === type && (stepId === undefined || l.stepId === stepId || l.from === stepId) && Object.entries(extra).every(([k, v]) => l[k] === v);
const point = (file: string, doc: RunbookDoc = crash.doc) => findResumePoint(readTranscript(file), doc);

test('stopped in a step: that step runs again, with everything finished before it', async (t) => {
  const src = await recorded(t, 'crash');
  const p = point(cutAfter(src, is('step-started', 'slow')));
  assert.deepEqual([p.stepId, p.phase], ['slow', 'enter']);
  assert.deepEqual(Object.keys(p.context.results), ['one', 'two']);
  assert.deepEqual(p.context.visits, { one: 1, two: 1, slow: 1 });
  assert.equal(point(cutAfter(src, is('confirmation-answered', 'slow'))).stepId, 'slow', 'confirmed but not started: asks again');
  assert.deepEqual(point(cutAfter(src, is('branch', 'two'))).context.visits, { one: 1, two: 1, slow: 1 });
});

test('stopped after a step finished but before its branch: only the branch is taken', async (t) => {
  const src = await recorded(t, 'crash');
  const p = point(cutAfter(src, is('step-finished', 'two')));
  assert.deepEqual([p.stepId, p.phase], ['two', 'route']);
  assert.equal(p.context.results.two?.status, 'ok');
});

test('stopped before the first step: the run starts at the top', async (t) => {
  const src = await recorded(t, 'crash');
  for (const at of [is('header'), is('run-started')]) {
    const p = point(cutAfter(src, at));
    assert.deepEqual([p.stepId, p.phase, p.context.visits], ['one', 'enter', { one: 1 }]);
  }
});

test('retries, operator skips and captures are rebuilt like the machine records them', async (t) => {
  const src = await recorded(t, 'everything');
  const retrying = point(cutAfter(src, is('step-finished', 'flaky', { willRetry: true })), everything.doc);
  assert.deepEqual([retrying.stepId, retrying.phase, retrying.context.results.flaky], ['flaky', 'enter', undefined]);
  assert.deepEqual(retrying.context.captures, { seen: 'look' });
  const skipped = point(cutAfter(src, is('step-skipped', 'purge')), everything.doc);
  assert.deepEqual([skipped.stepId, skipped.phase, skipped.context.results.purge], ['purge', 'route', { status: 'skipped', durationMs: 0, value: 'skipped by operator' }]);
  assert.equal(skipped.context.results.optional?.status, 'skipped', 'condition skip recorded too');
});

test('a finished run is not resumed; one killed after its branch into its end step takes that branch again, running nothing', async (t) => {
  const src = await recorded(t, 'crash');
  // Named with who drove it to its end (a taker that came too late is told whose run it was).
  const header = JSON.parse(readFileSync(src.file, 'utf8').split('\n')[0]!) as { operator: string };
  assert.throws(() => point(src.file), new RegExp(`this run already finished \\(resolved at [^,]+, driven by ${header.operator}\\); start a new run instead`));
  const atEnd = point(cutAfter(src, is('branch', 'three')));
  assert.deepEqual([atEnd.stepId, atEnd.phase], ['three', 'route']);
});

test('resuming after a finished step appends to the same transcript and runs only what is left', async (t) => {
  const src = await recorded(t, 'crash');
  const cut = cutAfter(src, is('step-finished', 'two'));
  const fragment = '{"type":"step-output","seq":99,"ts":"2024-';
  appendFileSync(cut, fragment);    // the kill tore a line
  const before = readTranscript(cut);
  assert.equal(before.torn.length, 1);
  const p = findResumePoint(before, crash.doc);
  const counter = join(src.dir, 'resumed-counter');
  const finished = await runWithTranscript(crash, { counter }, cut, {}, {
    run: { resume: { stepId: p.stepId, phase: p.phase, context: { ...p.context, inputs: { counter } } } },
    attach: { resume: { stepId: p.stepId, phase: p.phase } },
  });
  assert.equal(finished.outcome, 'resolved');
  assert.deepEqual(readFileSync(counter, 'utf8').trim().split('\n'), ['slow', 'three'], 'one and two are not run again');

  const after = readTranscript(cut);
  assert.deepEqual(after.problems, []);
  assert.deepEqual(after.torn, [{ line: before.lines.length + 2, bytes: fragment.length }], 'the torn line stays, ended, and is skipped');
  const marker = after.lines[before.lines.length];
  assert.ok(marker?.type === 'resumed' && marker.phase === 'route' && marker.stepId === 'two' && marker.tornLines === 1);
  assert.equal(marker.seq, before.lines.length + 2, 'the torn line\'s seq is not reused');
  const resumedEvents = eventsOf(after).slice(eventsOf(before).length);
  assert.deepEqual(resumedEvents.filter((e) => e.type === 'branch').map((e) => e.type === 'branch' && `${e.from}->${e.to}`), ['two->slow', 'slow->three', 'three->done']);
});

test('stopped inside a called runbook: the calling step runs again; its inner steps are not the run\'s', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'caller.jsonl');
  const r = await cli(['run', fixture('caller'), '--plain', '--transcript', file, '--input', `counter=${join(dir, 'counter')}`]);
  assert.equal(r.code, 0, r.stderr);
  const src = { dir, text: readFileSync(file, 'utf8').trimEnd().split('\n') };
  const p = point(cutAfter(src, is('step-finished', 'call/inner-one')), loadRunbookFile(fixture('caller')).doc);
  assert.deepEqual([p.stepId, p.phase, Object.keys(p.context.results), p.context.visits], ['call', 'enter', ['before'], { before: 1, call: 1 }]);
  const report = buildReport(readTranscript(file));
  assert.deepEqual(report.path.steps, ['before', 'call', 'done']);
  assert.deepEqual(report.steps, { ok: 2, failed: 0, skipped: 0 });
  assert.ok(report.timeline.some((row) => row.stepId === 'call/inner-two' && row.status === 'ok'), 'inner steps are in the timeline');
  assert.ok(!report.mermaid.includes('inner'), 'but not in the graph of this runbook');
});

test('inputs: recorded values are reused, masked ones must be given again', () => {
  const doc = { inputs: { url: { type: 'url' }, password: { secret: true, env: 'APP_PW' }, region: {}, count: { type: 'number' } } } as unknown as RunbookDoc;
  const recordedInputs = { url: 'postgres://app:****@db:5432/app', password: '****', region: 'eu-1', count: 3 };
  assert.throws(() => inputsForResume(recordedInputs, doc, [], {}), /supply them again to resume: --input url=…; --input password=… or set APP_PW/);
  assert.deepEqual(inputsForResume(recordedInputs, doc, ['url=postgres://app:pw@db/app'], { APP_PW: 'x' }),
    ['region=eu-1', 'count=3', 'url=postgres://app:pw@db/app']);
  assert.deepEqual(inputsForResume(recordedInputs, doc, ['url=postgres://app:pw@db/app', 'password=pw', 'region=us-2'], {}),
    ['count=3', 'url=postgres://app:pw@db/app', 'password=pw', 'region=us-2'], '--input overrides the recorded value');
});

test('resume refuses a damaged transcript, a missing runbook, and a dry-run mismatch', async (t) => {
  const src = await recorded(t, 'crash');
  const flags = { input: [], approve: [], plain: true, yes: true };
  const damaged = cutAfter(src, is('step-started', 'slow'), 'damaged.jsonl');
  const lines = readFileSync(damaged, 'utf8').split('\n');
  lines.splice(2, 0, '{ not json');
  writeFileSync(damaged, lines.join('\n'));
  await assert.rejects(resumeCommand(damaged, flags), /cannot rebuild the run from .*line 3: not JSON/);

  const moved = cutAfter(src, is('step-started', 'slow'), 'moved.jsonl');
  writeFileSync(moved, readFileSync(moved, 'utf8').replace(fixture('crash'), join(src.dir, 'gone.yaml')));
  await assert.rejects(resumeCommand(moved, flags), /cannot resume: the runbook .*gone\.yaml no longer exists/);

  const cut = cutAfter(src, is('step-started', 'slow'), 'real.jsonl');
  await assert.rejects(resumeCommand(cut, { ...flags, dryRun: true }), /this transcript is of a real run; a dry run cannot continue it/);
});
