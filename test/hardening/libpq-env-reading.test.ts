// The application's PostgreSQL URL is read as libpq reads it (src/db/libpq-env.ts, libpq-files.ts): its PG* variables
// fill what the URL leaves out, ~/.postgresql/root.crt of the run's HOME is the CA under prefer/require too, a
// variable runbook does not read is refused naming it, and '+' in a query value is a '+'. psql with the same
// environment is the oracle: where it connects, runbook concludes the connection works (over TLS or not, as psql);
// where it cannot, no run ends resolved and diagnose does not say ok. Each case ended otherwise before.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, finished, scratch, transcriptLines } from './helpers.js';
import { E2E_TEST_LIMIT_MS } from '../helpers/limits.js';

const exec = promisify(execFile);
type Env = Record<string, string>;

/** The test runner's environment without any PG* variable: each case gives its own. */
function baseEnv(extra: Env): Env {
  const env: Env = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG') && k !== 'DATABASE_URL' && v !== undefined) env[k] = v;
  return { ...env, NO_COLOR: '1', ...extra };
}

/** psql, the application's libpq: does it connect, and over TLS? */
async function psql(url: string, env: Env): Promise<{ ok: boolean; tls?: boolean; error?: string }> {
  try {
    const { stdout } = await exec('psql', ['-X', '-At', '-c', 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()', url],
      { env: baseEnv(env), timeout: 30_000 });
    return { ok: true, tls: stdout.trim() === 't' };
  } catch (e) {
    return { ok: false, error: String((e as { stderr?: string }).stderr ?? e) };
  }
}

/** runbook diagnose with the same environment: its classification and the connect layer's TLS. */
async function diagnose(url: string, env: Env): Promise<{ classification: string; tls: unknown; text: string }> {
  const r = await cli(['diagnose', url, '--json', '--timeout', '10'], { env: baseEnv(env) });
  const out = JSON.parse(r.stdout) as { classification: string; checks: { layer: string; summary: string; details?: { tls?: unknown } }[] };
  return { classification: out.classification, tls: out.checks.find((c) => c.layer === 'connect')?.details?.tls, text: r.stdout };
}

/** A HOME whose ~/.postgresql/root.crt is `ca`. */
function homeWithRoot(dir: string, ca: string): string {
  const home = join(dir, 'home');
  mkdirSync(join(home, '.postgresql'), { recursive: true });
  writeFileSync(join(home, '.postgresql', 'root.crt'), ca);
  return home;
}

describe('the application URL read as libpq reads it', { concurrency: true }, () => {
  let tlsServer: LabServer; // TLS on, plain text accepted too
  let plainServer: LabServer; // no TLS
  let otherCa: string; // a CA that did not sign the server's certificate
  let labCa: string;
  let dir: string;

  before(async () => {
    [tlsServer, plainServer] = await Promise.all([
      startPostgres({ postgresVersion: 'system', tls: 'on' }), startPostgres({ postgresVersion: 'system', tls: 'off' }),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'runbook-libpq-env-'));
    await exec('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(dir, 'other.key'), '-out', join(dir, 'other.crt'), '-days', '2', '-subj', '/CN=some other CA']);
    otherCa = join(dir, 'other.crt');
    labCa = tlsServer.caFile!;
    await adminQuery(tlsServer, `CREATE DATABASE "app+db" OWNER ${tlsServer.appUser}`);
  });
  after(async () => {
    await Promise.all([tlsServer?.stop(), plainServer?.stop()]);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('ssl runbook, sslmode=require, ~/.postgresql/root.crt from another CA: psql refuses the certificate, the run does not end resolved', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const env = { HOME: homeWithRoot(dir, readFileSync(otherCa, 'utf8')) };
    const url = tlsServer.url({ params: { sslmode: 'require' } });
    const oracle = await psql(url, env);
    assert.equal(oracle.ok, false, 'psql connects');
    assert.match(oracle.error ?? '', /certificate verify failed/);
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', 'ssl', '--plain', '--transcript', transcript], { env: baseEnv({ ...env, DATABASE_URL: url }), stdin: 'noted\nnoted\nnoted\n' });
    assert.notEqual(finished(transcriptLines(transcript))?.outcome, 'resolved', r.stdout);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stdout, /cert-untrusted/, r.stdout);
  });

  test('ssl runbook, no sslmode in the URL, PGSSLMODE=verify-full with PGSSLROOTCERT of another CA: not resolved, as psql fails', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const env = { HOME: dir, PGSSLMODE: 'verify-full', PGSSLROOTCERT: otherCa };
    const url = tlsServer.url();
    assert.equal((await psql(url, env)).ok, false, 'psql connects');
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', 'ssl', '--plain', '--transcript', transcript], { env: baseEnv({ ...env, DATABASE_URL: url }), stdin: 'noted\nnoted\nnoted\n' });
    assert.notEqual(finished(transcriptLines(transcript))?.outcome, 'resolved', r.stdout);
    const login = transcriptLines(transcript).find((l) => l.type === 'step-finished' && l.stepId === 'client') as { result?: { details?: { sslmode?: string } } } | undefined;
    assert.equal(login?.result?.details?.sslmode, 'verify-full', 'the login reads PGSSLMODE');
  });

  test('prefer with a root.crt from another CA: libpq falls back to plain text, and so does runbook; with the right CA, TLS', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const url = tlsServer.url();
    for (const [ca, name] of [[otherCa, 'other'], [labCa, 'lab']] as const) {
      const env = { HOME: homeWithRoot(join(dir, name), readFileSync(ca, 'utf8')) };
      const oracle = await psql(url, env);
      assert.equal(oracle.ok, true, oracle.error);
      const d = await diagnose(url, env);
      assert.equal(d.classification, 'ok', d.text);
      assert.equal(d.tls, oracle.tls, `${name} CA: TLS as psql has it (${String(oracle.tls)})`);
    }
  });

  test('refused runbook with PGHOSTADDR: psql is refused, the run refuses naming the variable (also from --env-file)', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const url = tlsServer.url();
    assert.equal((await psql(url, { HOME: dir, PGHOSTADDR: '127.0.0.9' })).ok, false, 'psql connects');
    const envFile = join(dir, 'env');
    writeFileSync(envFile, 'PGHOSTADDR=127.0.0.9\n');
    for (const [env, args] of [[{ PGHOSTADDR: '127.0.0.9' }, []], [{}, ['--env-file', envFile]]] as const) {
      const transcript = join(dir, `t${args.length}.jsonl`);
      const r = await cli(['run', 'refused', '--plain', '--transcript', transcript, ...args], { env: baseEnv({ HOME: dir, DATABASE_URL: url, ...env }) });
      assert.notEqual(finished(transcriptLines(transcript))?.outcome, 'resolved', r.stdout);
      assert.match(finished(transcriptLines(transcript))?.message ?? '', /PGHOSTADDR is set/, r.stdout);
    }
  });

  test('refused runbook, a URL without a user, USER the app\'s role and PGPASSWORD its password: psql logs in as the uid\'s name and fails, the run does not end resolved', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const dir = scratch(t);
    const uid = userInfo().username; // libpq's default user, whatever $USER says
    assert.notEqual(uid, plainServer.appUser);
    const env = { HOME: dir, USER: plainServer.appUser, LOGNAME: plainServer.appUser, PGPASSWORD: plainServer.appPassword };
    const url = `postgres://127.0.0.1:${plainServer.port}/${plainServer.database}`;
    const oracle = await psql(url, env);
    assert.equal(oracle.ok, false, 'psql connects');
    assert.match(oracle.error ?? '', new RegExp(`for user "${uid}"`));
    const transcript = join(dir, 't.jsonl');
    const r = await cli(['run', 'refused', '--plain', '--transcript', transcript, '--input', `url=${url}`], { env: baseEnv(env) });
    const lines = transcriptLines(transcript);
    assert.notEqual(finished(lines)?.outcome, 'resolved', r.stdout);
    const login = lines.find((l) => l.type === 'step-finished' && l.stepId === 'verify') as { result?: { details?: { user?: string; database?: string } } } | undefined;
    assert.equal(login?.result?.details?.user, uid, `the login names the user it tries: ${r.stdout}`);
  });

  for (const [name, value] of [['PGCHANNELBINDING', 'require'], ['PGTARGETSESSIONATTRS', 'standby']] as const) {
    test(`diagnose with ${name}=${value}: psql fails, diagnose refuses naming it`, { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
      const env = { HOME: scratch(t), [name]: value };
      const url = plainServer.url();
      assert.equal((await psql(url, env)).ok, false, 'psql connects');
      const d = await diagnose(url, env);
      assert.notEqual(d.classification, 'ok', d.text);
      assert.match(d.text, new RegExp(`${name} is set`));
    });
  }

  test('diagnose with PGSSLMODE=require at a server without TLS: fails as psql does', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const env = { HOME: scratch(t), PGSSLMODE: 'require' };
    const url = plainServer.url();
    assert.equal((await psql(url, env)).ok, false, 'psql connects');
    const d = await diagnose(url, env);
    assert.equal(d.classification, 'ssl-unsupported', d.text);
  });

  test('diagnose with PGPORT and a URL without a port: the port is PGPORT\'s, as psql takes it', { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const env = { HOME: scratch(t), PGPORT: String(plainServer.port) };
    const url = `postgresql://${plainServer.appUser}:${encodeURIComponent(plainServer.appPassword)}@127.0.0.1/${plainServer.database}`;
    assert.equal((await psql(url, env)).ok, true, 'psql connects');
    const d = await diagnose(url, env);
    assert.equal(d.classification, 'ok', d.text);
  });

  test("'+' in a query value is a '+' (?dbname=app+db), as psql reads it", { timeout: E2E_TEST_LIMIT_MS }, async (t) => {
    const env = { HOME: scratch(t) };
    const url = `postgresql://${tlsServer.appUser}:${encodeURIComponent(tlsServer.appPassword)}@127.0.0.1:${tlsServer.port}/?dbname=app+db`;
    assert.equal((await psql(url, env)).ok, true, 'psql connects');
    const d = await diagnose(url, env);
    assert.equal(d.classification, 'ok', d.text);
    assert.match(d.text, /"database": ?"app\+db"/);
  });
});
