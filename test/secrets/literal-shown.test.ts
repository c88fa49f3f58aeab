// What runs is shown whole: a command's own text (the author's) is never masked by a secret's value, only the
// values that came from a secret are (by flow, engine/render.ts). A probe of stop 67: a secret capture whose value
// the author's own script printed (` && rm -rf …/victim`) made the gate, the start line and the transcript show
// `ls DIR****` for `ls DIR && rm -rf DIR/victim`, and y deleted it; a secret input's default did the same to a
// literal path. The values from a secret are still the mask, in a shell command and in an SQL step's params, and
// the output that echoes a secret is still masked by value.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const DEFAULT = 'keepme-please-9137';

const RUNBOOK = (dir: string) => `name: literal
title: Literal text equal to a secret
inputs:
  pw: { secret: true, default: "${DEFAULT}" }
connections:
  db: { url: "postgres://app@127.0.0.1:1/app" }
steps:
  - id: fetch
    title: fetch the session token
    secret: true
    shell: printf '%s' ' && rm -rf ${dir}/victim'
    capture: tok
  - id: clean
    title: list the log directory
    destructive: true
    shell: ls ${dir} && rm -rf ${dir}/victim
  - id: literal-default
    title: echo the default and the input
    destructive: true
    shell: echo ${dir}/${DEFAULT} \${{ inputs.pw }}
  - id: param
    title: a secret as a parameter
    destructive: true
    sql: { connection: db, query: "SELECT $1::text AS a, $2::text AS b", params: ["\${{ inputs.pw }}", "${DEFAULT}-plain"] }
  - { id: done, end: resolved, message: ok }
`;

test('a command is shown as written where a secret\'s value equals its text; values from a secret are the mask', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'victim'));
  const file = writeRunbook(dir, 'literal', RUNBOOK(dir));
  const transcript = join(dir, 'dry.jsonl');
  // A dry run: the destructive steps are shown, not run; the SQL step's server is never reached.
  const dry = await cli(['run', file, '--plain', '--dry-run', '--transcript', transcript], { cwd: dir });
  assert.equal(dry.code, 0, dry.stdout + dry.stderr);
  assert.ok(existsSync(join(dir, 'victim')), 'a dry run deleted nothing');
  const recorded = readFileSync(transcript, 'utf8');
  for (const text of [dry.stdout, recorded]) {
    assert.match(text, new RegExp(`ls ${dir} && rm -rf ${dir}/victim`), 'the command is shown whole');
    assert.match(text, new RegExp(`echo ${dir}/${DEFAULT} \\*\\*\\*\\*`), 'the literal is shown, the input\'s value masked');
    assert.match(text, /-- params: \[\\?"\*\*\*\*\\?",\\?"keepme-please-9137-plain/, 'the secret param is masked, the literal one shown');
  }
  // A real run: the gate shows what y runs.
  const real = await cli(['run', file, '--plain', '--yes', '--no-transcript'], { cwd: dir });
  assert.match(real.stdout, new RegExp(`ls ${dir} && rm -rf ${dir}/victim`));
  assert.equal(existsSync(join(dir, 'victim')), false, 'y ran the command the screen showed');
  // The output that echoes the secret's value is still masked by value.
  assert.doesNotMatch(real.stdout.split('\n').filter((l) => l.startsWith('  | ')).join('\n'), new RegExp(DEFAULT));
});

// Stop 72: the gate's other fields were masked by value: a secret step's output ('/../victim') equal to a piece
// of the author's own directory and env: text showed `in dir …/scratch****`, and y ran the step in …/victim. They
// are masked by flow now, as the command is.
test('a gated step\'s directory and env: text are shown as written; an env: value from a secret is the mask', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  mkdirSync(join(dir, 'scratch'));
  mkdirSync(join(dir, 'victim'));
  const where = `${dir}/scratch/../victim`;
  const file = writeRunbook(dir, 'fields', `name: fields
title: Fields equal to a secret's piece
steps:
  - id: fetch
    title: fetch an api token
    secret: true
    shell: printf '%s' '/../victim'
    capture: tok
  - id: clean
    title: clean the scratch dir
    destructive: true
    shell:
      run: "true"
      cwd: ${where}
      env:
        API_TOKEN: "\${{ tok.output }}"
        NOTE: "cleaning ${where} only"
  - { id: done, end: resolved, message: ok }
`);
  const transcript = join(dir, 'fields.jsonl');
  const r = await cli(['run', file, '--plain', '--approve', 'clean', '--transcript', transcript], { cwd: dir });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const gate = r.stdout.slice(r.stdout.indexOf('confirm?'));
  assert.ok(gate.includes(`in dir:    ${where}\n`), gate);
  assert.ok(gate.includes(`NOTE=cleaning ${where} only`), gate);
  assert.match(gate, /API_TOKEN=\*\*\*\*/);
  const asked = readFileSync(transcript, 'utf8').split('\n').find((l) => l.includes('"confirmation-requested"'))!;
  assert.ok(asked.includes(`"cwd":${JSON.stringify(where)}`) && asked.includes(`"API_TOKEN":"****"`), asked);
});
