// A password in a URL input (plain and URL-encoded), a secret input from the environment, and a failing
// step that prints both: the secret's bytes appear nowhere in the transcript, the report or the replay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, fixture, scratch } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const PASSWORD = 'Tr0ub4dor&3#x/y@z:w';
const ENCODED = encodeURIComponent(PASSWORD);
const URL = `postgres://admin:${ENCODED}@127.0.0.1:1/app`;

function assertNoSecret(where: string, text: string): void {
  for (const form of new Set([PASSWORD, ENCODED, encodeURI(PASSWORD), 'Tr0ub4dor'])) {
    assert.ok(!text.includes(form), `${where} contains the secret as '${form}'`);
  }
}

test('secrets never reach the transcript, the report or the replay', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'secret.jsonl');
  const run = await cli(['run', fixture('secret'), '--plain', '--yes', '--transcript', file, '--input', `url=${URL}`], { env: { APP_DB_PASSWORD: PASSWORD } });
  assert.equal(run.code, 1, run.stderr);

  const transcript = readFileSync(file, 'utf8');
  assertNoSecret('the transcript', transcript);
  // …and not because nothing was recorded: the masked forms are there.
  assert.ok(transcript.includes(`"url":"postgres://admin:****@127.0.0.1:1/app"`), 'inputs recorded, masked');
  assert.ok(transcript.includes('"password":"****"'));
  assert.ok(transcript.includes('url=postgres://admin:****@127.0.0.1:1/app'), 'argv recorded, masked');
  // The failing step was given the secrets: its error is withheld in its record and in the run's ending alike
  // (stop 78: the ending had quoted a withheld error whole), and the record says what it was given.
  assert.match(transcript, /"type":"run-finished"[^\n]*"message":"Step 'login' failed: \*\*\*\*"/, 'the ending quotes the error as recorded');
  assert.match(transcript, /"stepId":"login"[^\n]*"withheld":\{"because":\[[^\]]*inputs\.password/, 'the step says it was given the secret');
  assert.match(transcript, /"type":"run-finished".*"outcome":"failed"/);

  for (const [name, args] of [['report', ['report', file]], ['report --format json', ['report', file, '--format', 'json']], ['replay', ['replay', file, '--speed', '0']]] as const) {
    const r = await cli([...args]);
    assert.equal(r.code, 0, `${name}: ${r.stderr}`);
    assert.ok(r.stdout.includes('****'), `${name} shows the masked values`);
    assertNoSecret(name, r.stdout + r.stderr);
  }
});
