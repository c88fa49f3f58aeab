// A transcript's header fingerprints where a run acts (its environment, its client configuration files) so a
// resume can tell that one moved. A probe of stop 69 showed a fingerprint a reader can recompute is a hash of the
// value: the header held the salt beside each salted sha256, so PGPASSWORD (or a ~/.pgpass whose other fields are
// known) came back from a short guess list. They are now HMACs under a key kept on the machine for the user
// (src/resume/record-key.ts), never in a transcript. Here: every 4-digit password, tried against the header the
// way its reader could (the salt, the name, the file's known lines), matches nothing; under the machine's key
// the real one does (the field is what it says); and a header from before the key still compares, plainly.
// A probe of stop 72 found the same of the inputs' prints: a secret PIN's scrypt print, salted beside it, gave the
// PIN back from 0000–9999 in 213 s. They are HMACs under the same key now (a secret's scrypt first).
import assert from 'node:assert/strict';
import { createHash, scryptSync } from 'node:crypto';
import { readFileSync, writeFileSync, mkdirSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cli, scratch, transcriptLines, writeRunbook } from '../hardening/helpers.js';
import { inputChanges } from '../../src/resume/input-prints.js';
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

const SCRYPT = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const PIN_RUNBOOK = 'name: pin\ntitle: PIN\ninputs:\n  pin: { required: true, secret: true }\n  port: { required: true }\nsteps:\n  - id: look\n    shell: "true"\n    next: done\n  - { id: done, end: resolved }\n';

test('no input print gives a secret PIN back to its reader: the right guess, made as the probe did, matches nothing', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = writeRunbook(dir, 'pin', PIN_RUNBOOK);
  const transcript = join(dir, 't.jsonl');
  const r = await cli(['run', file, '--plain', '--transcript', transcript, '--input', `pin=${PASSWORD}`, '--input', 'port=5432']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const header = transcriptLines(transcript)[0] as unknown as { inputs: Record<string, unknown>; inputPrints: { salt: string; key?: string; prints: { name: string; kdf: string; print: string }[] } };
  assert.equal(header.inputs.pin, '****');
  const { salt, key, prints } = header.inputPrints;
  const pin = prints.find((p) => p.name === 'pin')!;
  const port = prints.find((p) => p.name === 'port')!;
  // The guesser's best case is the right guess: it does not match, so no guess of the 10,000 does (~50 ms each).
  const stretched = scryptSync(`pin\0"${PASSWORD}"`, salt, 32, SCRYPT);
  assert.notEqual(pin.print, stretched.toString('hex'), 'the PIN tested from the salt alone');
  assert.notEqual(port.print, sha(`${salt}\0port\0"5432"`), 'a value tested from the salt alone');
  assert.equal(key, recordKey().id, 'made with this user\'s key');
  assert.deepEqual([pin.kdf, port.kdf], ['scrypt-n16384-r8-p1+hmac-sha256', 'hmac-sha256']);
  // Under the key (which only this account on this machine holds), they are what they say.
  assert.equal(pin.print, recordKey().mac(stretched));
  assert.equal(port.print, recordKey().mac(`${salt}\0port\0"5432"`));
});

test('input prints from before the key (sha256, scrypt alone, no key id) still compare; another key\'s are said to be', () => {
  const salt = 'salt';
  const old = { salt, prints: [
    { name: 'pin', kdf: 'scrypt-n16384-r8-p1' as const, print: scryptSync(`pin\0"${PASSWORD}"`, salt, 32, SCRYPT).toString('hex') },
    { name: 'port', kdf: 'sha256' as const, print: sha(`${salt}\0port\0"5432"`) },
  ] };
  assert.deepEqual(inputChanges(old, { pin: PASSWORD, port: '5432' }, recordKey()), []);
  assert.match(inputChanges(old, { pin: '0000', port: '5432' }, recordKey()).join(' '), /'pin' has another value/);
  const elsewhere = inputChanges({ ...old, key: 'another-key-id' }, { pin: PASSWORD, port: '5432' }, recordKey());
  assert.match(elsewhere.join(' '), /fingerprinted with another record key .* cannot be compared/);
});
