// Authoring mistakes (issue 49) as a table: a runbook's text in, the exact located message out. Typed YAML in a
// list of text names the list and says to quote; a step id in the wrong case is named; zero durations that would
// stop a step at once or poll without a pause are errors that say what to write; "an integer".
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRunbook } from '../../src/language/runbook.js';
import { closest } from '../../src/language/suggest.js';

const HEAD = 'name: authoring\ntitle: Authoring\nsteps:\n';

// steps (YAML, after `steps:`) → every error, as `line:col code: message`
const CASES: [string, string, string[]][] = [
  ['typed choices', `  - id: ask
    prompt:
      message: Sure?
      choices: [true, false]
    next: done
  - { id: done, end: resolved }
`, [
    `7:17 schema: item 1 of 'choices' in step 'ask': expected a string, got true — YAML reads a bare true as a boolean, not text: quote it ("true")`,
    `7:23 schema: item 2 of 'choices' in step 'ask': expected a string, got false — YAML reads a bare false as a boolean, not text: quote it ("false")`,
  ]],
  ['a number among choices', `  - id: ask
    manual:
      instructions: Pick one.
      choices: [retry, 10]
    next: done
  - { id: done, end: resolved }
`, [
    `7:24 schema: item 2 of 'choices' in step 'ask': expected a string, got 10 — YAML reads a bare 10 as a number, not text: quote it ("10")`,
  ]],
  ['next in the wrong case', `  - id: look
    shell: echo hi
    next: Done
  - { id: done, end: resolved }
`, [
    `6:11 schema: 'next' in step 'look': expected where to go after the step: a step id or a list of branches, got "Done" — did you mean 'done'? (step ids are lower-case)`,
  ]],
  ['timeout 0', `  - id: look
    shell: echo hi
    timeout: 0
    next: done
  - { id: done, end: resolved }
`, [
    `6:14 duration-zero: timeout 0s in step 'look' would stop the step the moment it starts (PostgreSQL reads 0 as no limit; here every step has one): give the longest it may take, e.g. 5m (at most 24h), or leave timeout out for the default 60s`,
  ]],
  ['every 0s', `  - id: poll
    wait:
      shell: "true"
      until: "true"
      every: 0s
      for: 1m
    next: done
  - { id: done, end: resolved }
`, [
    `8:14 duration-zero: wait.every 0s in step 'poll' would poll without a pause, hundreds of times a second: give the interval between polls, e.g. 5s`,
  ]],
  ['destructive: false without a reason', `  - id: look
    shell: for i in 1 2; do echo $((i*100)); done
    destructive: false
    next: done
  - { id: done, end: resolved }
`, [
    `6:18 unsafe-unmarked: step 'look' runs a shell command the lint cannot read ('$((i*100))': arithmetic on a variable, whose value bash evaluates as code) but is marked 'destructive: false' without 'safe_because: <why>': say why it cannot change anything in safe_because, or mark it 'destructive: true' so the operator confirms it`,
  ]],
  ['a file written, unmarked', `  - id: look
    shell: echo x >> file
    next: done
  - { id: done, end: resolved }
`, [
    `4:9 unsafe-unmarked: step 'look' runs a shell command that writes a file ('>> file'): mark it 'destructive: true' so the operator confirms it, or 'destructive: false' with 'safe_because'`,
  ]],
  ['an integer', `  - id: look
    shell: echo hi
    retry: { attempts: many }
    next: done
  - { id: done, end: resolved }
`, [
    `6:24 schema: 'attempts' in step 'look': expected an integer from 1 to 100, got "many"`,
  ]],
];

test('authoring mistakes: each input gives exactly these located messages', () => {
  const dir = mkdtempSync(join(tmpdir(), 'runbook-authoring-'));
  try {
    for (const [name, steps, expected] of CASES) {
      const file = join(dir, `${name.replace(/\W+/g, '-')}.yaml`);
      writeFileSync(file, HEAD + steps);
      const got = readRunbook(file).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.line}:${d.col} ${d.code}: ${d.message}`);
      assert.deepEqual(got, expected, name);
    }
  } finally { rmSync(dir, { recursive: true, force: true }); }
});

test('did you mean folds case: Done, DONE and Check-DB name their step', () => {
  assert.equal(closest('Done', ['done', 'look']), 'done');
  assert.equal(closest('DONE', ['done', 'dune']), 'done');
  assert.equal(closest('Check-DB', ['check-db', 'check-dc']), 'check-db');
  assert.equal(closest('zzz', ['done']), undefined);
});
