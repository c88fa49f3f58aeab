// A stop-74 probe read a whole PIN back from a transcript: a vars step's `number(inputs.pin) % 1000` and
// `split(inputs.pin, '')` were recorded in clear (`"vars":{"tail":213,"digits":["7","4","8","2","1","3"]}`),
// where every other result given a secret is withheld: pieces that short are nothing the redactor masks by sight.
// Now a var computed from a secret is recorded as **** by where it came from, and a resumed run computes it again.
// Generated PINs (fixed seed); the oracle is each piece as the expression computes it, which no record may hold,
// and the status of a step handed the real values after a kill -9 and a resume.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

const yaml = (tail: number, first: string) => `name: pin-pieces
title: PIN pieces
inputs:
  pin: { secret: true }
  hold: { default: '0' }
steps:
  - id: parts
    vars:
      tail: "number(inputs.pin) % 1000"
      digits: "split(inputs.pin, '')"
      plain: "'kept'"
  - id: hold
    shell: "sleep \${{ inputs.hold }}"
  # A route may not read a secret (stop 79): the step is handed the real values and its status routes.
  - id: check
    shell: 'test "\${{ vars.tail }}" = ${tail} && test "\${{ vars.digits[0] }}" = ${first}'
    on: { error: wrong }
    next: right
  - { id: right, end: resolved, message: "routed on the real values" }
  - { id: wrong, end: escalate, message: "routed on something else" }
`;

test('a var computed from a secret is recorded masked, and a resumed run hands a step its real value', async (t) => {
  const dir = scratch(t);
  const next = rng(74);
  for (let trial = 0; trial < 4; trial++) {
    const pin = String(100_000 + Math.floor(next() * 900_000));
    const tail = Number(pin) % 1000;
    const file = writeRunbook(dir, `pins-${trial}`, yaml(tail, pin[0]!));
    const transcript = join(dir, `t-${trial}.jsonl`);
    const crash = trial % 2 === 1;
    const first = cli(['run', file, '--plain', '--input', `pin=${pin}`, '--input', `hold=${crash ? 3 : 0}`, '--transcript', transcript]);
    if (crash) {
      // kill -9 while `hold` sleeps: the record of `parts` is on disk, the route not yet taken.
      await until(() => transcriptLines(transcript).some((l) => l.type === 'step-started' && l.stepId === 'hold'));
      first.child.kill('SIGKILL');
    }
    const r1 = await first;
    const end = crash
      ? await cli(['resume', transcript, '--plain', '--yes', '--input', `pin=${pin}`, '--input', 'hold=3'])
      : r1;
    assert.match(end.stdout, /routed on the real values/, `${pin}: ${end.stdout}\n${end.stderr}`);
    const recorded = readFileSync(transcript, 'utf8');
    const parts = transcriptLines(transcript).find((l) => l.type === 'step-finished' && l.stepId === 'parts') as { result: { vars: Record<string, unknown> } } | undefined;
    assert.deepEqual(parts?.result.vars, { tail: '****', digits: '****', plain: 'kept' }, pin);
    assert.ok(!recorded.includes(JSON.stringify([...pin])), `${pin}: its digits are in the transcript`);
    assert.ok(!new RegExp(`"tail":${tail}\\b`).test(recorded), `${pin}: its tail is in the transcript`);
    assert.ok(!recorded.includes(pin), `${pin}: in the transcript`);
  }
});

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(ok(), 'the run did not get there');
}
