// A called runbook's inputs and outputs by where they came from, not by what they look like (a probe of stop 78):
// two characters of a secret handed to a callee's plain input were its header's and step's in clear (`echo 48`), and
// an output the callee computed from two characters of its own secret input came back as the caller's in clear
// (`echo 21`, "end 21"): two characters are no value the redactor can mask. Now an input a secret flowed into is a
// secret of the called run, and an output computed from one is a secret of the caller, each read `****` where shown
// and recorded, the step handed it given a secret; the real values still reach the steps. Generated secrets and
// places (fixed seed); the oracle is each piece in the markers the runbooks print it between.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

const ALPHABET = 'bcdfghjkmnpqrstvwxz';

const callee = (i: number, j: number) => `name: callee
title: callee
inputs:
  d: { description: a piece the caller hands over }
  pw: { secret: true }
outputs:
  pair: "split(inputs.pw, '')[${i}] + split(inputs.pw, '')[${j}]"
steps:
  - id: show
    title: "got <<\${{ inputs.d }}>>"
    shell: "echo \\"<<\${{ inputs.d }}>>\\""
  - { id: done, end: resolved, message: "callee <<\${{ inputs.d }}>>" }
`;

const caller = (i: number, j: number, used: string) => `name: caller
title: caller
inputs:
  pw: { secret: true }
steps:
  - id: c
    runbook:
      name: ./callee.yaml
      inputs: { d: "\${{ split(inputs.pw, '')[${i}] + split(inputs.pw, '')[${j}] }}", pw: "\${{ inputs.pw }}" }
  - id: after
    title: "after [[\${{ steps.c.outputs.pair }}]]"
    destructive: true
    shell: "printf '%s' \\"\${{ steps.c.outputs.pair }}\\" > ${used}; echo \\"[[\${{ steps.c.outputs.pair }}]]\\""
  - { id: done, end: resolved, message: "end [[\${{ steps.c.outputs.pair }}]]" }
`;

test("a piece of a secret handed to a called runbook's plain input, or back as its output, is a secret on both sides: generated, seed 78", async (t) => {
  const next = rng(78);
  for (let k = 0; k < 6; k++) {
    const pw = Array.from({ length: 8 }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
    const [a, b, c, d] = [0, 0, 0, 0].map(() => Math.floor(next() * pw.length));
    const dir = scratch(t);
    const used = join(dir, 'used');
    writeRunbook(dir, 'callee', callee(c!, d!));
    const file = writeRunbook(dir, 'caller', caller(a!, b!, used));
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `pw=${pw}`], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const given = pw[a!]! + pw[b!]!, back = pw[c!]! + pw[d!]!;
    assert.equal(readFileSync(used, 'utf8'), back, 'the caller\'s step was given the real output');
    const recorded = readFileSync(transcript, 'utf8');
    const report = await cli(['report', transcript]);
    for (const [where, text] of Object.entries({ screen: r.stdout + r.stderr, transcript: recorded, report: report.stdout })) {
      assert.ok(!text.includes(`<<${given}>>`), `${pw}: the input's piece ${given} is on the ${where}`);
      assert.ok(!text.includes(`[[${back}]]`), `${pw}: the output's piece ${back} is on the ${where}`);
    }
    assert.match(r.stdout, /start {4}c\/show \[shell\]: echo "<<\*\*\*\*>>"/);
    const lines = transcriptLines(transcript);
    const result = (id: string) => (lines.find((l) => l.type === 'step-finished' && l.stepId === id) as { result: { outputs?: unknown; withheld?: unknown } } | undefined)?.result;
    assert.deepEqual(result('c')?.outputs, { pair: '****' });
    assert.ok(result('after')?.withheld, 'the step handed the output is given a secret');
  }
});
