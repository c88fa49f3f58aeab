// A stop-73 probe spelled a secret PIN in a title and an ending's message without computing anything from it that
// the taint saw: `inputs.pin.length` (where length(inputs.pin) was masked), a table of words indexed by each digit
// (`['zero', …][split(inputs.pin, '')[0]]`), and the same through `?:` and `&&`/`||` chains on a digit. Each is a
// value the secret chose, so the display withholds it whole. Generated PINs (fixed seed); the oracle is each PIN
// spelled as the forms above would spell it, which must appear nowhere the run shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { harness, runbookFrom } from '../helpers/scripted.js';

const WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TABLE = `[${WORDS.map((w) => `'${w}'`).join(', ')}]`;
const digit = (i: number) => `split(inputs.pin, '')[${i}]`;
const ternary = (d: string) => WORDS.reduceRight((rest, w, n) => `${d} == '${n}' ? '${w}' : ${rest}`, "'?'");
const logical = (d: string) => WORDS.map((w, n) => `(${d} == '${n}' && '${w}')`).join(' || ');

/** Each form, and how it spells a PIN when it is not withheld. */
const FORMS: [string, (i: number) => string][] = [
  ['indexed', (i) => `${TABLE}[${digit(i)}]`],
  ['ternary', (i) => `(${ternary(digit(i))})`],
  ['logical', (i) => `(${logical(digit(i))})`],
  ['nested index', (i) => `[${TABLE}][0][number(${digit(i)})]`],
];

function* pins(seed: number, n: number): Generator<string> {
  let s = seed;
  for (let k = 0; k < n; k++) {
    s = (s * 1103515245 + 12345) % 2 ** 31;
    yield String(s % 10_000).padStart(4, '0');
  }
}

const yamlFor = (form: (i: number) => string) => `name: t
title: t
inputs:
  pin: { secret: true }
steps:
  - id: use
    title: "len \${{ inputs.pin.length }} digits \${{ ${form(0)} }} \${{ ${form(1)} }}"
    shell: "true"
  - { id: done, end: resolved, message: "end \${{ ${form(2)} }} \${{ ${form(3)} }}" }
`;

test('a value a secret chose (an item by its key, a branch, its length) is withheld where shown: generated PINs, every form', async () => {
  for (const [name, form] of FORMS) {
    const yaml = yamlFor(form);
    for (const pin of pins(73, 25)) {
      const redactor = new Redactor();
      const { values } = resolveInputs(runbookFrom(yaml).doc, { pin }, {}, redactor);
      const h = harness(yaml, { use: async () => ({ stdout: 'ok\n' }) }, { inputs: values, redactor });
      const end = await h.run.start();
      assert.equal(end.outcome, 'resolved', end.message);
      const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'use');
      assert.equal(started && 'title' in started ? started.title : '', 'len **** digits **** ****', `${name}, ${pin}`);
      assert.equal(end.message, 'end **** ****', `${name}, ${pin}`);
      const shown = JSON.stringify(h.events);
      for (const [k, d] of [...pin].entries()) assert.ok(!shown.includes(` ${WORDS[Number(d)]}`), `${name}: digit ${k} of ${pin} spelled`);
    }
  }
});

test('a choice a plain value made stays shown; a secret passed through a branch is still the secret', async () => {
  const yaml = `name: t
title: t
inputs:
  pin: { secret: true }
  mode: { default: fast }
steps:
  - id: use
    title: "\${{ inputs.mode == 'fast' ? 'quick' : 'slow' }} \${{ ${TABLE}[2] }} \${{ true ? inputs.pin : 'x' }}"
    shell: "true"
  - { id: done, end: resolved, message: done }
`;
  const redactor = new Redactor();
  const { values } = resolveInputs(runbookFrom(yaml).doc, { pin: '4821' }, {}, redactor);
  const h = harness(yaml, { use: async () => ({ stdout: 'ok\n' }) }, { inputs: values, redactor });
  await h.run.start();
  const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'use');
  assert.equal(started && 'title' in started ? started.title : '', 'quick two ****');
});
