// Issue #18: a called runbook declares `outputs:` (evaluated when it ends); the caller reads them as
// steps.<call>.outputs.<name>. End to end through the real CLI with real files, and the validator's check that
// the caller reads only outputs the called runbook declares.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli } from '../helpers/cli.js';

const CALLED = `name: disk
title: Disk
inputs:
  token: { secret: true, required: true }
steps:
  - id: measure
    shell: echo 93
    capture: usage
  - id: done
    end: resolved
    message: measured
outputs:
  used_pct: number(usage.output)
  full: number(usage.output) > 90
  auth: "'Bearer ' + inputs.token"
`;

const caller = (reads: string) => `name: caller
title: Caller
inputs:
  out: {}
  token: { secret: true, env: CALLER_TOKEN }
steps:
  - id: check-disk
    runbook:
      name: disk
      inputs: { token: "\${{ inputs.token }}" }
    capture: disk
  - id: write
    destructive: false
    safe_because: writes only the test's own marker file
    shell: printf '%s %s' ${reads} > \${{ inputs.out }}
    next:
      - if: steps['check-disk'].outputs.full
        goto: full
  - id: fine
    end: resolved
    message: fine
  - id: full
    end: escalate
    message: "disk at \${{ disk.outputs.used_pct }}%"
`;

function dir(t: { after(fn: () => void): void }): string {
  const d = mkdtempSync(join(tmpdir(), 'runbook-outputs-'));
  t.after(() => rmSync(d, { recursive: true, force: true }));
  return d;
}

test('a called runbook hands its outputs to the caller: read by step id and capture, secrets masked in the transcript', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'disk.yaml'), CALLED);
  writeFileSync(join(d, 'caller.yaml'), caller("${{ steps['check-disk'].outputs.used_pct }} ${{ disk.outputs.auth }}"));
  const out = join(d, 'out');
  const transcript = join(d, 't.jsonl');
  const r = cli(['run', join(d, 'caller.yaml'), '--plain', '--transcript', transcript, '--input', `out=${out}`], { env: { CALLER_TOKEN: 'tok-s3cr3t' } });
  assert.equal(r.code, 1, r.stdout + r.stderr); // escalate
  assert.match(r.stdout, /disk at 93%/);
  assert.equal(readFileSync(out, 'utf8'), '93 Bearer tok-s3cr3t', 'the caller used the real values');
  const text = readFileSync(transcript, 'utf8');
  assert.ok(!text.includes('tok-s3cr3t'), 'the secret output is masked in the transcript');
  const call = text.trimEnd().split('\n').map((l) => JSON.parse(l)).find((l) => l.type === 'step-finished' && l.stepId === 'check-disk');
  // An output computed from a secret is the mask whole, by where it came from (stop 78), as a vars value is.
  assert.deepEqual(call.result.outputs, { used_pct: 93, full: true, auth: '****' });
});

test('validate: the caller reads an output the called runbook does not declare: located error with did-you-mean', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'disk.yaml'), CALLED);
  writeFileSync(join(d, 'caller.yaml'), caller("${{ steps['check-disk'].outputs.used_pc }} ${{ disk.outputs.token }}"));
  const r = cli(['validate', join(d, 'caller.yaml')]);
  assert.equal(r.code, 2, r.stdout + r.stderr);
  const lines = r.stdout.split('\n').filter((l) => l.includes('[unknown-output]'));
  assert.equal(lines.length, 2, r.stdout);
  assert.match(lines[0]!, /caller\.yaml:15:59: error: the called runbook 'disk' declares no output 'used_pc' — did you mean 'used_pct'\?/);
  assert.match(lines[1]!, /caller\.yaml:15:87: error: the called runbook 'disk' declares no output 'token' \(its outputs: used_pct, full, auth\)/);
  writeFileSync(join(d, 'caller.yaml'), caller("${{ steps['check-disk'].outputs.used_pct }} ${{ disk.outputs.auth }}"));
  assert.equal(cli(['validate', join(d, 'caller.yaml')]).code, 0);
});

test('validate: an output expression of the called runbook is checked like any expression', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'disk.yaml'), CALLED.replace('used_pct: number(usage.output)', 'used_pct: number(usag.output)'));
  const r = cli(['validate', join(d, 'disk.yaml')]);
  assert.equal(r.code, 2);
  assert.match(r.stdout, /disk\.yaml:13:20: error: unknown name 'usag' — did you mean 'usage'\?/);
});

test('a run through a called runbook becomes a case that scripts its steps as <call>/<step> and runs it again', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'disk.yaml'), CALLED);
  writeFileSync(join(d, 'caller.yaml'), caller("${{ steps['check-disk'].outputs.used_pct }} ${{ disk.outputs.full }}"));
  const transcript = join(d, 't.jsonl');
  const r = cli(['run', join(d, 'caller.yaml'), '--plain', '--transcript', transcript, '--input', `out=${join(d, 'out')}`], { env: { CALLER_TOKEN: 'tok-s3cr3t' } });
  assert.equal(r.code, 1, r.stdout + r.stderr);
  const cases = join(d, 'caller.cases.yaml');
  assert.equal(cli(['test', '--from-transcript', transcript, '-o', cases]).code, 0);
  const text = readFileSync(cases, 'utf8');
  assert.match(text, /check-disk\/measure:\n\s+status: ok\n\s+exitCode: 0\n\s+stdout: \|\n\s+93/);
  assert.doesNotMatch(text, /^\s+check-disk:/m, 'the call step is not scripted: the called runbook runs in the case');
  const tested = cli(['test', join(d, 'caller.yaml'), '--no-require-full-coverage']);
  assert.equal(tested.code, 0, tested.stdout + tested.stderr);
  // The called runbook really runs in the case: change what it hands back and the recorded route breaks.
  writeFileSync(join(d, 'disk.yaml'), CALLED.replace('full: number(usage.output) > 90', 'full: number(usage.output) > 95'));
  const broken = cli(['test', join(d, 'caller.yaml'), '--no-require-full-coverage']);
  assert.equal(broken.code, 1, broken.stdout);
  assert.match(broken.stdout, /expected 'full', the run went to 'fine'/);
});

test('validate: a route on an output the called runbook computes from a secret it was handed is refused, located; one computed from its own reads is not', (t) => {
  const d = dir(t);
  writeFileSync(join(d, 'disk.yaml'), CALLED);
  const reads = "${{ steps['check-disk'].outputs.used_pct }}";
  for (const [route, refused] of [["steps['check-disk'].outputs.full", false], ['disk.outputs.used_pct > 90', false],
    ["steps['check-disk'].outputs.auth == 'Bearer x'", true], ["disk.outputs.auth matches '^Bearer'", true], ['length(disk.outputs) > 0', true]] as const) {
    writeFileSync(join(d, 'caller.yaml'), caller(reads).replace("if: steps['check-disk'].outputs.full", `if: ${route}`));
    const r = cli(['validate', join(d, 'caller.yaml')]);
    if (!refused) { assert.equal(r.code, 0, `${route}: ${r.stdout}`); continue; }
    assert.equal(r.code, 2, `${route}: ${r.stdout}`);
    assert.match(r.stdout, /caller\.yaml:17:13: error: step 'write' routes on the output(s| 'auth') of '(check-disk|check-disk)' \(a called runbook handed a secret\)/, route);
  }
});
