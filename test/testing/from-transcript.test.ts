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

test('a for_each with mixed item results (2 ok, 1 failed) round-trips: each item\'s recorded result is scripted', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'fe.yaml');
  writeFileSync(file, `name: fe
title: For each
steps:
  - id: list
    shell: printf 'a\\nb\\nc\\n'
    capture: list
  - id: each
    for_each: { in: "lines(list.output)", as: x }
    shell: test \${{ x }} != b
    on: { failed: partial }
  - id: fine
    end: resolved
    message: all ok
  - id: partial
    end: escalate
    message: "partial \${{ steps.each.details.ok }} ok \${{ steps.each.details.failed }} failed"
`);
  const run = cli(['run', file, '--plain', '--transcript', join(dir, 't.jsonl')]);
  assert.equal(run.code, 1, run.stdout + run.stderr);
  assert.match(run.stdout, /partial 2 ok 1 failed/);
  assert.equal(cli(['test', '--from-transcript', join(dir, 't.jsonl'), '-o', join(dir, 'fe.cases.yaml')]).code, 0);
  const written = readFileSync(join(dir, 'fe.cases.yaml'), 'utf8');
  assert.match(written, /each:\n\s+items:\n\s+- status: ok\n\s+exitCode: 0\n\s+- status: failed\n\s+exitCode: 1\n/);
  const r = cli(['test', file, '--no-require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /pass\s+escalate at partial/);
});

test('secrets recorded masked stand in for the real values: a secret prompt answer and a secret input with a pattern still make a valid case', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 's.yaml');
  writeFileSync(file, `name: s
title: Secrets
inputs:
  key: { secret: true, required: true, pattern: "k-[0-9]+" }
steps:
  - id: token
    prompt: { message: Token?, secret: true, pattern: "[a-z]+[0-9]+" }
    capture: token
  - id: use
    shell: test -n \${{ token.value }} && test -n \${{ inputs.key }}
  - id: done
    end: resolved
    message: ok
`);
  const run = cli(['run', file, '--plain', '--input', 'key=k-42', '--transcript', join(dir, 't.jsonl')], { input: 'abc123\n' });
  assert.equal(run.code, 0, run.stdout + run.stderr);
  const made = cli(['test', '--from-transcript', join(dir, 't.jsonl')]);
  assert.equal(made.code, 0, made.stderr);
  assert.doesNotMatch(made.stdout, /abc123|k-42/, 'no secret reaches the case');
  assert.match(made.stdout, /Recorded masked: key,\s+the answer to token/);
  writeFileSync(join(dir, 's.cases.yaml'), made.stdout);
  const r = cli(['test', file, '--no-require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /pass\s+resolved at done/);
});

test('a secret URL input recorded masked stands in through runbook: calls: whole or inside a longer value, declared secret in the called runbook or not; a plain input never stands in', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-from-transcript-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'top.yaml');
  // The URL type fails for '****': before, runbook test dropped the value and the call failed 'missing input'.
  writeFileSync(file, `name: top
title: Top
inputs:
  hook: { secret: true, required: true, type: url, pattern: "^https://" }
  plain: { required: true, type: url }
steps:
  - id: call
    runbook: { name: child, inputs: { whole: "\${{ inputs.hook }}", longer: "\${{ inputs.hook }}?via=top", named: "\${{ inputs.plain }}" } }
    on: { resolved: done }
  - id: failed
    end: failed
    message: the call failed
  - id: done
    end: resolved
    message: "child said \${{ steps.call.outputs.said }}"
`);
  writeFileSync(join(dir, 'child.yaml'), `name: child
title: Child
inputs:
  whole: { secret: true, required: true, type: url }
  longer: { required: true, type: url, pattern: "via=top$" }
  named: { required: true, type: url }
outputs:
  said: steps.use.output
steps:
  - id: check
    shell: test -n "\${{ inputs.whole }}" && test -n "\${{ inputs.longer }}"
  - id: use
    shell: echo "\${{ inputs.named }}"
  - id: done
    end: resolved
    message: used
`);
  const run = cli(['run', file, '--plain', '--input', 'hook=https://hooks.example/T0/s3cr3t-path', '--input', 'plain=https://status.example/',
    '--transcript', join(dir, 't.jsonl')]);
  assert.equal(run.code, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /child said https:\/\/status\.example\//);
  const made = cli(['test', '--from-transcript', join(dir, 't.jsonl'), '-o', join(dir, 'top.cases.yaml')]);
  assert.equal(made.code, 0, made.stdout + made.stderr);
  const written = readFileSync(join(dir, 'top.cases.yaml'), 'utf8');
  assert.match(written, /hook: '\*\*\*\*'/);
  assert.doesNotMatch(written, /s3cr3t/);
  assert.doesNotMatch(written, /\n {6}call:\n/, 'the call is run again, not scripted');
  const r = cli(['test', file, '--no-require-full-coverage']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /1 case: 1 passed, 0 failed/);
  // A plain input is not a secret: '****' there is a wrong value, refused where it is written.
  writeFileSync(join(dir, 'top.cases.yaml'), written.replace(/plain: \S+/, "plain: '****'"));
  const plain = cli(['test', file, '--no-require-full-coverage']);
  assert.notEqual(plain.code, 0, plain.stdout + plain.stderr);
  assert.match(plain.stdout + plain.stderr, /input 'plain' must be a URL/);
});
