// What the engine quotes of a value in its own text — an error that says why a step cannot run, a question it asks
// the operator, a probe's address — shows a value a secret flowed into as the mask (a probe of stop 78): by value
// alone, two characters of a PIN are nothing the redactor knows, and `its TZ ("/x48")`, `for_each.in … is a string
// (2)`, a manual step's "check box 48", a prompt's "code 21?" and `probe tcp 127.0.0.1:48` were each shown and
// recorded, and so was a pattern's in `invalid regular expression "(8"`. Generated PINs (fixed seed); the oracle is the piece in the markers each runbook quotes it between.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { Run } from '../../src/engine/run.js';
import { runbookFrom } from '../helpers/scripted.js';
import { createExecutors } from '../../src/executors/index.js';
import { rng } from '../helpers/rng.js';

const piece = (i: number) => `split(inputs.pin, '')[${i}] + split(inputs.pin, '')[${i + 1}]`;

/** Each place, as a step of a runbook whose vars.p holds the piece. A for_each.in or an if: that reads it is a route
 *  decided by a secret, refused since stop 79 before anything quotes it (test/secrets/secret-routes.test.ts). */
const PLACES: [string, string][] = [
  ['a proven read\'s TZ', `  - id: use
    shell: { run: "date", env: { TZ: "/zq\${{ vars.p }}qz" } }`],
  ['a manual step\'s instructions', `  - id: use
    manual: "check box zq\${{ vars.p }}qz"`],
  ['a prompt\'s question', `  - id: use
    prompt: { message: "code zq\${{ vars.p }}qz?" }`],
  ['a pattern that is no regular expression, in a step\'s value', `  - id: use
    shell: "echo \${{ 'a' matches ('(' + vars.d) }}"`],
  ['a probe\'s port', `  - id: use
    probe: tcp
    with: { host: 127.0.0.1, port: "\${{ vars.n }}", timeout: 1s }`],
];

const yamlFor = (i: number, step: string) => `name: t
title: t
inputs:
  pin: { secret: true }
steps:
  - id: v
    vars: { p: "${piece(i)}", d: "split(inputs.pin, '')[${i}]", n: "number(${piece(i)}) + 100" }
${step}
  - { id: done, end: resolved, message: done }
`;

test('a value a secret flowed into is the mask where the engine quotes it: generated PINs, every place, seed 78', async () => {
  const next = rng(78);
  for (const [place, step] of PLACES) {
    for (let k = 0; k < 8; k++) {
      const pin = String(Math.floor(next() * 10_000)).padStart(4, '0');
      const i = Math.floor(next() * 3);
      const p = pin.slice(i, i + 2);
      const yaml = yamlFor(i, step);
      const redactor = new Redactor();
      const runbook = runbookFrom(yaml);
      const { values } = resolveInputs(runbook.doc, { pin }, {}, redactor);
      const run = new Run({ runbook, inputs: values, redactor, executors: createExecutors({}) });
      const events: unknown[] = [];
      run.on((e) => { events.push(e); if (e.type === 'question-asked') setTimeout(() => run.answer(e.questionId, 'ok'), 1); });
      const end = await run.start();
      const shown = JSON.stringify(events) + end.message;
      for (const form of [`zq${p}qz`, `:${Number(p) + 100}`, `string (${p})`, `expression "(${pin[i]}"`]) assert.ok(!shown.includes(form), `${place} (pin ${pin}): ${form} shown`);
      assert.ok(['zq****qz', ':****', 'string (****)', 'computed from a secret'].some((m) => shown.includes(m)), `${place}: the place is there, masked`);
    }
  }
});
