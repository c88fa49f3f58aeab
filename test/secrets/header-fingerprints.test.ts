// A transcript's header fingerprints where a run acts (its environment, its client configuration files) so a
// resume can tell that one moved. A probe of stop 69 showed a fingerprint a reader can recompute is a hash of the
// value: the header held the salt beside each salted sha256, so PGPASSWORD (or a ~/.pgpass whose other fields are
// known) came back from a short guess list. They are now HMACs under a key kept on the machine for the user
// (src/resume/record-key.ts), never in a transcript. Here: every 4-digit password, tried against the header the
// way its reader could (the salt, the name, the file's known lines), matches nothing; under the machine's key
// the real one does (the field is what it says); and a header from before the key still compares, plainly.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { placeChanges, placeOf } from '../../src/resume/place.js';
import { recordKey } from '../../src/resume/record-key.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const sha = (t: string | Buffer) => createHash('sha256').update(t).digest('hex');
const PASSWORD = '7391';

test('no header fingerprint gives a short password back to its reader', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const pgpass = (pw: string) => `localhost:5432:app:app:${pw}\n`;
  writeFileSync(join(home, '.pgpass'), pgpass(PASSWORD));
  chmodSync(join(home, '.pgpass'), 0o600);
  const file = writeRunbook(dir, 'fp', 'name: fp\ntitle: FP\nsteps:\n  - id: look\n    shell: "true"\n    next: done\n  - { id: done, end: resolved }\n');
  const transcript = join(dir, 't.jsonl');
  const r = await cli(['run', file, '--plain', '--transcript', transcript], { env: { HOME: home, PGPASSWORD: PASSWORD } });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const header = transcriptLines(transcript)[0] as unknown as { envDigest: { salt: string; digests: Record<string, string>; key?: string }; clientFiles: { path: string; content: string }[] };
  const { salt, digests, key } = header.envDigest;
  assert.equal(key, recordKey().id, 'made with this user\'s key');
  const pass = header.clientFiles.find((f) => f.path === join(home, '.pgpass'));
  assert.ok(pass && digests.PGPASSWORD, JSON.stringify(header).slice(0, 400));
  const guesses = Array.from({ length: 10_000 }, (_, i) => String(i).padStart(4, '0'));
  const text = readFileSync(transcript, 'utf8');
  for (const g of guesses) {
    assert.notEqual(sha(`${salt}\0PGPASSWORD\0${g}`).slice(0, 32), digests.PGPASSWORD, `PGPASSWORD = ${g} from the header`);
    assert.ok(!text.includes(sha(pgpass(g))), `~/.pgpass's password ${g} from its sha256`);
  }
  // Under the key (which only this account on this machine holds), they are what they say.
  assert.equal(recordKey().mac(`${salt}\0PGPASSWORD\0${PASSWORD}`).slice(0, 32), digests.PGPASSWORD);
  assert.equal(pass.content, recordKey().mac(pgpass(PASSWORD)));
});

test('a header from before the key (plain sha256, no key id) still compares: the same environment passes, a change is named', () => {
  const env = { PGPASSWORD: PASSWORD, APP_HOST: 'db-a' };
  const old = placeOf(env, '/w', 'salt', false);
  assert.equal(old.envDigest!.key, undefined);
  assert.equal(old.envDigest!.digests.PGPASSWORD, sha(`salt\0PGPASSWORD\0${PASSWORD}`).slice(0, 32));
  assert.deepEqual(placeChanges(old, placeOf(env, '/w', 'salt', false)), []);
  assert.match(placeChanges(old, placeOf({ ...env, APP_HOST: 'db-b' }, '/w', 'salt', false)).join(' '), /APP_HOST changed/);
});
