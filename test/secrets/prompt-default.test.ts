// A secret prompt's default is the secret it offers: registered before the question is published, so the
// question line of the transcript, the screen and the answer hold it masked, while the step that accepts the
// default (an empty answer) gets the real value. Validation and `runbook test` never quote it, worded as a
// secret input's default is.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const dir = scratch({ after });
const DEFAULT = 'PromptDefault-SECRET9';

test('a secret prompt default is masked in the question, the answer and the output, and used real', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const rb = writeRunbook(dir, 'prompt-default', `name: prompt-default
title: t
steps:
  - id: ask
    prompt: { message: "token?", secret: true, default: "${DEFAULT}" }
    capture: a
  - id: use
    shell: 'test "\${{ a.value }}" = "${DEFAULT.replace('SECRET', '"SECRET"')}" && echo "same as \${{ a.value }}"'
  - id: also
    secret: true
    prompt: { message: "other?", default: "StepSecretDefault-77" }
  - { id: done, end: resolved }
`);
  const transcript = join(dir, 'prompt-default.jsonl');
  const r = await cli(['run', rb, '--plain', '--transcript', transcript], { stdin: '\n\n' });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const text = readFileSync(transcript, 'utf8');
  for (const [where, t] of [['transcript', text], ['screen', r.stdout + r.stderr]] as const) {
    for (const secret of [DEFAULT, 'StepSecretDefault-77']) assert.ok(!t.includes(secret), `${secret} in ${where}`);
  }
  const asked = transcriptLines(transcript).filter((l) => l.type === 'question-asked') as unknown as { question: { action: { default?: string } } }[];
  assert.deepEqual(asked.map((q) => q.question.action.default), ['****', '****']);
  // The step was given the secret, so what it printed is withheld, its size too (stop 80): its status says the
  // test in the script passed.
  const use = transcriptLines(transcript).find((l) => l.type === 'step-finished' && l.stepId === 'use') as unknown as { result: { status: string; stdout?: string; withheld?: { because: string[]; stdout?: unknown } } };
  assert.equal(use.result.status, 'ok', 'the step got the default (the test in the script passed)');
  assert.equal(use.result.stdout, '****');
  assert.equal(use.result.withheld?.stdout, undefined, 'no size of what it printed');
});

test('validate and runbook test never quote a secret prompt\'s default or scripted answer', async () => {
  const rb = join(dir, 'bad-default.yaml');
  writeFileSync(rb, `name: bad-default
title: t
steps:
  - id: ask
    prompt: { message: "token?", secret: true, default: "${DEFAULT}", pattern: "[0-9]+" }
  - id: pick
    secret: true
    prompt: { message: "which?", choices: [a1, b2], default: "ChoiceSecret-55" }
  - { id: done, end: resolved }
`);
  const v = await cli(['validate', rb]);
  assert.notEqual(v.code, 0);
  for (const secret of [DEFAULT, 'ChoiceSecret-55']) assert.ok(!(v.stdout + v.stderr).includes(secret), `${secret} quoted:\n${v.stdout}${v.stderr}`);
  assert.match(v.stdout + v.stderr, /the default of step 'ask' \(not shown: the prompt is secret\) does not match/);
  assert.match(v.stdout + v.stderr, /the default of step 'pick' \(not shown: the prompt is secret\) is not one of its choices/);
  // A default of the wrong type: the schema error does not quote it either.
  writeFileSync(rb, `name: bad-default
title: t
steps:
  - id: typed
    prompt: { message: "typed?", secret: true, default: 123456789 }
  - { id: done, end: resolved }
`);
  const typed = await cli(['validate', rb]);
  assert.ok(!(typed.stdout + typed.stderr).includes('123456789'), typed.stdout + typed.stderr);
  assert.match(typed.stdout + typed.stderr, /not shown/);

  const ok = writeRunbook(dir, 'scripted', `name: scripted
title: t
steps:
  - id: ask
    prompt: { message: "token?", secret: true, pattern: "[0-9]+" }
  - { id: done, end: resolved }
`);
  const cases = join(dir, 'scripted.cases.yaml');
  writeFileSync(cases, `cases:
  - name: wrong answer
    steps: { ask: { value: "ScriptedSecret-31" } }
    path: [ask, done]
    outcome: resolved
`);
  const t = await cli(['test', ok, '--cases', cases]);
  assert.notEqual(t.code, 0);
  assert.ok(!(t.stdout + t.stderr).includes('ScriptedSecret-31'), t.stdout + t.stderr);
  assert.match(t.stdout + t.stderr, /the scripted answer \(not shown: the step is secret\) does not match/);
});
