// The run's target (the first connection's URL, in the header, on screen, in report and replay) shows a part
// computed from a secret as the mask whole (a probe of stop 66: a piece of a secret token as the URL's user or
// host was shown there as is, masked everywhere else).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';

test('a piece of a secret in the first connection\'s user or host: the target shows the mask, nowhere the piece', async (t) => {
  const dir = scratch(t);
  const cases: [string, string][] = [['user', "postgres://${{ split(inputs.token, '-')[1] }}:nopass@127.0.0.1:1/app_db"], ['host', "postgres://ops@${{ lower(split(inputs.token, '-')[2]) }}.invalid:5432/app_db"]];
  for (const [name, url] of cases) {
    const file = writeRunbook(dir, name, `name: ${name}
title: Target
inputs:
  token: { secret: true }
connections:
  db: { url: "${url}" }
steps:
  - { id: fin, end: resolved, message: finished }
`);
    const transcript = join(dir, `${name}.jsonl`);
    const r = await cli(['run', file, '--plain', '--transcript', transcript, '-i', 'token=alpha-BRAVO7-charlie9']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /target\s+postgres:\/\/(\*\*\*\*:\*\*\*\*@127\.0\.0\.1|ops@\*\*\*\*\.invalid)/);
    const report = await cli(['report', transcript]);
    for (const text of [r.stdout + r.stderr, readFileSync(transcript, 'utf8'), report.stdout]) {
      assert.ok(!/BRAVO7|charlie9/.test(text), `a piece of the secret is shown: ${text.slice(0, 300)}`);
    }
  }
});
