// Taint flows out of a called runbook too (issue #46): a callee's step given the secret prints a form of it
// (reversed: no mask lists it); the callee hands that output back as one of its `outputs`; the caller's step
// given that output, and the caller's end message holding it, are withheld and masked. The real value still
// reaches the caller's step (it writes it to a file the test reads); a route on it is refused since stop 79
// (test/secrets/secret-routes.test.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';

const SECRET = 'Zr8uTq3wPm6kVb1n';
const REVERSED = [...SECRET].reverse().join('');

test("a called runbook's output computed from a secret is a secret in its caller: withheld, masked, still real where used", async (t) => {
  const dir = scratch(t);
  writeRunbook(dir, 'callee', `name: callee
title: Prints a form of the secret and hands it back
inputs:
  pw: { secret: true }
outputs:
  form: "steps.form.output"
steps:
  - id: form
    destructive: false
    safe_because: prints the secret reversed, writes nothing
    shell: { run: "printf '%s' \\"$P\\" | rev", env: { P: "\${{ inputs.pw }}" } }
  - id: done
    end: resolved
`);
  const caller = writeRunbook(dir, 'caller', `name: caller
title: Uses what the callee handed back
inputs:
  pw: { secret: true }
steps:
  - id: call
    runbook: { name: callee.yaml, inputs: { pw: "\${{ inputs.pw }}" } }
  - id: use
    destructive: true
    shell: { run: "printf '%s' \\"$F\\" > ${join(dir, 'used')}; printf '%s\\\\n' \\"$F\\"", env: { F: "\${{ steps.call.outputs.form }}" } }
  - id: done
    end: resolved
    message: "handed back \${{ steps.call.outputs.form }}"
`);
  const transcript = join(dir, 't.jsonl');
  const r = await cli(['run', caller, '--plain', '--yes', '--transcript', transcript, '-i', `pw=${SECRET}`], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(readFileSync(join(dir, 'used'), 'utf8'), REVERSED, 'the step was given the real value');
  const report = await cli(['report', transcript]);
  for (const [where, text] of Object.entries({ screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8'), report: report.stdout })) {
    for (const form of [SECRET, REVERSED]) assert.ok(!text.includes(form), `${form} is on the ${where}`);
  }
  const lines = transcriptLines(transcript);
  const result = (id: string) => (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as { result: { stdout?: string; withheld?: { because: string[] } } } | undefined)?.result;
  assert.deepEqual(result('use')?.withheld?.because, ['env F']);
  assert.equal(result('use')?.stdout, '****');
  const end = lines.find((l) => l.type === 'run-finished') as unknown as { message: string };
  assert.equal(end.message, 'handed back ****');
});
