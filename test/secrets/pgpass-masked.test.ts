// A probe of stop 71: a proven read that printed a line of ~/.pgpass showed the password the engine logs in with,
// on the screen and in the transcript, where the same password from the URL or PGPASSWORD was masked. Every
// password the file holds (as libpq reads it, and as written, escaped) is now a secret of the run. Generated
// passwords, fixed seed, with the characters the file escapes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, writeRunbook } from '../hardening/helpers.js';
import { rng } from '../helpers/rng.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const ALPHABET = 'abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789:@/#%+=\\';
const escaped = (p: string) => p.replace(/[\\:]/g, (c) => `\\${c}`);

test('a password of the password file a step prints is masked on the screen and in the transcript (generated)', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const random = rng(7171);
  for (let n = 0; n < 6; n++) {
    const password = `pw${Array.from({ length: 10 + Math.floor(random() * 8) }, () => ALPHABET[Math.floor(random() * ALPHABET.length)]).join('')}`;
    const file = join(dir, `pgpass${n}`);
    writeFileSync(file, `# the operator's\n127.0.0.1:5432:app_db:app_user:${escaped(password)}\n`, { mode: 0o600 });
    const rb = writeRunbook(dir, `show${n}`, `name: show\ntitle: Show\nsteps:\n  - id: raw\n    shell: "sed -n 's/^127[.]0[.]0[.]1:5432:app_db:app_user://p' ${file}"\n    next: plain\n  - id: plain\n    shell: "sed -n 's/^127[.]0[.]0[.]1:5432:app_db:app_user://p' ${file} | tr -d '\\\\\\\\'"\n    next: done\n  - { id: done, end: resolved }\n`);
    const transcript = join(dir, `t${n}.jsonl`);
    const r = await cli(['run', rb, '--plain', '--transcript', transcript], { env: { PGPASSFILE: file } });
    assert.equal(r.code, 0, r.stderr);
    // the steps printed something, masked; or withheld, the file being kept from others (engine/kept-files.ts)
    assert.match(r.stdout, /\| \*+|withheld raw: given a secret \(a file others may not read/, r.stdout);
    for (const form of [password, escaped(password)]) {
      assert.ok(!r.stdout.includes(form), `${JSON.stringify(form)} on the screen:\n${r.stdout}`);
      assert.ok(!readFileSync(transcript, 'utf8').includes(JSON.stringify(form).slice(1, -1)), `${JSON.stringify(form)} in the transcript`);
    }
  }
});
