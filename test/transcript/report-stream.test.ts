// `runbook report` writes from the file in passes (transcript/report/stream.ts); the in-memory model (buildReport
// over the file read whole) is the reference. Every prefix of a real run's transcript (a run cut off at each
// line, alternately with its next line torn), with and without its runbook, resumed, in both formats: the texts must
// be identical. And jsonPieces against JSON.stringify on generated values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { readTranscript } from '../../src/transcript/reader.js';
import { buildReport } from '../../src/transcript/report/build.js';
import { renderMarkdown } from '../../src/transcript/report/markdown.js';
import { Lazy, jsonPieces } from '../../src/transcript/report/json-stream.js';
import { reportText } from '../../src/cli/commands/report.js';
import { terminalJson } from '../../src/common/terminal-text.js';
import { EVERYTHING_SCRIPT, fixture, loadRunbookFile, runWithTranscript, scratch } from './helpers.js';

function same(file: string, what: string): void {
  const model = buildReport(readTranscript(file));
  assert.equal(reportText(file, 'markdown'), renderMarkdown(model), `markdown of ${what}`);
  assert.equal(reportText(file, 'json'), `${terminalJson(model, 2)}\n`, `json of ${what}`);
}

test('report written in passes is the report of the transcript read whole: every prefix of a real run, torn or not', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'everything.jsonl');
  await runWithTranscript(loadRunbookFile(fixture('everything')), { dir }, file, EVERYTHING_SCRIPT);
  const lines = readFileSync(file, 'utf8').split('\n').filter(Boolean);
  assert.ok(lines.length > 40, `a run of some length (${lines.length} lines)`);
  const cut = join(dir, 'cut.jsonl');
  // Cut after each line, alternately whole and with the next line half written (each report is four readings).
  for (let n = 1; n <= lines.length; n++) {
    const next = lines[n];
    if (n % 2 === 0 || next === undefined) {
      writeFileSync(cut, `${lines.slice(0, n).join('\n')}\n`);
      same(cut, `the first ${n} lines`);
    } else {
      writeFileSync(cut, `${lines.slice(0, n).join('\n')}\n${next.slice(0, Math.floor(next.length / 2))}`);
      same(cut, `the first ${n} lines and half of the next`);
    }
  }
  // Without its runbook (the path alone is drawn), and resumed by hand (a resumed line in the middle).
  const moved = join(dir, 'moved.jsonl');
  writeFileSync(moved, readFileSync(file, 'utf8').split(fixture('everything')).join(join(dir, 'gone.yaml')));
  same(moved, 'the run without its runbook');
  const middle = Math.floor(lines.length / 2);
  const resumed = JSON.stringify({ type: 'resumed', ts: JSON.parse(lines[middle]!).ts, stepId: 'restart', phase: 'enter', operator: 'other', sha256: '0'.repeat(64), fromLine: middle });
  writeFileSync(cut, `${[...lines.slice(0, middle), resumed, ...lines.slice(middle)].join('\n')}\n`);
  same(cut, 'the run with a resume in the middle');
});

test('jsonPieces writes what JSON.stringify(value, null, 2) writes, lists given lazily or not', () => {
  const leaf = fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null), fc.constant(undefined));
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('value'), { maxKeys: 4 })),
  }));
  fc.assert(fc.property(value, fc.infiniteStream(fc.boolean()), (v, lazy) => {
    const wrap = (x: unknown): unknown => {
      if (Array.isArray(x)) { const items = x.map(wrap); return lazy.next().value ? new Lazy(() => items) : items; }
      if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, wrap(y)]));
      return x;
    };
    const expected = JSON.stringify(v, null, 2);
    // A top-level undefined is no JSON document; as a member or an element it is what JSON.stringify makes it.
    if (expected === undefined) return;
    assert.equal([...jsonPieces(wrap(v))].join(''), expected);
  }), { seed: 51, numRuns: 2000 });
});
