// Issue #18: `runbook test --from-transcript` turns a real run into a regression case. Real runs through the CLI
// (real shell steps, a gate approved with --approve), the case written from their transcripts, then
// `runbook test` on it: it passes against the runbook the run used, and fails once an edit changes the route.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

const runbook = (state: string) => `name: svc
title: Service down
inputs:
  service: { default: app }
  state: { default: ${state} }
steps:
  - id: check
    shell: cat \${{ inputs.state }} 2>/dev/null || echo inactive
    capture: check
    next:
      - if: check.output == 'active'
        goto: healthy
  - id: restart
    destructive: true
    shell: echo active > \${{ inputs.state }}
    on: { skipped: left-alone }
  - id: verify
    shell: cat \${{ inputs.state }}
    capture: verify
    next:
      - if: verify.output == 'active'
        goto: restarted
  - id: still-down
    end: escalate
    message: still down
  - id: restarted
    end: resolved
    message: "\${{ inputs.service }} restarted"
  - id: healthy
    end: resolved
    message: healthy
  - id: left-alone
    end: escalate
    message: left alone
`;

test('a real run becomes a case that passes; a second run is added to the same file; an edit that changes the route fails it', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'svc.yaml');
  const cases = join(dir, 'svc.cases.yaml');
  writeFileSync(file, runbook(join(dir, 'state')));

  // The incident: the service is down, the restart is approved, it comes back.
  const first = cli(['run', file, '--plain', '--approve', 'restart', '--transcript', join(dir, 'a.jsonl')]);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  const made = cli(['test', '--from-transcript', join(dir, 'a.jsonl'), '-o', cases]);
  assert.equal(made.code, 0, made.stdout + made.stderr);
  assert.match(made.stdout, /added case 'resolved at restarted: run [0-9a-f]{8} \(.* UTC\)' to /);
  const written = readFileSync(cases, 'utf8');
  assert.match(written, /^cases:\n/, 'no schema beside it: no modeline pointing at a file that is not there');
  assert.match(written, /gates:\n\s+restart: 'yes'/);
  assert.match(written, /stdout: \|\n\s+inactive/);

  // The next run finds it healthy (the state file says active); its case goes into the same file.
  const second = cli(['run', file, '--plain', '--transcript', join(dir, 'b.jsonl')]);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.equal(cli(['test', '--from-transcript', join(dir, 'b.jsonl'), '-o', cases]).code, 0);

  const passing = cli(['test', file, '--cases', cases, '--no-require-full-coverage']);
  assert.equal(passing.code, 0, passing.stdout + passing.stderr);
  assert.match(passing.stdout, /2 cases: 2 passed, 0 failed/);

  // Someone edits the verification: the recorded incident now takes another route, and its case says so.
  writeFileSync(file, runbook(join(dir, 'state')).replace("verify.output == 'active'", "verify.output == 'running'"));
  const failing = cli(['test', file, '--cases', cases, '--no-require-full-coverage']);
  assert.equal(failing.code, 1, failing.stdout + failing.stderr);
  assert.match(failing.stdout, /FAIL\s+resolved at restarted/i);
  assert.match(failing.stdout, /first difference at step 4: expected 'restarted', the run went to 'still-down'/);
  assert.match(failing.stdout, /2 cases: 1 passed, 1 failed/);
});

test('a transcript of a run that did not finish makes no case, and says why', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'svc.yaml');
  writeFileSync(file, runbook(join(dir, 'state')));
  const run = cli(['run', file, '--plain', '--yes', '--transcript', join(dir, 'a.jsonl')]);
  assert.equal(run.code, 0, run.stderr);
  const lines = readFileSync(join(dir, 'a.jsonl'), 'utf8').trimEnd().split('\n');
  writeFileSync(join(dir, 'cut.jsonl'), `${lines.filter((l) => !l.includes('"run-finished"')).join('\n')}\n`);
  const r = cli(['test', '--from-transcript', join(dir, 'cut.jsonl')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stderr, /the run has not finished \(it was interrupted or is still running\)/);
});

test("an operator's answer to a manual step is the case's scripted answer", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'man.yaml');
  writeFileSync(file, `name: man
title: Manual
steps:
  - id: look
    manual: { instructions: Look at the dashboard, choices: [fixed, not-fixed] }
    on: { fixed: done, not-fixed: page }
  - id: done
    end: resolved
    message: fixed
  - id: page
    end: escalate
    message: paged
`);
  const run = cli(['run', file, '--plain', '--transcript', join(dir, 'm.jsonl')], { input: 'not-fixed\n' });
  assert.equal(run.code, 1, run.stdout + run.stderr);
  const printed = cli(['test', '--from-transcript', join(dir, 'm.jsonl')]);
  assert.equal(printed.code, 0, printed.stderr);
  assert.match(printed.stdout, /^cases:\n/);
  assert.match(printed.stdout, /look:\n\s+status: ok\n\s+value: not-fixed/);
  writeFileSync(join(dir, 'man.cases.yaml'), printed.stdout);
  const r = cli(['test', file, '--no-require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /pass\s+escalate at page/);
});
