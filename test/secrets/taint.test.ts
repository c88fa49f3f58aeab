// Values computed from a secret are secrets: every derived form the expression language can make (upper, lower,
// trim, json, string, join, concatenation, arrays, conditionals, nesting) is masked wherever the run shows it —
// step titles, commands, gates, branch values, end messages — while the executor receives the real value. A
// secret is a secret by what it holds, wherever it came from: an input, a secret prompt's answer, a secret
// step's output. Values that merely sit next to a secret (a host name in the same result) stay visible.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { harness } from '../helpers/scripted.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { resolveInputs } from '../../src/engine/inputs.js';
import { runbookFrom } from '../helpers/scripted.js';

const PW = 'Hunter2-Secret';
const ANSWER = 'PromptAnswer-77';
const FETCHED = 'fetched-Token-42';

const DERIVED: [string, (s: string) => string][] = [
  ['upper(S)', (s) => s.toUpperCase()],
  ['lower(S)', (s) => s.toLowerCase()],
  ["trim('  ' + S + '  ')", (s) => s],
  ["trim(' ' + lower(S))", (s) => s.toLowerCase()],
  ['json(S)', (s) => JSON.stringify(s)],
  ['json([S, 1])', (s) => JSON.stringify([s, 1])],
  ['string(upper(S))', (s) => s.toUpperCase()],
  ["join([upper(S), 'b'], '-')", (s) => `${s.toUpperCase()}-b`],
  ["'pre-' + upper(S)", (s) => `pre-${s.toUpperCase()}`],
  ["upper(S) + '-post'", (s) => `${s.toUpperCase()}-post`],
  ["S == '' ? 'none' : upper(S)", (s) => s.toUpperCase()],
  ["default(upper(S), 'x')", (s) => s.toUpperCase()],
  ['upper(upper(S) + lower(S))', (s) => `${s.toUpperCase()}${s.toUpperCase()}`],
];

const SOURCES: [string, string][] = [['inputs.pw', PW], ['answer.value', ANSWER], ['fetched.output', FETCHED]];

for (const [source, secret] of SOURCES) {
  test(`every value derived from ${source} is masked where shown, and real where used`, async () => {
    const uses = DERIVED.map(([expr], i) => `  - id: d${i}
    title: "shown \${{ ${expr.replaceAll('S', source)} }}"
    shell: "echo \${{ ${expr.replaceAll('S', source)} }}"`).join('\n');
    const yaml = `name: t
title: t
inputs:
  pw: { secret: true }
steps:
  - id: ask
    prompt: { message: paste it, secret: true }
    capture: answer
  - id: fetch
    secret: true
    destructive: false
    safe_because: reads the test's stub vault (a client the shell lint never proves)
    shell: vault read -field=token secret/app
    capture: fetched
${uses}
  - id: gate
    destructive: true
    confirm: "Really use \${{ upper(${source}) }}?"
    blast_radius: "touches \${{ json(${source}) }}"
    shell: "true"
    next:
      - if: "${source} != ''"
        goto: done
  - id: done
    end: resolved
    message: "used \${{ 'k=' + lower(${source}) }}"
`;
    const redactor = new Redactor();
    const h = harness(yaml, {
      fetch: { stdout: `${FETCHED}\n` },
      ask: async (action, ctx) => ({ value: await ctx.ask({ stepId: ctx.stepId, action: action as never }) }),
    }, { inputs: { pw: PW }, redactor });
    redactor.add(PW); // as resolveInputs does for a secret input
    h.run.on((e) => {
      if (e.type === 'question-asked') queueMicrotask(() => h.run.answer(e.questionId, ANSWER));
      if (e.type === 'confirmation-requested') queueMicrotask(() => h.run.confirm(e.stepId, 'yes'));
    });
    const end = await h.run.start();
    assert.equal(end.outcome, 'resolved', end.message);
    const shown = JSON.stringify(h.events);
    DERIVED.forEach(([expr, derive], i) => {
      const value = derive(secret);
      assert.ok(!shown.includes(value) && !shown.includes(JSON.stringify(value).slice(1, -1)), `${expr.replaceAll('S', source)} is shown: ${value}`);
      const action = h.calls.find((c) => c.stepId === `d${i}`)?.action;
      assert.ok(action?.kind === 'shell');
      assert.deepEqual(action.values, [value], `the step received the real value of ${expr}`);
    });
    for (const form of [secret.toUpperCase(), JSON.stringify(secret), `k=${secret.toLowerCase()}`]) assert.ok(!shown.includes(form), form);
    // Whether it was given is a status (language/expression/presence.ts); a route on what it is is refused
    // (test/secrets/secret-routes.test.ts).
    const branch = h.events.find((e) => e.type === 'branch' && e.from === 'gate');
    assert.ok(branch && 'value' in branch && branch.value === true, `the branch says only that it was given: ${JSON.stringify(branch)}`);
  });
}

test('a value next to a secret is not a secret; a value computed from one is', async () => {
  const url = `postgres://app:${PW}@db.internal:5432/app`;
  const yaml = `name: t
title: t
inputs:
  url: { secret: true, type: url }
steps:
  - id: parse
    probe: dns
    with: { url: "\${{ inputs.url }}" }
    capture: parsed
  - id: show
    title: "host \${{ upper(parsed.details.host) }} scheme-ok \${{ inputs.url matches '^postgres' }} set \${{ inputs.url == 'x' ? 'no' : 'yes' }} len \${{ length(inputs.url) }}"
    shell: "true"
  - { id: done, end: resolved }
`;
  const redactor = new Redactor();
  const { values } = resolveInputs(runbookFrom(yaml).doc, { url }, {}, redactor);
  const h = harness(yaml, { parse: { details: { host: 'db.internal', url } } }, { inputs: values, redactor });
  await h.run.start();
  const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'show');
  // Computed from the secret, however little of it shows (a truth value, a length): withheld whole where shown.
  // A literal a condition on it picks (`set yes`) is chosen by it: a chain of such choices spells the secret
  // (test/secrets/taint-choices.test.ts), so it is withheld too.
  assert.equal(started && 'title' in started ? started.title : '', 'host DB.INTERNAL scheme-ok **** set **** len ****');
  assert.ok(!JSON.stringify(h.events).includes(PW));
});

// Parts of a secret are secrets: every string a value computed from one holds (split(), lines(), arrays of them,
// a row find() picked with one), read back out by index, through vars, as for_each items and in their labels.
// Numbers computed from a secret are masked from 4 digits (a PIN, a port number kept secret); a shorter one (a
// length, a count) stays readable, so a 2 in the output is not masked everywhere.
test('parts of a secret are masked in titles, commands, output, vars, for_each items and labels; the step gets them real', async () => {
  const CREDS = 'alice-svc:Pa55-SPLITSECRET';
  const FETCHED = 'svcuser\nLine2-FETCHEDSECRET\n';
  const PIN = '748213';
  const yaml = `name: t
title: t
inputs:
  creds: { secret: true }
  pin: { secret: true }
steps:
  - id: fetch
    secret: true
    destructive: false
    safe_because: reads the test's stub vault (a client the shell lint never proves)
    shell: vault read -field=users secret/app
    capture: v
  - id: parts
    vars:
      pw: "split(inputs.creds, ':')[1]"
      line: "lines(v.output)[1]"
      nested: "[[split(inputs.creds, ':')[1]], [lines(v.output)]]"
      pin: "number(inputs.pin) + 1"
      len: "length(inputs.creds)"
  - id: use
    title: "pw \${{ split(inputs.creds, ':')[1] }} line \${{ lines(v.output)[1] }} deep \${{ vars.nested[1][0][1] }} pin \${{ vars.pin }} len \${{ vars.len }}"
    shell: "echo \${{ vars.pw }} \${{ vars.line }} \${{ vars.pin }}"
  - id: each
    for_each: { in: "[0, 1]", as: u, label: "user \${{ lines(v.output)[u] }}" }
    shell: "echo \${{ lines(v.output)[u] }}"
  - id: each2
    for_each: { in: "[0, 1]", label: "\${{ split(inputs.creds, ':')[item] }}" }
    shell: "true"
  - { id: done, end: resolved, message: "done with \${{ vars.pw }} and pin \${{ vars.pin }}" }
`;
  const redactor = new Redactor();
  const { values } = resolveInputs(runbookFrom(yaml).doc, { creds: CREDS, pin: PIN }, {}, redactor);
  const h = harness(yaml, {
    fetch: { stdout: FETCHED },
    use: async (action) => ({ stdout: `${(action as { values: string[] }).values.join(' ')}\n` }),
    each: async (action) => ({ stdout: `${(action as { values: string[] }).values.join(' ')}\n` }),
  }, { inputs: values, redactor });
  const end = await h.run.start();
  assert.equal(end.outcome, 'resolved', end.message);
  const shown = JSON.stringify(h.events);
  for (const part of ['Pa55-SPLITSECRET', 'alice-svc', 'Line2-FETCHEDSECRET', 'svcuser', String(Number(PIN) + 1), PIN]) {
    assert.ok(!shown.includes(part), `${part} is shown: ${shown.split(part)[0]!.slice(-200)}`);
  }
  const title = h.events.find((e) => e.type === 'step-started' && e.stepId === 'use');
  assert.equal(title && 'title' in title ? title.title : '', 'pw **** line **** deep **** pin **** len ****');
  const labels = h.events.filter((e) => e.type === 'item-finished').map((e) => (e as { label: string }).label);
  assert.deepEqual(labels, ['user ****', 'user ****', '****', '****']);
  // The steps got the real values.
  assert.deepEqual(h.calls.find((c) => c.stepId === 'use')?.action, h.calls.find((c) => c.stepId === 'use')!.action);
  const use = h.calls.find((c) => c.stepId === 'use')!.action as { values: string[] };
  assert.deepEqual(use.values, ['Pa55-SPLITSECRET', 'Line2-FETCHEDSECRET', String(Number(PIN) + 1)]);
  const items = h.calls.filter((c) => c.stepId === 'each').map((c) => (c.action as { values: string[] }).values[0]);
  assert.deepEqual(items, ['svcuser', 'Line2-FETCHEDSECRET']);
  // A short number is withheld where it flowed (the title's length), not by its digits: a 26 elsewhere is not masked.
  assert.ok(!redactor.mask('26 items, 26 ms').includes('****'));
});

// A stop-66 probe: 3-digit pieces of a secret's number (`% 1000`, `/ 1000`) were shown in a title and an ending's
// message, since the redactor masks numbers by value from 4 digits. What a display fills in from a secret is now
// withheld by where it flowed: the title, a label, the gate's command and the ending's message show the mask.
test('pieces of a secret\'s number are withheld where they are shown, whatever their size; the step gets them real', async () => {
  const PW = 'Zebrafalconheart-Quantumbridge-987654';
  const yaml = `name: t
title: t
inputs:
  pw: { secret: true }
steps:
  - id: use
    title: "C \${{ number(split(inputs.pw, '-')[2]) % 1000 }} D \${{ round(number(split(inputs.pw, '-')[2]) / 1000 - 0.5) }} n \${{ 2 + 3 }}"
    shell: "echo \${{ number(split(inputs.pw, '-')[2]) % 1000 }} \${{ 2 + 3 }}"
  - id: each
    for_each: { in: "[1]", as: x, label: "item \${{ number(split(inputs.pw, '-')[2]) % 100 * x }}" }
    shell: "true"
  - { id: done, end: resolved, message: "I \${{ max(number(split(inputs.pw, '-')[2]), 0) % 1000 }}" }
`;
  const redactor = new Redactor();
  const { values } = resolveInputs(runbookFrom(yaml).doc, { pw: PW }, {}, redactor);
  const h = harness(yaml, { use: async (action) => ({ stdout: `${(action as { values: string[] }).values.join(' ')}\n` }) }, { inputs: values, redactor });
  const end = await h.run.start();
  assert.equal(end.outcome, 'resolved', end.message);
  const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'use');
  assert.equal(started && 'title' in started ? started.title : '', 'C **** D **** n 5');
  assert.equal(end.message, 'I ****');
  const labels = h.events.filter((e) => e.type === 'item-finished').map((e) => (e as { label: string }).label);
  assert.deepEqual(labels, ['item ****']);
  const use = h.calls.find((c) => c.stepId === 'use')!.action as { values: string[]; display?: string; command?: string };
  assert.deepEqual(use.values, ['654', '5'], 'the step gets the real values');
  for (const piece of ['654', '987']) assert.ok(!JSON.stringify(h.events.filter((e) => e.type !== 'step-finished')).includes(` ${piece}`), `${piece} is shown`);
});

test('a number computed from a secret is masked from 4 digits, a shorter one is not', () => {
  const redactor = new Redactor();
  for (const n of [7, 42, 999, -12, 1.5]) redactor.addNumber(n);
  assert.equal(redactor.size, 0, 'numbers of fewer than 4 digits are not registered');
  for (const n of [1234, 99_999, 123.45, 10n ** 20n]) redactor.addNumber(n);
  assert.equal(redactor.mask('a 1234 b 99999 c 123.45 d 100000000000000000000 e 999'), 'a **** b **** c **** d **** e 999');
});
