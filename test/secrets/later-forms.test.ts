// A credential variable no step inherits (PGPASSWORD, DATABASE_URL's password, RUNBOOK_STORE's: credential-env.ts)
// is registered at start-up with its encodings only; what a script can print of it (reversed, windows, base32:
// script-forms.ts, most of a secret's cost at start-up) is added before the first action (the executors'
// beforeAct) or the first stream of output, whichever comes first. So a run shows its first step sooner, and a
// script's output is masked exactly as before: in the transcript and on the screen.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Redactor } from '../../src/secrets/redactor.js';
import { StreamMasker } from '../../src/secrets/stream-masker.js';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const SECRET = 'Later-Secret-pw-47';
const reversed = [...SECRET].reverse().join('');
const b64 = Buffer.from(SECRET).toString('base64');

test('addLater: the secret and its encodings at once, its script forms once asked for', () => {
  const r = new Redactor();
  r.addLater(SECRET);
  assert.equal(r.mask(`a ${SECRET} b`), 'a **** b');
  assert.equal(r.mask(`a ${b64} b`), 'a **** b');
  assert.equal(r.mask(`a ${reversed} b`), `a ${reversed} b`, 'held back until a script may print it');
  r.scriptFormsNow();
  assert.equal(r.mask(`a ${reversed} b`), 'a **** b');
});

test('addLater: the first stream of output brings the script forms in before it is masked', () => {
  const r = new Redactor();
  r.addUrl(`postgres://u:${SECRET}@db/x`, { later: true });
  const m = new StreamMasker(r);
  assert.equal(m.push(`x ${reversed} y\n`) + m.flush(), 'x **** y\n');
});

const dir = scratch({ after });

test('PGPASSWORD, DATABASE_URL and RUNBOOK_STORE: a step printing their script forms is masked on the screen and in the transcript', { timeout: E2E_TEST_LIMIT_MS }, async () => {
  const pg = 'PgLater-Secret-11', db = 'DbLater-Secret-22', store = 'StLater-Secret-33';
  const rev = (s: string) => [...s].reverse().join('');
  // The scripts are not given these variables: the runbook's own text holds the secrets (masked where the command
  // is shown, from start-up), and the script prints them reversed (a form only a script makes).
  const rb = writeRunbook(dir, 'later', `name: later
title: t
steps:
  - id: print
    shell: "echo done ${pg} ${db} ${store} | rev"
  - id: end
    end: resolved
`);
  const file = join(dir, 't.jsonl');
  const r = await cli(['run', rb, '--plain', '--transcript', file], { env: {
    PGPASSWORD: pg, DATABASE_URL: `postgres://app:${db}@127.0.0.1:1/app`,
    // Nothing listens there: the run goes on without the store (local first).
    RUNBOOK_STORE: `postgres://alice:${store}@127.0.0.1:1/ops`, XDG_STATE_HOME: join(dir, 'state'),
  } });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /echo done \*\*\*\* \*\*\*\* \*\*\*\* \| rev/, 'the command, as shown');
  assert.match(r.stdout, /\*\*\*\* \*\*\*\* \*\*\*\* enod/, 'what the script printed');
  const transcript = readFileSync(file, 'utf8');
  assert.match(transcript, /\*\*\*\* \*\*\*\* \*\*\*\* enod/);
  for (const s of [pg, db, store]) for (const form of [s, rev(s)]) assert.ok(!`${r.stdout}${r.stderr}${transcript}`.includes(form), form);
});
