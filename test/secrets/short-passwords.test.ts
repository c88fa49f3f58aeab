// A password of one or two characters is too common to mask wherever it occurs (every 'y' in the output would
// go), but inside its URL it is still the password. Found showing `postgres://x:y@…` in the run's target line, the
// probes' commands and the transcript header: now the userinfo is masked wherever the URL turns up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { Redactor } from '../../src/secrets/redactor.js';
import { cli, scratch } from '../hardening/helpers.js';

const PASSWORDS = ['y', '7', '%', 'ab', '@x', 'p:', 'q@'];

test('the redactor masks a short password in its URL, with or without a user, and leaves the server readable', () => {
  for (const scheme of ['postgres', 'mysql', 'mariadb']) {
    for (const user of ['app', 'x', '']) {
      for (const raw of PASSWORDS) {
        const pw = encodeURIComponent(raw);
        const url = `${scheme}://${user}:${pw}@db.internal:5432/app`;
        const r = new Redactor();
        r.addUrl(url);
        const out = r.mask(`connecting to ${url} failed; again: ${url}`);
        assert.ok(!out.includes(`:${pw}@`), `${url} → ${out}`);
        assert.match(out, /\*\*\*\*@?db\.internal:5432\/app failed/, out);
      }
    }
  }
});

test('a run with a one-character password shows and records it nowhere', async (t) => {
  const transcript = join(scratch(t), 't.jsonl');
  const r = await cli(['run', 'refused', '--plain', '--transcript', transcript, '-i', 'url=postgres://x:y@127.0.0.1:1/db']);
  for (const [where, text] of [['screen', r.stdout + r.stderr], ['transcript', readFileSync(transcript, 'utf8')]] as const) {
    assert.ok(!text.includes('x:y@'), `${where} shows the password:\n${text.split('\n').filter((l) => l.includes('x:y@')).join('\n')}`);
  }
  assert.match(r.stdout, /target +postgres:\/\/(x:)?\*\*\*\*@127\.0\.0\.1:1\/db/, "the server stays readable");
});
