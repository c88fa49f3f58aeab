// A resumed run acts on the database its run started on, whatever chooses it besides the environment (a hostile
// tester's two finds, real CLI and kill -9 on lab PostgreSQL servers A and B):
// - an input's value: a secret URL typed again on resume, or `--input port=…` over the recorded port, moved a shell
//   step's psql to B (its gate shows `DATABASE_URL=****`). Each input's value is fingerprinted at the run's start;
//   another one is refused, naming the input, never the secret; the same one resumes; --retarget continues on B.
// - a client config file: `psql "service=app"` reads ~/.pg_service.conf (HOME a scratch directory), edited
//   between the kill and the resume to point at B. Refused naming the file; --retarget continues on B.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { unprintedInputChanges } from '../../src/resume/input-prints.js';
import { adminQuery } from '../db/helpers.js';
import { GO_WAIT_STEP, killedRun } from '../helpers/killed-run.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';
import { cli, scratch, transcriptLines, until, writeRunbook } from './helpers.js';

let A: LabServer;
let B: LabServer;
before(async () => {
  // Trust on TCP: the service file and the port-only string need no password (the lab's credentials are the same
  // on both servers, so a password would not tell them apart anyway).
  [A, B] = await Promise.all([startPostgres({ hbaLines: ['host all all 127.0.0.1/32 trust'] }), startPostgres({ hbaLines: ['host all all 127.0.0.1/32 trust'] })]);
  for (const s of [A, B]) {
    await adminQuery(s, 'CREATE TABLE marks (what text)');
    await adminQuery(s, 'GRANT ALL ON marks TO app_user');
  }
});
after(async () => { await Promise.all([A?.stop(), B?.stop()]); });

const marks = async (s: LabServer, what: string) => Number((await adminQuery(s, 'SELECT count(*)::int AS n FROM marks WHERE what = $1', [what]))[0]!.n);

/** A wait the test ends (its go file), then a destructive psql write of `what`, to wherever `psqlArgs` leads. */
const RUNBOOK = (inputs: string, what: string, act: string) => `name: acts
title: Writes where an input or a client config file points
inputs:
  go: { required: true }
${inputs}
steps:
${GO_WAIT_STEP}
  - id: act
    destructive: true
    shell:
${act.replace('WHAT', what)}
  - id: done
    end: resolved
    message: written
`;

const VIA_URL = RUNBOOK('  url: { required: true, secret: true }', 'url', `      run: psql -X -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -c "INSERT INTO marks VALUES ('WHAT')"
      env: { DATABASE_URL: "\${{ inputs.url }}" }`);
const VIA_PORT = RUNBOOK('  port: { required: true }', 'port',
  `      run: psql -X -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=\${{ inputs.port }} dbname=app_db user=app_user" -c "INSERT INTO marks VALUES ('WHAT')"`);
const VIA_SERVICE = RUNBOOK('', 'service', `      run: psql -X -q -v ON_ERROR_STOP=1 "service=app" -c "INSERT INTO marks VALUES ('WHAT')"`);

const resume = (transcript: string, args: string[], env: NodeJS.ProcessEnv = {}) => cli(['resume', transcript, '--plain', ...args], { env });
const RETARGET = ['--retarget', '--approve', 'wait', '--approve', 'act'];

test('a secret input typed again with another value: refused naming it; the same value resumes; --retarget continues on B', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const transcript = await killedRun(dir, 'url', VIA_URL, [`url=${A.url()}`]);
  const header = readFileSync(transcript, 'utf8').split('\n')[0]!;
  assert.match(header, /"name":"url","kdf":"scrypt-n16384-r8-p1\+hmac-sha256"/, 'the secret is fingerprinted, stretched and keyed');
  assert.ok(!header.includes(A.appPassword) && !header.includes(`:${A.port}/`), 'the header holds neither the secret nor its server');

  const size = readFileSync(transcript).length;
  const refused = await resume(transcript, ['--yes', '--input', `url=${B.url()}`]);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /refusing to resume: .*the inputs are not the run's: 'url' has another value than the run's/);
  assert.ok(!refused.stderr.includes(B.appPassword) && !refused.stderr.includes(String(B.port)), 'the secret is not shown');
  assert.equal(readFileSync(transcript).length, size, 'the transcript is untouched');
  assert.equal(await marks(B, 'url'), 0, 'nothing was written to B');

  const same = await resume(transcript, ['--yes', '--input', `url=${A.url()}`]);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.deepEqual([await marks(A, 'url'), await marks(B, 'url')], [1, 0], 'written to A, the run\'s server');

  const second = await killedRun(dir, 'url2', VIA_URL, [`url=${A.url()}`]);
  const retargeted = await resume(second, [...RETARGET, '--input', `url=${B.url()}`]);
  assert.equal(retargeted.code, 0, retargeted.stdout + retargeted.stderr);
  assert.match(retargeted.stderr, /--retarget: .*'url' has another value/);
  assert.deepEqual([await marks(A, 'url'), await marks(B, 'url')], [1, 1], 'the retargeted run wrote to B, as the operator said');
});

test('--input over a recorded non-secret value: refused naming the input; the recorded value resumes', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const transcript = await killedRun(dir, 'port', VIA_PORT, [`port=${A.port}`]);
  const refused = await resume(transcript, ['--yes', '--input', `port=${B.port}`]);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /refusing to resume: .*'port' has another value than the run's/);
  assert.equal(await marks(B, 'port'), 0, 'nothing was written to B');
  const same = await resume(transcript, ['--yes']);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.deepEqual([await marks(A, 'port'), await marks(B, 'port')], [1, 0]);
});

test('~/.pg_service.conf pointed at B between the kill and the resume: refused naming it; --retarget continues on B', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const service = join(home, '.pg_service.conf');
  const pointAt = (s: LabServer) => writeFileSync(service, `[app]\nhost=127.0.0.1\nport=${s.port}\ndbname=app_db\nuser=app_user\n`);
  pointAt(A);
  const env = { HOME: home };
  const transcript = await killedRun(dir, 'service', VIA_SERVICE, [], env);
  pointAt(B);
  const refused = await resume(transcript, ['--yes'], env);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`refusing to resume: .*client configuration file changed since the run recorded it: ${service.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
  assert.equal(await marks(B, 'service'), 0, 'nothing was written to B');

  const retargeted = await resume(transcript, RETARGET, env);
  assert.equal(retargeted.code, 0, retargeted.stdout + retargeted.stderr);
  assert.match(retargeted.stderr, /--retarget: .*\.pg_service\.conf/);
  assert.deepEqual([await marks(A, 'service'), await marks(B, 'service')], [0, 1], 'written to B, as the operator said');
});

// A third probe: a client file a step's own env: names, psql's startup file, and a header whose prints were deleted.
const VIA_STEP_ENV = (file: string) => RUNBOOK('', 'stepenv', `      run: psql -X -q -v ON_ERROR_STOP=1 "service=app" -c "INSERT INTO marks VALUES ('WHAT')"
      env: { PGSERVICEFILE: ${file} }`);
const VIA_PSQLRC = (s: LabServer, what = 'psqlrc') => RUNBOOK('', what, `      run: psql -q -v ON_ERROR_STOP=1 "host=127.0.0.1 port=${s.port} dbname=app_db user=app_user" -c "INSERT INTO marks VALUES ('WHAT')"`);
const serviceFor = (s: LabServer) => `[app]\nhost=127.0.0.1\nport=${s.port}\ndbname=app_db\nuser=app_user\n`;

test('a service file named in a step\'s own env:, edited between the kill and the resume: refused naming it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const file = join(dir, 'svc.conf');
  writeFileSync(file, serviceFor(A));
  const transcript = await killedRun(dir, 'stepenv', VIA_STEP_ENV(file), []);
  writeFileSync(file, serviceFor(B));
  const refused = await resume(transcript, ['--yes']);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /client configuration file changed since the run recorded it: .*svc\.conf/);
  assert.equal(await marks(B, 'stepenv'), 0, 'nothing was written to B');
});

test('~/.psqlrc given a \\c to B between the kill and the resume (psql reads it even with -c): refused naming it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const env = { HOME: home };
  const transcript = await killedRun(dir, 'psqlrc', VIA_PSQLRC(A), [], env);
  writeFileSync(join(home, '.psqlrc-99'), `\\c "host=127.0.0.1 port=${B.port} dbname=app_db user=app_user"\n`);
  const refused = await resume(transcript, ['--yes'], env);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /client configuration file changed since the run recorded it: .*\.psqlrc/);
  assert.equal(await marks(B, 'psqlrc'), 0, 'nothing was written to B');
});

// The finding: ~/.psqlrc includes another file (`\\i`), and that file, not ~/.psqlrc, is edited to connect to B.
test('a file ~/.psqlrc includes (\\i), edited to \\c B between the kill and the resume: refused naming it; --retarget continues on B', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const home = join(dir, 'home');
  mkdirSync(home);
  const inc = join(dir, 'inc.psql');
  writeFileSync(inc, '\\set probe 1\n');
  writeFileSync(join(home, '.psqlrc'), `\\i ${inc}\n`);
  const env = { HOME: home };
  const transcript = await killedRun(dir, 'included', VIA_PSQLRC(A, 'included'), [], env);
  writeFileSync(inc, `\\c "host=127.0.0.1 port=${B.port} dbname=app_db user=app_user"\n`);
  const refused = await resume(transcript, ['--yes'], env);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, new RegExp(`client configuration file changed since the run recorded it: ${inc.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} `));
  assert.equal(await marks(B, 'included'), 0, 'nothing was written to B');

  const retargeted = await resume(transcript, RETARGET, env);
  assert.equal(retargeted.code, 0, retargeted.stdout + retargeted.stderr);
  assert.match(retargeted.stderr, /--retarget: .*inc\.psql/);
  assert.deepEqual([await marks(A, 'included'), await marks(B, 'included')], [0, 1], 'written to B, as the operator said');
});

test('a header with its input prints and client files deleted is not taken for one from before them: refused, saying so', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
  const dir = scratch(t);
  const transcript = await killedRun(dir, 'edited', VIA_URL, [`url=${A.url()}`]);
  const onB = await marks(B, 'url'); // the first test's --retarget wrote one there
  const [head, ...rest] = readFileSync(transcript, 'utf8').split('\n');
  const h = JSON.parse(head!) as Record<string, unknown>;
  delete h.inputPrints;
  delete h.clientFiles;
  writeFileSync(transcript, [JSON.stringify(h), ...rest].join('\n'));
  const refused = await resume(transcript, ['--yes', '--input', `url=${B.url()}`]);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /the transcript holds no fingerprint of 'url'.*cannot be compared/);
  assert.match(refused.stderr, /the transcript records no client configuration files/);
  assert.equal(await marks(B, 'url'), onB, 'nothing was written to B');
});

test('a transcript from before input prints: non-secret values compared with its header, secrets said to be uncompared', () => {
  const secret = (name: string) => name === 'url';
  const same = unprintedInputChanges({ port: 5432, url: 'postgres://u:****@a/db' }, { port: 5432, url: 'postgres://u:x@b/db' }, secret);
  assert.deepEqual(same, { phrases: [], uncompared: ['url'] });
  const moved = unprintedInputChanges({ port: 5432, dsn: 'postgres://u:****@a/db' }, { port: 5433, dsn: 'postgres://u:x@b/db' }, () => false);
  assert.equal(moved.phrases.length, 1);
  assert.match(moved.phrases[0]!, /'port' has another value/);
  assert.deepEqual(moved.uncompared, ['dsn'], 'a masked value cannot be compared either');
});
