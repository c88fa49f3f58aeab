// #31: diagnose checks the pooler's startup parameters. A PgBouncer (Debian's) without extra_float_digits in
// ignore_startup_parameters refuses every JDBC client ("unsupported startup parameter"), while diagnose's own
// login (node-postgres sends no such parameter) works: the startup layer asks with JDBC's parameters, names
// pooler-config and its runbook, and the runbook reaches its advice. Real PgBouncer and PostgreSQL, no mocks.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { JDBC_STARTUP, pgStartupAnswer } from '../../src/db/pg-startup.js';
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
});
