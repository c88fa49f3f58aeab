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
    shell: vault read -field=token secret/app
    capture: fetched
${uses}
  - id: gate
    destructive: true
    confirm: "Really use \${{ upper(${source}) }}?"
    blast_radius: "touches \${{ json(${source}) }}"
    shell: "true"
    next:
      - if: "${source} != '' ? upper(${source}) : ''"
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
    const branch = h.events.find((e) => e.type === 'branch' && e.from === 'gate');
    assert.ok(branch && 'value' in branch && branch.value === '****', `the branch value is masked: ${JSON.stringify(branch)}`);
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
    title: "host \${{ upper(parsed.details.host) }} scheme-ok \${{ inputs.url matches '^postgres' }} set \${{ inputs.url == '' ? 'no' : 'yes' }} len \${{ length(inputs.url) }}"
    shell: "true"
  - { id: done, end: resolved }
`;
  const redactor = new Redactor();
  const { values } = resolveInputs(runbookFrom(yaml).doc, { url }, {}, redactor);
  const h = harness(yaml, { parse: { details: { host: 'db.internal', url } } }, { inputs: values, redactor });
  await h.run.start();
  const started = h.events.find((e) => e.type === 'step-started' && e.stepId === 'show');
  assert.equal(started && 'title' in started ? started.title : '', `host DB.INTERNAL scheme-ok true set yes len ${url.length}`);
  assert.ok(!JSON.stringify(h.events).includes(PW));
});
