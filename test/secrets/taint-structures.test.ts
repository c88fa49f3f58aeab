// A probe of stop 78 read a PIN back from a title: a step given it (`SELECT ascii(substr($1, 1, 1)) AS a`) had its rows
// withheld, yet `steps.q.rows[0].a` (52, the code of '4') was shown, recorded in a vars value and echoed in clear by a
// later step: a field of a structure a secret produced (a withheld step's rows or items, a row find() or top() picked)
// was read as a value that merely *holds* a secret, by what it looks like, and 52 is no value the redactor can mask.
// So too `default(…, 'is4')`, which returned its second argument because a secret made the first empty, and
// `engine()` of a connection name a secret chose. Generated PINs and readers (fixed seed); the oracle is the reader
// itself evaluated without taint: whatever it gives must not be where the run shows it (the title, the ending, the
// recorded vars value), and the step handed it is given a secret.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { recordedResult } from '../../src/secrets/step-taint.js';
import type { StepResult } from '../../src/executors/types.js';
import { harness, runbookFrom } from '../helpers/scripted.js';
import { rng } from '../helpers/rng.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres } from '../../src/lab/index.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { NOT_CHECKED } from '../../src/engine/application-check.js';

/** The rows the withheld step returns for a PIN: each digit, its code, its place. */
const rowsOf = (pin: string) => [...pin].map((d, i) => ({ k: `d${i}`, n: d.charCodeAt(0), s: d }));

/** Readers of one digit (at i; its value d) out of a structure the secret produced or chose. */
const READERS: ((i: number, d: string) => string)[] = [
  (i) => `steps.q.rows[${i}].n`,
  (i) => `steps.q.rows[${i}]['s']`,
  (i) => `find(steps.q.rows, 'k', 'd${i}').n`,
  (i) => `find(steps.q.rows, 'k', 'd${i}')['s']`,
  () => `top(steps.q.rows, 'n').s`,
  (i) => `steps.l.items[${i}].stdout`,
  (i) => `steps.l.items[${i}]['stdout']`,
  (i, d) => `default(split(inputs.pin, '')[${i}] == '${d}' ? '' : 'x', 'is${d}')`,
  (i, d) => `default(find(steps.q.rows, 's', '${d}'), 'no${d}')`,
];
/** Ways of passing a value on that add nothing of their own. */
const WRAPS: ((x: string) => string)[] = [(x) => x, (x) => `string(${x})`, (x) => `[${x}][0]`, (x) => `lines(string(${x}))[0]`, (x) => `(true ? ${x} : 'z')`];

const yamlFor = (reader: string) => `name: t
title: t
inputs:
  pin: { secret: true }
connections:
  db: { url: "postgres://u@127.0.0.1/d" }
steps:
  - id: q
    sql: { query: "SELECT 1", params: ["\${{ inputs.pin }}"] }
  - id: l
    for_each: { in: "['0', '1', '2', '3']", as: i }
    shell: "printf '%s' \\"\${{ inputs.pin }}\\" | cut -c\${{ number(i) + 1 }}"
  - id: v
    vars: { x: "${reader.replaceAll('"', '\\"')}" }
  - id: use
    title: "T \${{ ${reader} }}"
    shell: "echo \${{ vars.x }}"
  - { id: done, end: resolved, message: "E \${{ ${reader} }}" }
`;

/** What the reader gives with nothing withheld: the value a display would have spelled. */
async function spelled(reader: string, pin: string): Promise<string> {
  const yaml = yamlFor(reader).replace('title: "T', 'title: "').replace('message: "E', 'message: "');
  const h = harness(yaml, script(pin), { inputs: { pin } });
  const end = await h.run.start();
  return end.message;
}

function script(pin: string) {
  return {
    q: { rows: rowsOf(pin), rowCount: pin.length, columns: ['k', 'n', 's'] } as Partial<StepResult>,
    l: async (action: { kind: string; values?: string[] }) => ({ stdout: pin[Number(action.values?.[1] ?? 1) - 1] ?? '' }),
    use: { stdout: 'ok\n' },
  };
}

test('a field of a structure a secret produced or chose, and what default() a secret chose, is withheld where shown: generated PINs and readers, seed 78', async () => {
  const next = rng(78);
  const pick = <T>(xs: T[]): T => xs[Math.floor(next() * xs.length)]!;
  let cases = 0;
  for (let k = 0; k < 60; k++) {
    const pin = String(Math.floor(next() * 10_000)).padStart(4, '0');
    const i = Math.floor(next() * 4);
    const reader = pick(WRAPS)(pick(READERS)(i, pin[i]!));
    const plain = await spelled(reader, pin);
    const yaml = yamlFor(reader);
    const redactor = new Redactor();
    const { values } = resolveInputs(runbookFrom(yaml).doc, { pin }, {}, redactor);
    const h = harness(yaml, script(pin), { inputs: values, redactor });
    const end = await h.run.start();
    assert.equal(end.outcome, 'resolved', `${reader}: ${end.message}`);
    const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'use');
    assert.equal(started && 'title' in started ? started.title : '', 'T ****', `${reader} (pin ${pin}) spelled ${plain}`);
    assert.equal(end.message, `E **** ${NOT_CHECKED}`, `${reader} (pin ${pin}) spelled ${plain}`);
    const finished = (id: string) => h.events.find((e) => e.type === 'step-finished' && e.stepId === id) as { result: StepResult } | undefined;
    assert.deepEqual(recordedResult(finished('v')!.result).vars, { x: '****' }, `${reader}: the vars value recorded`);
    assert.ok(finished('use')!.result.withheld, `${reader}: the step given it is given a secret`);
    cases++;
  }
  assert.equal(cases, 60);
});

test('what a structure merely holds a secret beside stays shown: an input read by name, a plain row, default() of a plain value', async () => {
  const yaml = `name: t
title: t
inputs:
  pin: { secret: true }
  mode: { default: fast }
connections:
  db: { url: "postgres://u@127.0.0.1/d" }
steps:
  - id: q
    sql: { query: "SELECT 1", params: ["\${{ inputs.mode }}"] }
  - id: s
    shell: "echo \${{ inputs.pin }}"
  - id: use
    title: "\${{ inputs.mode }} \${{ find(steps.q.rows, 'k', 'a').n }} \${{ default(inputs.none, 'dflt') }}"
    shell: "true"
  - { id: done, end: resolved, message: done }
`.replace('inputs:\n', 'inputs:\n  none: { default: "" }\n');
  const redactor = new Redactor();
  const { values } = resolveInputs(runbookFrom(yaml).doc, { pin: '4821' }, {}, redactor);
  const h = harness(yaml, { q: { rows: [{ k: 'a', n: 52 }] } }, { inputs: values, redactor });
  await h.run.start();
  const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'use');
  assert.equal(started && 'title' in started ? started.title : '', 'fast 52 dflt');
});

test('the probe on a real PostgreSQL: a withheld row\'s fields, through a title, vars, a step and the ending, read nothing of the PIN', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const server = await startPostgres();
  t.after(() => server.stop());
  const next = rng(7878);
  for (let k = 0; k < 3; k++) {
    const pin = String(Math.floor(next() * 10_000)).padStart(4, '0');
    const dir = scratch(t);
    const file = writeRunbook(dir, 'rows', `name: rows
title: rows
inputs:
  url: { secret: true }
  pin: { secret: true }
connections:
  db: { url: "\${{ inputs.url }}" }
steps:
  - id: q
    sql:
      query: "SELECT ascii(substr($1, 1, 1)) AS a, ascii(substr($1, 2, 1)) AS b, substr($1, 3, 2) AS c"
      params: ["\${{ inputs.pin }}"]
  - id: v
    vars: { a: "steps.q.rows[0].a", c: "steps.q.rows[0].c" }
  - id: show
    title: "codes <\${{ vars.a }}> <\${{ steps.q.rows[0].b }}> <\${{ find(steps.q.rows, 'c', '${pin.slice(2)}').c }}>"
    shell: "echo '<\${{ vars.c }}>'"
  - { id: done, end: resolved, message: "end <\${{ vars.c }}>" }
`);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', file, '--plain', '--yes', '--transcript', transcript, '--input', `url=${server.url()}`, '--input', `pin=${pin}`], { cwd: dir });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const forms = [`<${pin.charCodeAt(0)}>`, `<${pin.charCodeAt(1)}>`, `<${pin.slice(2)}>`, `"a":${pin.charCodeAt(0)}`, `"c":"${pin.slice(2)}"`];
    const report = await cli(['report', transcript]);
    for (const [where, text] of Object.entries({ screen: r.stdout + r.stderr, transcript: readFileSync(transcript, 'utf8'), report: report.stdout })) {
      for (const form of forms) assert.ok(!text.includes(form), `${pin}: ${form} on the ${where}`);
    }
    assert.match(r.stdout, /finished resolved .*: end <\*\*\*\*>/);
  }
});
