// The postmortem of a real run, compared with a golden file once the volatile parts (times, durations,
// host, paths, hashes) are normalised. Regenerate: UPDATE_GOLDEN=1 node --import tsx --test test/transcript/report.test.ts
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { readTranscript } from '../../src/transcript/reader.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { renderMarkdown } from '../../src/transcript/report/markdown.js';
import { EVERYTHING_SCRIPT, ROOT, cli, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

const GOLDEN = join(ROOT, 'test', 'transcript', 'golden', 'everything.md');

function normalise(text: string, dir: string): string {
  return text
    .split(dir).join('<tmp>')
    .split(ROOT).join('<repo>')
    // As a name of its own: a machine named `f` must not mask every letter f.
    .replace(new RegExp(`(?<![\\w.-])${hostname().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'g'), '<host>')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC/g, '<date>')
    .replace(/\b\d\d:\d\d:\d\d\b/g, '<time>')
    .replace(/\b\d+(\.\d+)?(ms|s)\b|\b\d+m \d\ds\b|\b\d+h \d\dm\b/g, '<duration>')
    .replace(/sha256 `[0-9a-f]{12}`/g, 'sha256 `<sha>`')
    .replace(/`: \d+ lines, format/, '`: <n> lines, format');   // output arrives in however many chunks
}

async function everythingTranscript(t: Parameters<typeof scratch>[0]): Promise<{ dir: string; file: string }> {
  const dir = scratch(t);
  const file = join(dir, 'everything.jsonl');
  await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  return { dir, file };
}

test('report of a real run matches the golden postmortem', async (t) => {
  const { dir, file } = await everythingTranscript(t);
  const markdown = normalise(renderMarkdown(buildReport(readTranscript(file))), dir);
  if (process.env.UPDATE_GOLDEN) writeFileSync(GOLDEN, markdown);
  assert.ok(existsSync(GOLDEN), 'run with UPDATE_GOLDEN=1 to write the golden file');
  assert.equal(markdown, readFileSync(GOLDEN, 'utf8'));
});

test('report: summary, confirmations, notes and the highlighted path come from the transcript', async (t) => {
  const { file } = await everythingTranscript(t);
  const m = buildReport(readTranscript(file));
  assert.deepEqual([m.outcome, m.message, m.operator, m.runbook.now], ['resolved', 'Fixed; ticket 4711', 'tester', 'same']);
  assert.deepEqual(m.confirmations.map((c) => [c.stepId, c.answer, c.by, c.how]), [['restart', 'yes', 'tester', 'key'], ['purge', 'skip', 'tester', 'typed']]);
  assert.deepEqual(m.notes.map((n) => [n.stepId, n.text]), [['restart', 'Paged the service owner before restarting | see #ops']]);
  assert.deepEqual(m.path.steps, ['look', 'flaky', 'optional', 'loud', 'each', 'settle', 'restart', 'purge', 'check', 'ask', 'done']);
  assert.match(m.mermaid, /class s_look,s_flaky,s_optional,s_loud,s_each,s_settle,s_restart,s_purge,s_check,s_ask,s_done taken/);
  assert.match(m.mermaid, /s_never\["never"\]/, 'the step not taken is drawn (and not in the taken class above)');
  assert.equal(m.outputs.find((o) => o.stepId === 'loud')?.droppedBytes, 300_001 - 256 * 1024);
});

test('report: without the runbook (moved or changed) the path alone is drawn', async (t) => {
  const { dir, file } = await everythingTranscript(t);
  const moved = join(dir, 'moved.jsonl');
  writeFileSync(moved, readFileSync(file, 'utf8').split(fixture('everything')).join(join(dir, 'gone.yaml')));
  const m = buildReport(readTranscript(moved));
  assert.equal(m.runbook.now, 'unavailable');
  assert.ok(!m.mermaid.includes('never'), 'only steps the run entered');
  assert.match(m.mermaid, /s_look -->\|"seen.stdout contains 'mode is full'"\| s_flaky/);
  assert.match(renderMarkdown(m), /the runbook has changed or is gone, so only the path is drawn/);
});

test('report CLI: -o writes the file, --format json prints the model', async (t) => {
  const { dir, file } = await everythingTranscript(t);
  const out = join(dir, 'pm', 'postmortem.md');
  const md = await cli(['report', file, '-o', out]);
  assert.equal(md.code, 0, md.stderr);
  assert.equal(md.stdout, '');
  assert.match(readFileSync(out, 'utf8'), /^# Postmortem: Every event a run can record/);
  const json = await cli(['report', file, '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const model = JSON.parse(json.stdout) as { outcome: string; timeline: unknown[] };
  assert.equal(model.outcome, 'resolved');
  assert.ok(model.timeline.length > 5);
  const missing = await cli(['report', join(dir, 'nope.jsonl')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /^runbook: cannot read transcript .*no such file or directory \(ENOENT\)\n$/);
});
