// A route decided by a secret spells it (stop 78's left item, a probe of stop 79): `if: split(inputs.pin, '')[0] ==
// '4'` runs one step per guess, and `next: [{ if: vars.d }]` printed `branch a → b (vars.d = 48)` and recorded
// `"value":"48"`. Which way the run went is shown, so a route may read only what the record shows (a step's status,
// exit code, counts; whether a value was given): validate refuses one that names a secret (`secret-route`, at its
// line and column), and the run refuses one a secret flowed into, by taint, whatever validate saw (here a file's
// content that is the PIN, read by a step given nothing). Generated PINs and readers (seed 79); the oracle is the
// route itself: the steps a run started and what it printed are the same for every PIN.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, finished, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';

/** A route's reader of the secret S, and the guess it tests (a digit of the PIN or a piece). */
const READERS: ((s: string, pin: string) => string)[] = [
  (s, pin) => `split(${s}, '')[0] == '${pin[0]}'`,
  (s, pin) => `number(${s}) % 10 == ${pin.at(-1)}`,
  (s, pin) => `${s} matches '^${pin.slice(0, 2)}'`,
  (s) => `length(${s}) > 5`,
  (s, pin) => `default(${s}, '') == '${pin}'`,
  (s, pin) => `startsWith(${s}, '${pin[0]}') ? true : false`,
];

/** Each place a route is decided, around the step `go` that a true condition reaches; `R` is the reader. */
const SITES: [string, (r: string) => string][] = [
  ['a step\'s if', (r) => `  - id: go
    if: "${r}"
    shell: "echo went"`],
  ['a branch', (r) => `  - id: here
    shell: "true"
    next:
      - if: "${r}"
        goto: go
      - goto: go
  - id: go
    shell: "echo went"`],
  ['an end step\'s if', (r) => `  - id: here
    end: escalate
    if: "${r}"
  - id: go
    shell: "echo went"`],
  ['a loop\'s list', (r) => `  - id: go
    for_each: { in: "${r} ? ['a', 'b'] : ['a']" }
    shell: "echo went"`],
  ['a gated loop\'s list', (r) => `  - id: go
    destructive: true
    for_each: { in: "${r} ? ['a', 'b'] : ['a']" }
    shell: "echo went"`],
  ['a wait\'s until', (r) => `  - id: go
    wait: { until: "${r}", every: 1s, for: 1s, shell: "echo went" }`],
  ['a target\'s if', (r) => `  - id: go
    target: far
    shell: "echo went"`],
];

const yamlOf = (site: string, route: string, secret: string, extra = '') => `name: route
title: route
inputs:
  pin: { secret: true }
targets:
  far: { ssh: { destination: nobody@127.0.0.1, port: 1 }, if: "${site === 'a target\'s if' ? route : 'false'}" }
steps:
${extra}${SITES.find(([name]) => name === site)![1](route)}
  - { id: done, end: resolved, message: done }
`.replace(/\bS\b/g, secret);

test('validate refuses a route that names a secret, at its line and column: every place, generated readers, seed 79', async (t) => {
  const dir = scratch(t);
  const next = rng(79);
  for (const [site] of SITES) {
    for (let k = 0; k < 3; k++) {
      const pin = String(100_000 + Math.floor(next() * 900_000));
      const reader = READERS[Math.floor(next() * READERS.length)]!;
      const viaVars = k === 2; // through a vars value computed from it, as the probe did
      const extra = viaVars ? `  - id: v\n    vars: { d: "inputs.pin" }\n` : '';
      const file = writeRunbook(dir, `v-${k}`, yamlOf(site, reader('S', pin), viaVars ? 'vars.d' : 'inputs.pin', extra));
      const r = await cli(['validate', file]);
      const line = r.stdout.split('\n').find((l) => l.includes('[secret-route]'));
      assert.ok(line, `${site}, ${reader('S', pin)}: no secret-route error\n${r.stdout}${r.stderr}`);
      assert.match(line, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: error: `), line);
      assert.ok(!line.includes(pin), line);
    }
  }
});

test('what the record shows still routes: status, exit code, counts, whether a value was given', async (t) => {
  const dir = scratch(t);
  // g is given the PIN: its status alone is shown (stop 80, given-tells-status.test.ts); h is given nothing.
  for (const route of ["steps.g.status == 'ok'", 'steps.h.exitCode == 0', "steps.h.output != ''", "default(ans.value, '') == ''",
    'inputs.pin != null', "inputs.pin == ''"]) {
    const file = writeRunbook(dir, 'ok', `name: ok
title: ok
inputs:
  pin: { secret: true }
steps:
  - id: g
    shell: "echo \${{ inputs.pin }}"
  - id: h
    shell: "echo hi"
  - id: ask
    if: "false"
    prompt: { message: paste it, secret: true }
    capture: ans
  - id: go
    if: "${route}"
    shell: "true"
  - { id: done, end: resolved, message: done }
`);
    const v = await cli(['validate', file]);
    assert.match(v.stdout + v.stderr, /0 errors/, `${route}: ${v.stdout}${v.stderr}`);
    const transcript = join(dir, 'ok.jsonl');
    const r = await cli(['run', file, '--plain', '-i', 'pin=482193', '--transcript', transcript]);
    assert.equal(finished(transcriptLines(transcript))?.outcome, 'resolved', `${route}: ${r.stdout}${r.stderr}`);
  }
});

test('the run refuses a route a secret flowed into, by taint: the same steps and the same screen for every PIN, seed 79', async (t) => {
  const dir = scratch(t);
  const next = rng(7979);
  const pinFile = join(dir, 'pin.txt');
  const telling = READERS.filter((r) => r('S', '482193') !== r('S', '915736')); // a guess the two PINs answer apart
  for (const [site] of SITES) {
    const reader = telling[Math.floor(next() * telling.length)]!;
    const seen: string[] = [];
    for (const pin of ['482193', '915736']) {
      // The file holds the PIN: the step that reads it is given nothing, so validate sees no secret; its output holds
      // one by value (the second layer), and the route on it is the PIN's choice.
      writeFileSync(pinFile, `${pin}\n`);
      const extra = `  - id: r\n    shell: "cat ${pinFile}"\n`;
      const file = writeRunbook(dir, 'run', yamlOf(site, reader('S', '482193'), 'steps.r.output', extra));
      const v = await cli(['validate', file]);
      assert.match(v.stdout + v.stderr, /0 errors/, `${site}: ${v.stdout}${v.stderr}`);
      const transcript = join(dir, `t-${pin === "482193" ? 1 : 2}.jsonl`);
      const r = await cli(['run', file, '--plain', '-i', `pin=${pin}`, '--transcript', transcript]);
      const lines = transcriptLines(transcript);
      const end = finished(lines);
      assert.equal(end?.outcome, 'failed', `${site} (${pin}): ${r.stdout}${r.stderr}`);
      assert.match(end?.message ?? '', /a secret flowed into it/, `${site} (${pin}): ${end?.message}`);
      const record = JSON.stringify(lines);
      // The guess is the author's text (482193 is in the expression shown): the other PIN is nowhere; pieces of it
      // (a branch line's value) are held to the route, compared below.
      if (pin !== '482193') for (const piece of [pin]) assert.ok(!record.includes(piece) && !r.stdout.includes(piece), `${site}: ${piece} shown`);
      const route = lines.filter((l) => ['step-started', 'step-skipped', 'item-finished', 'branch'].includes(l.type)).map((l) => `${l.type} ${l.stepId ?? ''} ${String(l.to ?? '')} ${JSON.stringify(l.value ?? null)}`);
      seen.push(`${route.join(', ')} | ${end?.message}`);
    }
    assert.equal(seen[0], seen[1], `${site}: the route depends on the PIN`);
  }
});

test('on: keys matched against a secret prompt\'s answer: refused at validate', async (t) => {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'on', `name: on
title: on
steps:
  - id: ask
    prompt: { message: the PIN, secret: true }
    on: { "4821": yes-branch, error: done }
  - { id: yes-branch, end: escalate, message: guessed }
  - { id: done, end: resolved, message: done }
`);
  const r = await cli(['validate', file]);
  assert.match(r.stdout, /on\.yaml:\d+:\d+: error: step 'ask' routes on its value \('4821'\)[^\n]*\[secret-route\]/, r.stdout + r.stderr);
});
