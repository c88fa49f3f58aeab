// #31: diagnose checks the pooler's startup parameters. A PgBouncer (Debian's) without extra_float_digits in
// ignore_startup_parameters refuses every JDBC client ("unsupported startup parameter"), while diagnose's own
// login (node-postgres sends no such parameter) works: the startup layer asks with JDBC's parameters, names
// pooler-config and its runbook, and the runbook reaches its advice. The runbooks' startup probe sends the same
// packet; the pooler-config runbook ends resolved only once that packet is taken and the application's URL logs
// in (#35: a resolved proven by a connection). Real PgBouncer and PostgreSQL, no mocks.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { spawn } from 'node:child_process';
import pg from 'pg';
import { JDBC_STARTUP, pgStartupAnswer } from '../../src/db/pg-startup.js';
import { startupProbe } from '../../src/executors/probes/startup.js';
import { testContext } from '../executors/context.js';
import { parseUrl } from '../../src/db/url.js';
import { diagnose } from '../../src/diagnose/diagnose.js';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { pgbouncerBinary, startPgbouncer, type LabPooler } from '../../src/lab/pgbouncer.js';
import { readEvents, runCli } from '../runbooks/helpers.js';
import { runCliWithAnswers } from '../runbooks/answers.js';

const TIMEOUT_MS = 30_000; // must not fire: each answer is ~10 ms idle (a hang guard, #20)
const startup = (d: Awaited<ReturnType<typeof diagnose>>) => d.checks.find((c) => c.layer === 'startup');

describe('the pooler\'s startup parameters', { skip: pgbouncerBinary() ? false : 'pgbouncer is not installed' }, () => {
  let backend: LabServer;
  let tlsBackend: LabServer;
  let strict: LabPooler;   // ignore_startup_parameters unset: refuses extra_float_digits
  let lenient: LabPooler;  // the lab's default: ignores it
  const dir = mkdtempSync(join(tmpdir(), 'runbook-pooler-startup-'));
  before(async () => {
    [backend, tlsBackend] = await Promise.all([startServer('postgres'), startServer('postgres', { tls: 'on' })]);
    [strict, lenient] = await Promise.all([startPgbouncer(backend, { ignoreStartupParameters: '' }), startPgbouncer(backend)]);
  });
  after(async () => {
    await Promise.all([strict?.stop(), lenient?.stop()]);
    await Promise.all([backend?.stop(), tlsBackend?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('the strict PgBouncer refuses JDBC\'s startup packet before any password; PostgreSQL takes it', async () => {
    const refused = await pgStartupAnswer(parseUrl(strict.url()), { ...JDBC_STARTUP }, false, TIMEOUT_MS);
    assert.deepEqual(refused, { accepted: false, code: '08P01', message: 'unsupported startup parameter: extra_float_digits' });
    assert.deepEqual(await pgStartupAnswer(parseUrl(lenient.url()), { ...JDBC_STARTUP }, false, TIMEOUT_MS), { accepted: true });
    assert.deepEqual(await pgStartupAnswer(parseUrl(backend.url()), { ...JDBC_STARTUP }, false, TIMEOUT_MS), { accepted: true });
  });

  it('diagnose through the strict PgBouncer: the login works, the startup layer warns; pooler-config, runbook pooler-config', async () => {
    const d = await diagnose({ url: strict.url(), from: 'test' }, { timeoutMs: TIMEOUT_MS });
    assert.equal(d.checks.find((c) => c.layer === 'connect')?.status, 'ok', JSON.stringify(d.checks));
    assert.equal(startup(d)?.status, 'warn');
    assert.equal(startup(d)?.details?.parameter, 'extra_float_digits');
    assert.deepEqual([d.classification, d.scenario, d.runbook], ['pooler-config', 'pooler', 'pooler-config']);
    assert.match(d.finding, /clients that send extra_float_digits at startup \(every JDBC client\) are refused/);
    assert.equal(d.checks.find((c) => c.layer === 'pool')?.status, 'ok', 'the layers after it still ran');
  });

  it('diagnose through the PgBouncer that ignores it, and straight to PostgreSQL (plain and over TLS): healthy', async () => {
    for (const url of [lenient.url(), backend.url(), tlsBackend.url()]) {
      const d = await diagnose({ url, from: 'test' }, { timeoutMs: TIMEOUT_MS });
      assert.equal(startup(d)?.status, 'ok', `${url}: ${JSON.stringify(d.checks)}`);
      assert.equal(d.classification, 'ok');
    }
    const overTls = await diagnose({ url: tlsBackend.url(), from: 'test' }, { timeoutMs: TIMEOUT_MS });
    assert.match(overTls.checks.find((c) => c.layer === 'connect')?.summary ?? '', /TLS on/, 'the startup packet went over TLS, as the login did');
  });

  it('CLI: diagnose --json exits 1 naming pooler-config; the runbook with the admin console reaches add-parameter', async () => {
    const r = await runCli(['diagnose', strict.url(), '--json', '--timeout', '30s']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { classification: string; runbook: string };
    assert.deepEqual([out.classification, out.runbook], ['pooler-config', 'pooler-config']);
    const transcript = join(dir, 'pooler-config.jsonl');
    const run = await runCliWithAnswers(['run', 'pooler-config', '--plain', '--transcript', transcript,
      '--input', `url=${strict.url()}`, '--input', `pooler_admin_url=${strict.adminUrl()}`, '--input', 'parameter=extra_float_digits'], ['tell-owners']);
    const events = readEvents(transcript);
    const asked = events.find((e) => e.type === 'question-asked') as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
    assert.equal(asked?.question?.stepId, 'add-parameter', run.stdout + run.stderr);
    assert.match(asked?.question?.action?.instructions ?? '', /ignore_startup_parameters = extra_float_digits/);
    assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'escalate');
  });

  const probe = (url: string, parameter?: string) =>
    startupProbe({ kind: 'probe', probe: 'startup', url, timeoutMs: TIMEOUT_MS, ...(parameter ? { parameter } : {}) }, testContext());

  it('the startup probe: refused by the strict PgBouncer (pooler-config), taken by the lenient one and PostgreSQL (plain, TLS)', async () => {
    const refused = await probe(strict.url());
    assert.deepEqual([refused.status, refused.classification], ['failed', 'pooler-config']);
    assert.match(String(refused.error), /unsupported startup parameter: extra_float_digits/);
    const searchPath = await probe(lenient.url(), 'search_path');
    assert.deepEqual([searchPath.classification, searchPath.details?.parameters], ['pooler-config',
      ['client_encoding', 'DateStyle', 'TimeZone', 'extra_float_digits', 'application_name', 'search_path']]);
    assert.match(String(searchPath.error), /unsupported startup parameter: search_path/);
    for (const url of [lenient.url(), backend.url()]) {
      const taken = await probe(url);
      assert.deepEqual([taken.classification, taken.details?.tls], ['ok', false], url);
    }
    const tls = await probe(tlsBackend.url());
    assert.deepEqual([tls.classification, tls.details?.tls], ['ok', true], 'sslmode prefer: the packet went over TLS');
    const mysql = await probe('mysql://app:x@127.0.0.1:1/app');
    assert.match(String(mysql.error), /speaks PostgreSQL's startup packet/);
  });

  it('the runbook: the startup step sees the refusal; after the pooler is told to ignore it (SET on the console), resolved by the packet and the login', async () => {
    const pooler = await startPgbouncer(backend, { ignoreStartupParameters: '' });
    try {
      const transcript = join(dir, 'pooler-config-fixed.jsonl');
      const run = await answerAfter(['run', 'pooler-config', '--plain', '--transcript', transcript,
        '--input', `url=${pooler.url()}`, '--input', `pooler_admin_url=${pooler.adminUrl()}`],
      'add-parameter', async () => {
        const console = new pg.Client({ connectionString: pooler.adminUrl() });
        await console.connect();
        try { await console.query("SET ignore_startup_parameters = 'extra_float_digits'"); } finally { await console.end(); }
      }, 'changed');
      const events = readEvents(transcript);
      const started = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
      assert.deepEqual(started, ['login', 'startup', 'pooler-settings', 'add-parameter', 'recheck', 'verify-startup', 'verify-login'], run.stdout + run.stderr);
      const classOf = (id: string) => (events.find((e) => e.type === 'step-finished' && e.stepId === id) as { result?: { classification?: string } } | undefined)?.result?.classification;
      assert.deepEqual([classOf('startup'), classOf('verify-startup'), classOf('verify-login')], ['pooler-config', 'ok', 'ok']);
      const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; message?: string } | undefined;
      assert.equal(end?.outcome, 'resolved', end?.message);
      assert.match(String(end?.message), /takes a startup packet with extra_float_digits .*ignore_startup_parameters: extra_float_digits/s);
      assert.equal(run.code, 0);
    } finally {
      await pooler.stop();
    }
  });

  it('the runbook: "changed" while nothing changed is not resolved: the packet is still refused', async () => {
    const transcript = join(dir, 'pooler-config-unchanged.jsonl');
    const run = await runCliWithAnswers(['run', 'pooler-config', '--plain', '--transcript', transcript, '--input', `url=${strict.url()}`], ['changed']);
    const events = readEvents(transcript);
    const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string; message?: string } | undefined;
    assert.deepEqual([end?.outcome, end?.stepId], ['escalate', 'still-refused'], end?.message);
    assert.match(String(end?.message), /still refuses extra_float_digits at startup/);
    assert.equal(run.code, 1);
  });
});

/** The CLI in plain mode; when `question`'s step asks, `act` runs first (the operator's change), then `reply` is sent. */
function answerAfter(args: string[], question: string, act: () => Promise<void>, reply: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'runbook.js'), ...args], { env: { ...process.env, NO_COLOR: '1' } });
    let stdout = '', stderr = '', asked = false;
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      if (asked || !stdout.includes(`${question}: do this by hand`)) return;
      asked = true;
      act().then(() => child.stdin.write(`${reply}\n`), (e: unknown) => { child.kill(); reject(e as Error); });
    });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 180_000); // a hang guard only
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
