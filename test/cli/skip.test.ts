// `--skip <step-id>` (issue #32): the gate's `s` answer decided before the run. The step never runs, it is recorded
// skipped by the operator, the run takes its skip route; an id that is no step (or an end step) stops the command
// before anything runs, exit 2. Through the built CLI in plain mode, as an operator meets it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';
import { schemaProblems } from '../helpers/transcript-schema.js';

interface Fixture { dir: string; file: string; looked: string; restarted: string; inner: string; transcript: string }

/** look (safe, writes a marker where it can) → restart-app (destructive, writes a marker; skipped → left) → done; `call` runs
 *  a child runbook whose destructive step writes a third marker. */
function fixture(t: { after(fn: () => void): void }): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-skip-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const f = { dir, file: join(dir, 'rb.yaml'), looked: join(dir, 'looked'), restarted: join(dir, 'restarted'), inner: join(dir, 'inner'), transcript: join(dir, 't.jsonl') };
  writeFileSync(join(dir, 'child.yaml'), `name: child
title: Child
steps:
  - id: purge
    destructive: true
    shell: touch ${f.inner}
  - id: fine
    end: resolved
    message: child done
`);
  writeFileSync(f.file, `name: t
title: T
steps:
  - id: look
    shell: touch ${f.looked} 2>/dev/null || echo "read-only (a dry run's sandbox)"
    destructive: false
    safe_because: writes the test's marker file
  - id: call
    runbook: { name: child }
  - id: restart-app
    destructive: true
    shell: touch ${f.restarted}
    on: { skipped: left }
  - id: done
    end: resolved
    message: restarted
  - id: left
    end: escalate
    message: restart-app left alone
`);
  return f;
}

type Line = Record<string, unknown>;
const lines = (file: string): Line[] => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Line);

test('--skip a destructive step: it never runs, is recorded skipped by the operator, and the run takes its skip route', (t) => {
  const f = fixture(t);
  const r = cli(['run', f.file, '--plain', '--approve', 'call/purge', '--skip', 'restart-app', '--transcript', f.transcript]);
  assert.equal(r.code, 1, r.stdout + r.stderr); // the skip route ends escalate
  assert.ok(existsSync(f.looked), 'the steps before it ran');
  assert.ok(!existsSync(f.restarted), 'the skipped step did not run');
  assert.match(r.stdout, /skipped\s+restart-app \(by the operator with --skip\)/);
  assert.doesNotMatch(r.stdout, /approved restart-app|STOPPED/);
  const record = lines(f.transcript);
  assert.deepEqual(record.filter((l) => l.stepId === 'restart-app').map((l) => l.type), ['step-skipped']);
  const skipped = record.find((l) => l.type === 'step-skipped')!;
  assert.equal(skipped.reason, 'operator');
  assert.equal(skipped.detail, 'with --skip');
  assert.ok(record.some((l) => l.type === 'branch' && l.from === 'restart-app' && l.to === 'left' && l.via === 'on'));
  assert.equal(record.at(-1)!.outcome, 'escalate');
  assert.deepEqual(schemaProblems(f.transcript).problems, []);
  const report = cli(['report', f.transcript]);
  assert.match(report.stdout, /skipped by the operator with --skip/);
});

test('--skip a read-only step and a called runbook\'s step: neither runs, the rest does', (t) => {
  const f = fixture(t);
  const r = cli(['run', f.file, '--plain', '--skip', 'look', '--skip', 'call/purge', '--approve', 'restart-app', '--no-transcript']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.ok(!existsSync(f.looked), 'the skipped read-only step did not run');
  assert.ok(!existsSync(f.inner), "the called runbook's skipped step did not run");
  assert.ok(existsSync(f.restarted), 'the approved step ran');
  assert.match(r.stdout, /skipped\s+look \(by the operator with --skip\)/);
  assert.match(r.stdout, /skipped\s+call\/purge \(by the operator with --skip\)/);
});

test('--skip in a dry run: the step is not shown as one a real run would ask about', (t) => {
  const f = fixture(t);
  const r = cli(['run', f.file, '--plain', '--dry-run', '--skip', 'restart-app', '--transcript', f.transcript]);
  assert.equal(r.code, 1, r.stdout + r.stderr);
  assert.ok(!existsSync(f.restarted) && !existsSync(f.inner));
  assert.match(r.stdout, /skipped\s+restart-app \(by the operator with --skip\)/);
  const record = lines(f.transcript);
  assert.ok(!record.some((l) => l.type === 'confirmation-requested' && l.stepId === 'restart-app'), 'no gate for a skipped step');
  assert.ok(record.some((l) => l.type === 'confirmation-requested' && l.stepId === 'call/purge'), 'the others are still gated');
  assert.equal(record.at(-1)!.outcome, 'escalate');
});

test('--skip with an id that is no step, or an end step: one line, exit 2, nothing runs', (t) => {
  const f = fixture(t);
  const typo = cli(['run', f.file, '--plain', '--skip', 'restart-ap', '--transcript', f.transcript]);
  assert.equal(typo.code, 2, typo.stdout + typo.stderr);
  assert.equal(typo.stderr.trim(), "runbook: --skip restart-ap: runbook 't' has no step 'restart-ap' — did you mean 'restart-app'?");
  const nested = cli(['run', f.file, '--plain', '--skip', 'call/purg', '--no-transcript']);
  assert.equal(nested.code, 2, nested.stdout + nested.stderr);
  assert.match(nested.stderr, /--skip call\/purg: runbook 't' has no step 'call\/purg' — did you mean 'call\/purge'\?/);
  const end = cli(['run', f.file, '--plain', '--skip', 'done', '--no-transcript']);
  assert.equal(end.code, 2, end.stdout + end.stderr);
  assert.match(end.stderr, /--skip done: step 'done' of runbook 't' is an end step, which cannot be skipped/);
  assert.ok(!existsSync(f.looked), 'no step ran');
  assert.ok(!existsSync(f.transcript), 'no run started');
});

test('run --help lists --skip beside --approve', () => {
  const r = cli(['run', '--help']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /--approve <step-id>[^\n]*\n(?:[^\n]*\n)*?\s+--skip <step-id>\s+skip this step without running it/);
});
