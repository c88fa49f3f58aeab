// A resumed run reads a finished step's output back from the transcript. Where the record lost part of it (a
// finish line torn by a kill or a full disk, read back as "ended" with its output cut; output lines that did not
// all reach the file, restored in part with a note appended), a step after the cut must not act on what is left:
// a destructive for_each over the step's lines ran on the note '[the transcript holds only part of this
// output: …]' as one of its items, or on none at all, while the first run acted on the real list. Generated over
// every output line lost and torn finishes cut at every few bytes: the resume is refused with nothing run, or
// the step acts on exactly the real list.
import { ownCrash } from '../helpers/own-crash.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { resumeHere } from '../transcript/resume-here.js';
import { cli, scratch } from '../transcript/helpers.js';

// Three items long enough that the finish line names the output (over 1 KiB) instead of repeating it.
const ITEMS = ['a', 'b', 'c'].map((c) => `item-${c}-${c.repeat(500)}`);

function runbookOf(dir: string): string {
  const file = join(dir, 'rb.yaml');
  writeFileSync(file, `${['name: lost', 'title: Lost records', 'inputs:', '  out: { required: true }', 'steps:',
    '  - id: list', '    destructive: false', '    safe_because: prints constants',
    // Written in three chunks a little apart: three output lines.
    `    shell: for i in ${ITEMS.join(' ')}; do printf '%s\\n' "$i"; sleep 0.2; done`,
    '    capture: list',
    '  - id: act', '    destructive: true', '    for_each: { in: "lines(list.output)", as: p }',
    `    shell: printf '%s\\n' \${{ p }} >> \${{ inputs.out }}`, '    on: { skipped: kept }',
    '  - id: done', '    end: resolved', '    message: done', '  - id: kept', '    end: escalate', '    message: skipped'].join('\n')}\n`);
  return file;
}


type Line = { type: string; stepId?: string };

test('resume never acts on output its record lost (output lines missing, a torn finish)', { timeout: 180_000 }, async (t) => {
  const dir = scratch(t);
  const rb = runbookOf(dir);
  const out = join(dir, 'marks');
  const full = join(dir, 'full.jsonl');
  const r = await cli(['run', rb, '--plain', '--yes', '--transcript', full, '--input', `out=${out}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.deepEqual(readFileSync(out, 'utf8').trimEnd().split('\n'), ITEMS, 'the first run acted on the real list');
  const text = readFileSync(full, 'utf8').trimEnd().split('\n');
  const lines = text.map((l) => JSON.parse(l) as Line & { output?: unknown });
  const finish = lines.findIndex((l) => l.type === 'step-finished' && l.stepId === 'list');
  assert.ok(lines[finish]!.output, 'the finish line names the output instead of repeating it');
  const outputs = lines.flatMap((l, i) => (l.type === 'step-output' && l.stepId === 'list' ? [i] : []));
  assert.ok(outputs.length >= 2, `the output came in ${outputs.length} lines`);

  const cuts: { what: string; body: string[] }[] = [];
  // A lost output line: the finish names more output than the lines hold.
  for (const i of outputs) cuts.push({ what: `output line ${i + 1} lost`, body: text.slice(0, finish + 1).filter((_, j) => j !== i) });
  // A torn finish: the line cut short, as a kill or a full disk leaves it (every 9 bytes past its step id).
  const line = text[finish]!;
  for (let n = line.indexOf('"result"'); n < line.length; n += 9) cuts.push({ what: `finish torn at byte ${n}`, body: [...text.slice(0, finish), line.slice(0, n)] });

  let refused = 0;
  for (const [k, c] of cuts.entries()) {
    const marks = join(dir, `marks-${k}`);
    const cut = join(dir, `cut-${k}.jsonl`);
    writeFileSync(cut, ownCrash(c.body.join('\n'), out, marks));
    const res = await resumeHere(cut);
    const wrote = existsSync(marks) ? readFileSync(marks, 'utf8').trimEnd().split('\n') : [];
    if (res.refused !== undefined) {
      assert.match(res.refused, /lost|masked|part/, `${c.what}: ${res.refused}`);
      assert.deepEqual(wrote, [], `${c.what}: refused, yet something ran`);
      refused++;
    } else {
      assert.deepEqual(wrote, ITEMS, `${c.what}: the resumed for_each acted on another list than the run had: ${wrote.map((w) => w.slice(0, 60)).join(" | ")}`);
    }
  }
  assert.ok(refused > 0, 'some cut lost what the rest of the run acts on');
});
