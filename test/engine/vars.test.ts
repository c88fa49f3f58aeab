// Issue #18: named values. A vars step computes them once, in order, from the run's data; later steps read
// vars.<name>. Real runs (real shell, real transcript), a real resume, and the validator's located errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRunbook } from '../../src/language/runbook.js';
import { readTranscript } from '../../src/transcript/reader.js';
import { findResumePoint } from '../../src/resume/point.js';
import { loadRunbookFile, runWithTranscript, scratch } from '../transcript/helpers.js';

const RUNBOOK = `name: vars-demo
title: Vars demo
inputs:
  token: { secret: true }
  out: {}
steps:
  - id: disk
    shell: echo 2048
    capture: usage
  - id: compute
    vars:
      used_gb: number(usage.output) / 1024
      full: vars.used_gb > 1
      auth: "'Bearer ' + inputs.token"
  - id: write
    destructive: false
    safe_because: writes only the test's own marker file
    shell: printf '%s %s %s' \${{ vars.used_gb }} \${{ vars.full }} \${{ vars.auth }} > \${{ inputs.out }}
    next:
      - if: vars.full
        goto: full
  - id: fine
    end: resolved
  - id: full
    end: escalate
    message: "full: \${{ vars.used_gb }} GB"
`;

function setup(t: Parameters<typeof scratch>[0]) {
  const dir = scratch(t);
  const file = join(dir, 'vars.yaml');
  writeFileSync(file, RUNBOOK);
  return { dir, runbook: loadRunbookFile(file) };
}

test('a vars step computes its values in order; later steps read them; the transcript records them, secrets masked', async (t) => {
  const { dir, runbook } = setup(t);
  const out = join(dir, 'out');
  const transcript = join(dir, 't.jsonl');
  const end = await runWithTranscript(runbook, { token: 's3cr3t-token', out }, transcript);
  assert.equal(end.outcome, 'escalate');
  assert.equal(end.message, 'full: 2 GB');
  assert.equal(readFileSync(out, 'utf8'), '2 true Bearer s3cr3t-token', 'the step used the real values');
  const text = readFileSync(transcript, 'utf8');
  assert.ok(!text.includes('s3cr3t-token'), 'the secret is in no line of the transcript');
  const finished = text.trimEnd().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'step-finished' && l.stepId === 'compute');
  // Computed from a secret: withheld whole by where it came from (the redactor alone kept 'Bearer ', stop 74).
  assert.deepEqual(finished.result.vars, { used_gb: 2, full: true, auth: '****' });
});

test('resume after the vars step: the values come back, those from secrets computed again from the inputs', async (t) => {
  const { dir, runbook } = setup(t);
  const out = join(dir, 'out');
  const file = join(dir, 't.jsonl');
  await runWithTranscript(runbook, { token: 's3cr3t-token', out }, file);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cut = lines.findIndex((l) => { const j = JSON.parse(l); return j.type === 'step-finished' && j.stepId === 'compute'; });
  const cutFile = join(dir, 'cut.jsonl');
  writeFileSync(cutFile, `${lines.slice(0, cut + 1).join('\n')}\n`);
  writeFileSync(out, '');
  const p = findResumePoint(readTranscript(cutFile), runbook.doc);
  assert.deepEqual([p.stepId, p.phase], ['compute', 'route']);
  const end = await runWithTranscript(runbook, { token: 's3cr3t-token', out }, cutFile, {}, {
    run: { resume: { stepId: p.stepId, phase: p.phase, context: { ...p.context, inputs: { token: 's3cr3t-token', out } } } },
    attach: { resume: { stepId: p.stepId, phase: p.phase } },
  });
  assert.equal(end.outcome, 'escalate');
  assert.equal(readFileSync(out, 'utf8'), '2 true Bearer s3cr3t-token', 'not the masked Bearer ****');
  const resumed = readFileSync(cutFile, 'utf8').trimEnd().split('\n').slice(cut + 1).map((l) => JSON.parse(l));
  assert.ok(!resumed.some((l) => l.type === 'step-started' && (l.stepId === 'compute' || l.stepId === 'disk')), 'nothing before the cut ran again');
});

test('a value that cannot be computed fails the step, naming the value; on: failed routes on it', async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'bad.yaml');
  writeFileSync(file, `name: bad\ntitle: Bad\ninputs:\n  re: {}\nsteps:\n  - id: v\n    vars:\n      x: "'a' matches inputs.re"\n    on: { failed: broken }\n  - id: done\n    end: resolved\n  - id: broken\n    end: escalate\n    message: "\${{ steps.v.error }}"\n`);
  const end = await runWithTranscript(loadRunbookFile(file), { re: '(' }, join(dir, 't.jsonl'));
  assert.equal(end.outcome, 'escalate');
  assert.match(end.message, /^vars\.x: .*regular expression/i);
});

test('validation: unknown names with did-you-mean, a value read before it is computed, duplicates and misplaced keys, all located', () => {
  const text = `name: t
title: T
steps:
  - id: a
    vars:
      used_gb: "1"
      full: vars.used_g > 1 and vars.later
      later: "2"
  - id: b
    vars:
      used_gb: "3"
    destructive: true
  - id: c
    shell: echo \${{ vars.ful }}
  - id: done
    end: resolved
`;
  const ds = parseRunbook(text, 't.yaml').diagnostics.filter((d) => d.severity === 'error');
  const got = ds.map((d) => [d.code, d.line, d.col]);
  assert.deepEqual(got, [
    ['unknown-var', 7, 13], ['unknown-var', 7, 33], ['duplicate-var', 11, 7], ['misplaced-key', 12, 5], ['unknown-var', 14, 21],
  ], JSON.stringify(ds));
  assert.match(ds[0]!.message, /vars\.used_g is not defined — did you mean 'used_gb'\?/);
  assert.match(ds[1]!.message, /vars\.later is defined after this value in the same step/);
  assert.match(ds[2]!.message, /already defined by step 'a'/);
  assert.match(ds[4]!.message, /vars\.ful is not defined/);
});

test('runbook test: a vars step computes from the scripted results before it; scripting it is a located error', async () => {
  const { onlyCase, testWith } = await import('../testing/helpers.js');
  const rb = `name: v
title: V
steps:
  - id: disk
    shell: df --output=pcent / | tail -1
    capture: usage
  - id: sizes
    vars:
      pct: number(trim(usage.output))
      full: vars.pct >= 90
    next:
      - if: vars.full
        goto: full
  - id: fine
    end: resolved
    message: "\${{ vars.pct }}% used"
  - id: full
    end: escalate
    message: "\${{ vars.pct }}% used"
`;
  const full = await onlyCase(rb, `  - name: full\n    steps: { disk: { stdout: " 95\\n" } }\n    path: [disk, sizes, full]\n    outcome: escalate\n    message: 95% used\n`);
  const fine = await onlyCase(rb, `  - name: fine\n    steps: { disk: { stdout: " 42\\n" } }\n    path: [disk, sizes, fine]\n    outcome: resolved\n    message: 42% used\n`);
  assert.equal(fine.pass, true, fine.lines.join('\n'));
  assert.equal(full.pass, true, full.lines.join('\n'));
  const scripted = await testWith(rb, `cases:\n  - name: scripted\n    steps: { sizes: { stdout: x } }\n    path: [disk, sizes, fine]\n    outcome: resolved\n`);
  assert.deepEqual(scripted.diagnostics.map((d) => [d.code, d.line, d.col]), [['vars-scripted', 3, 14]]);
  assert.match(scripted.diagnostics[0]!.message, /step 'sizes' is a vars step: it computes its values from the scripted results before it/);
});

test('a dry run computes vars too: they run nothing, so nothing is shown instead of run', async (t) => {
  const { dir, runbook } = setup(t);
  const out = join(dir, 'out');
  await runWithTranscript(runbook, { token: 's3cr3t-token', out }, join(dir, 't.jsonl'), {}, { run: { dryRun: true } });
  const lines = readFileSync(join(dir, 't.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l));
  const started = lines.find((l) => l.type === 'step-started' && l.stepId === 'compute');
  assert.equal(started.dryRun, undefined, 'not shown, sandboxed or run: computed');
  const compute = lines.find((l) => l.type === 'step-finished' && l.stepId === 'compute');
  assert.equal(compute.result.status, 'ok');
  assert.equal(compute.result.vars.auth, '****');
});

test('validation: a value read where some path never went through its vars step is a located warning', () => {
  const text = `name: t
title: T
steps:
  - id: check
    shell: echo 1
    next:
      - if: steps.check.output == '1'
        goto: report
  - id: sizes
    vars:
      pct: number(steps.check.output)
      full: vars.pct > 90
  - id: report
    shell: echo \${{ vars.pct }} \${{ default(vars.full, false) }}
  - id: done
    end: resolved
`;
  const ds = parseRunbook(text, 't.yaml').diagnostics;
  const warned = ds.filter((d) => d.code === 'maybe-unset');
  assert.deepEqual(warned.map((d) => [d.line, d.col]), [[14, 12]], JSON.stringify(ds));
  assert.match(warned[0]!.message, /'vars\.pct' may not be set here: some path to step 'report' never reaches 'sizes', which computes it/);
  assert.ok(!ds.some((d) => d.severity === 'error'), 'only a warning: the read gives null');
  assert.deepEqual(parseRunbook(RUNBOOK, 'vars.yaml').diagnostics.filter((d) => d.code === 'maybe-unset'), [], 'straight-line use warns nothing');
});

test('resume: vars cut from an oversized step-finished record are computed again', async (t) => {
  const { dir, runbook } = setup(t);
  const out = join(dir, 'out');
  const file = join(dir, 't.jsonl');
  await runWithTranscript(runbook, { token: 's3cr3t-token', out }, file);
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  const cut = lines.findIndex((l) => { const j = JSON.parse(l); return j.type === 'step-finished' && j.stepId === 'compute'; });
  // What the writer keeps of a record over the line limit: scalars, and the names of the fields it cut.
  const record = JSON.parse(lines[cut]!);
  record.result = { status: 'ok', durationMs: record.result.durationMs, truncated: { fields: ['vars'], reason: 'the record was over the limit' } };
  const cutFile = join(dir, 'cut.jsonl');
  writeFileSync(cutFile, `${[...lines.slice(0, cut), JSON.stringify(record)].join('\n')}\n`);
  writeFileSync(out, '');
  const p = findResumePoint(readTranscript(cutFile), runbook.doc);
  const end = await runWithTranscript(runbook, { token: 's3cr3t-token', out }, cutFile, {}, {
    run: { resume: { stepId: p.stepId, phase: p.phase, context: { ...p.context, inputs: { token: 's3cr3t-token', out } } } },
    attach: { resume: { stepId: p.stepId, phase: p.phase } },
  });
  assert.equal(end.message, 'full: 2 GB');
  assert.equal(readFileSync(out, 'utf8'), '2 true Bearer s3cr3t-token');
});
