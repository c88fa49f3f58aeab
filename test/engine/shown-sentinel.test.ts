// "Shown, not run" is known by the dry run's own events, never by a result's value (a probe of stop 73: a real
// run whose operator answered `dry-run` ended "0 ok, 1 shown, not run": the stand-in result's `value: dry-run`
// was the marker, and a manual or prompt answer sits in the same field). Real runs whose manual answer, prompt
// answers and a shell step's output are sentinel-like strings (generated, fixed seed, and the probe's own) count
// every step ok in the end line, the run-finished line, the report and the UI's record, and a case made from the
// transcript keeps the answers; a dry run of the same runbook still counts its stand-ins as shown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { cli } from '../helpers/cli.js';
import { rng } from '../helpers/rng.js';
import type { RunEvent } from '../../src/engine/events.js';
import { finalRecordRows } from '../../src/ui/frame/final-record.js';
import { initialViewModel, reduce } from '../../src/ui/view-model.js';

/** Strings the engine, the screens or the report use of their own accord. */
const SENTINELS = ['dry-run', 'shown', 'skipped', 'skipped by operator', 'ok', 'dry run', 'not run', 'resolved', 'aborted', 'done'];

const runbook = ([manual, choice, free]: string[]) => `name: sentinels
title: Sentinel-like answers
steps:
  - id: failover
    title: Fail the primary over by hand
    destructive: true
    manual: { instructions: Promote the replica now., choices: ${JSON.stringify(['finished', manual])} }
  - id: which
    prompt: { message: Which one?, choices: ${JSON.stringify(['other', choice])} }
  - id: free
    prompt: { message: Anything to add? }
  - id: echo
    shell: printf '%s' ${JSON.stringify(free)}
  - id: restart
    destructive: true
    shell: "true"
  - { id: end, end: resolved, message: done }
`;

type Line = { type: string; steps?: Record<string, number> };
const lines = (file: string): Line[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);

/** The counts every surface shows for the run recorded at `transcript`, with the end line plain mode printed. */
function surfaces(out: string, transcript: string): { end: string; finished: unknown; report: string; record: string } {
  const events = lines(transcript);
  const report = cli(['report', transcript]);
  assert.equal(report.code, 0, report.stderr);
  const vm = events.filter((e) => e.type !== 'header').reduce((v, e, i) => reduce(v, e as unknown as RunEvent, 1_000 + i), initialViewModel());
  return {
    end: /^finished .*$/m.exec(out)?.[0] ?? out,
    finished: events.find((e) => e.type === 'run-finished')?.steps,
    report: /\*\*Steps:\*\* (.*)$/m.exec(report.stdout)?.[1] ?? report.stdout,
    record: finalRecordRows(vm, 200).map((r) => r.map((s) => s.text).join('')).find((r) => r.includes(' ok, ')) ?? '',
  };
}

const random = rng(73);
const pick = () => SENTINELS[Math.floor(random() * SENTINELS.length)]!;
const trials = [['dry-run', 'dry-run', 'dry-run'], ...Array.from({ length: 4 }, () => [pick(), pick(), pick()])];

for (const answers of trials) {
  test(`answers ${JSON.stringify(answers)}: a real run counts them ok; a dry run counts its stand-ins shown`, (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'runbook-sentinel-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'sentinels.yaml');
    writeFileSync(file, runbook(answers));
    const [manual, choice, free] = answers as [string, string, string];

    const real = join(dir, 'real.jsonl');
    const r = cli(['run', file, '--plain', '--yes', '--transcript', real], { input: `${manual}\n${choice}\n${free}\n` });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const got = surfaces(r.stdout, real);
    const all = '5 ok, 0 failed, 0 skipped';
    assert.match(got.end, new RegExp(`^finished resolved in .* \\(${all}\\): done$`));
    assert.deepEqual(got.finished, { ok: 5, failed: 0, skipped: 0 });
    assert.equal(got.report, all);
    assert.match(got.record, new RegExp(`\\(${all}\\)`));
    // The case made from the run scripts the answers as given.
    const made = cli(['test', '--from-transcript', real]);
    assert.equal(made.code, 0, made.stdout + made.stderr);
    const steps = (load(made.stdout) as { cases: { steps: Record<string, { value?: string }> }[] }).cases[0]!.steps;
    assert.deepEqual([steps.failover?.value, steps.which?.value, steps.free?.value], [manual, choice, free]);

    const dry = join(dir, 'dry.jsonl');
    const d = cli(['run', file, '--plain', '--dry-run', '--transcript', dry], { input: `${choice}\n${free}\n` });
    assert.equal(d.code, 0, d.stdout + d.stderr);
    const shown = surfaces(d.stdout, dry);
    const some = '3 ok, 2 shown, not run, 0 failed, 0 skipped';
    assert.match(shown.end, new RegExp(`\\(${some}\\)`));
    assert.deepEqual(shown.finished, { ok: 3, failed: 0, skipped: 0, shown: 2 });
    assert.equal(shown.report, some);
    assert.match(shown.record, new RegExp(`\\(${some}\\)`));
  });
}
