// Resume replays, never re-runs, what finished — at every depth of called runbooks. A real run of a runbook that
// calls another (depth 1) and one that calls one that calls another (depth 2) is recorded, then cut after every
// one of its lines, as a kill -9 at that moment would leave it; each cut is resumed (--yes). The property, over
// all cut points: no step that had finished before the cut runs again, every step that had not runs exactly once,
// and the run ends resolved (or is refused as finished when the cut came after its end).
// The run is the real CLI (bundle); the resumes go through the `resume` command itself, in this process (its
// output captured), to keep ~80 resumes cheap. Each step appends its own id to a file of its cut.
import { ownCrash } from '../helpers/own-crash.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { resumeHere } from './resume-here.js';
import { cli, scratch } from './helpers.js';
import { schemaProblems } from '../helpers/transcript-schema.js';

const step = (id: string, destructive: boolean, skipped?: string) => [
  `  - id: ${id}`,
  ...(destructive ? ['    destructive: true'] : ['    destructive: false', "    safe_because: writes only the test's own marker file"]),
  `    shell: echo ${id} >> \${{ inputs.out }}`,
  ...(skipped ? [`    on: { skipped: ${skipped} }`] : []),
];

function runbooks(dir: string, depth: number): string {
  const write = (name: string, lines: string[]) => writeFileSync(join(dir, `${name}.yaml`), `${lines.join('\n')}\n`);
  write('level0', ['name: level0', 'title: Innermost', 'inputs:', '  out: { required: true }', 'steps:',
    ...step('mark', true), ...step('check', false), '  - id: done', '    end: resolved', '    message: inner done']);
  for (let level = 1; level <= depth; level++) {
    write(`level${level}`, [`name: level${level}`, `title: Calls level ${level - 1}`, 'inputs:', '  out: { required: true }', 'steps:',
      ...step(`before${level}`, false),
      `  - id: call${level}`, `    runbook: { name: ./level${level - 1}.yaml, inputs: { out: "\${{ inputs.out }}" } }`,
      // Its skip routed: an unrouted one, straight into resolved, is a validation warning (gate-skipped-to-resolved).
      ...step(`after${level}`, true, 'kept'),
      '  - id: done', '    end: resolved', `    message: level ${level} done`,
      '  - id: kept', '    end: escalate', `    message: level ${level} skipped after${level}`]);
  }
  return join(dir, `level${depth}.yaml`);
}

type Line = { type: string; stepId?: string; willRetry?: boolean; from?: string; to?: string };

/** Shell steps that had finished before the cut (their full ids: `call2/call1/mark`). */
function finishedShellSteps(lines: Line[]): Set<string> {
  const started = new Map<string, string>();
  const done = new Set<string>();
  for (const l of lines) {
    if (l.type === 'step-started' && (l as { kind?: string }).kind === 'shell') started.set(l.stepId!, l.stepId!);
    if (l.type === 'step-finished' && !l.willRetry && started.has(l.stepId!)) done.add(l.stepId!);
  }
  return done;
}


for (const depth of [1, 2]) {
  test(`depth ${depth}: cut after every line of a real nested run and resumed, no finished step runs again, the rest run once`, { timeout: 300_000 }, async (t) => {
    const dir = scratch(t);
    const top = runbooks(dir, depth);
    const out = join(dir, 'marks');
    const full = join(dir, 'full.jsonl');
    const r = await cli(['run', top, '--plain', '--yes', '--transcript', full, '--input', `out=${out}`]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const text = readFileSync(full, 'utf8').trimEnd().split('\n');
    const checked = schemaProblems(full);
    assert.deepEqual(checked.problems, [], 'every line validates against the published schema');
    assert.ok(checked.types.has('called-runbook'));
    const all = [...finishedShellSteps(text.map((l) => JSON.parse(l) as Line))];
    assert.equal(all.length, 2 + 2 * depth, `every shell step ran: ${all.join(' ')}`);
    const inner = `${Array.from({ length: depth }, (_, i) => `call${depth - i}`).join('/')}/mark`;
    assert.ok(all.includes(inner));
    let resumed = 0;
    let endedBefore = 0;
    // Every cut from just after run-started to just before run-finished.
    for (let k = 2; k < text.length; k++) {
      const marks = join(dir, `marks-${k}`);
      const cut = join(dir, `cut-${k}.jsonl`);
      // Each cut a crash of its own run (its own run id): cuts of one run are refused as copies it went further than.
      writeFileSync(cut, ownCrash(text.slice(0, k).join('\n'), out, marks));
      const before = text.slice(0, k).map((l) => JSON.parse(l) as Line);
      const finished = finishedShellSteps(before);
      const res = await resumeHere(cut);
      const ran = existsSync(marks) ? readFileSync(marks, 'utf8').trim().split('\n').filter(Boolean) : [];
      const where = `cut after line ${k} (${before[k - 1]!.type} ${before[k - 1]!.stepId ?? before[k - 1]!.to ?? ''})`;
      // A run that had reached its own end step (killed before its finish line) runs nothing: its end is taken
      // again, so the record says how it ended (the loop below: nothing ran, the last line is its finish).
      if (before.some((l) => l.type === 'branch' && !l.from!.includes('/') && l.to === 'done')) endedBefore++;
      assert.equal(res.refused, undefined, `${where}: refused: ${res.refused}`);
      assert.equal(res.code, 0, `${where}:\n${res.output}`);
      resumed++;
      const leaf = (id: string) => id.slice(id.lastIndexOf('/') + 1);
      for (const id of all) {
        const times = ran.filter((m) => m === leaf(id)).length;
        assert.equal(times, finished.has(id) ? 0 : 1, `${where}: step ${id} ran ${times} times after the resume (finished before the cut: ${finished.has(id)})\n${res.output}`);
      }
      const after = readFileSync(cut, 'utf8').trimEnd().split('\n').slice(k).map((l) => JSON.parse(l) as Line);
      for (const id of finished) assert.ok(!after.some((l) => l.type === 'step-started' && l.stepId === id), `${where}: ${id} started again`);
      assert.equal(after.at(-1)?.type, 'run-finished');
      assert.equal((after.at(-1) as { outcome?: string }).outcome, 'resolved', where);
    }
    assert.ok(resumed > 10 && endedBefore === 1, `resumed ${resumed}, of which cut after the end's branch ${endedBefore}`);
  });
}

test('a called runbook that changed since the run started is refused unless --force; one that cannot be loaded is refused, never started over', async (t) => {
  const dir = scratch(t);
  const top = runbooks(dir, 2);
  const out = join(dir, 'marks');
  const full = join(dir, 'full.jsonl');
  const r = await cli(['run', top, '--plain', '--yes', '--transcript', full, '--input', `out=${out}`]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const text = readFileSync(full, 'utf8').trimEnd().split('\n');
  const at = text.findIndex((l) => { const x = JSON.parse(l) as Line; return x.type === 'step-finished' && x.stepId === 'call2/call1/mark'; });
  const cut = (name: string) => {
    const file = join(dir, `${name}.jsonl`);
    // Each cut a crash of its own run (its own run id), not a copy of this one.
    writeFileSync(file, ownCrash(text.slice(0, at + 1).join('\n'), out, join(dir, `marks-${name}`)));
    return file;
  };
  const called = (line: string) => JSON.parse(line) as { type: string; stepId: string; runbook: { file: string; sha256: string } };
  const records = text.filter((l) => l.includes('"called-runbook"')).map(called);
  assert.deepEqual(records.map((l) => [l.stepId, l.runbook.file]), [['call2', join(dir, 'level1.yaml')], ['call2/call1', join(dir, 'level0.yaml')]],
    'each called runbook\'s file and sha256 is recorded, at every depth');

  const level0 = join(dir, 'level0.yaml');
  const original = readFileSync(level0, 'utf8');
  writeFileSync(level0, original.replace('id: mark', 'id: mark_v2').replace('echo mark', 'echo mark_v2'));
  const changed = cut('changed');
  const size = readFileSync(changed, 'utf8').length;
  const refused = await resumeHere(changed);
  assert.match(refused.refused ?? '', /^the runbook .*level0\.yaml called by step 'call2\/call1' has changed since this run started \(sha256 [0-9a-f]{12} → [0-9a-f]{12}\); .*--force/);
  assert.equal(readFileSync(changed, 'utf8').length, size, 'the transcript is untouched');
  assert.equal(existsSync(join(dir, 'marks-changed')), false, 'nothing ran');

  writeFileSync(level0, original);
  const moved = cut('moved');
  writeFileSync(level0.replace('level0', 'elsewhere'), original);
  writeFileSync(level0, 'not: a runbook\n');
  const unloadable = await resumeHere(moved);
  // Loading level1 checks its own calls, so the refusal comes at the outer call, naming the broken file.
  assert.match(unloadable.refused ?? '', /^cannot resume: the run was inside the runbook called by step 'call2(\/call1)?' \(.*\), which cannot be loaded now: .*level0\.yaml/);
  assert.equal(existsSync(join(dir, 'marks-moved')), false, 'nothing ran, nothing started over');
  // What it cannot be loaded for comes first: a warning in the runbook is not why (it is listed after the errors).
  const level1 = join(dir, 'level1.yaml');
  const routed = readFileSync(level1, 'utf8');
  writeFileSync(level1, routed.replace('    on: { skipped: kept }\n', ''));
  const warned = await resumeHere(cut('warned'));
  assert.match(warned.refused ?? '', /which cannot be loaded now: \S*level1\.yaml:\d+:\d+: error: the called runbook has errors; the first: \S*level0\.yaml:1:1: error: .*\n\S*level1\.yaml:\d+:\d+: warning: .*\[gate-skipped-to-resolved\]/);
  assert.equal(existsSync(join(dir, 'marks-warned')), false, 'nothing ran, nothing started over');
  writeFileSync(level1, routed);

  writeFileSync(level0, original.replace('title: Innermost', 'title: Innermost, edited'));
  const forced = cut('forced');
  const done = await resumeHere(forced, [], { force: true });
  assert.equal(done.code, 0, done.output);
  assert.match(done.output, /--force: continuing inside .*level0\.yaml \(called by step 'call2\/call1'\), changed since the run started/);
  assert.deepEqual(readFileSync(join(dir, 'marks-forced'), 'utf8').trim().split('\n'), ['check', 'after1', 'after2'], 'mark did not run again');
});
