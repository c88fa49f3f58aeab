// auth on a real MariaDB where an anonymous account ''@'127.0.0.1' shadows 'app_user'@'%' (issue #16): the
// application's right password is refused with 1045, and only the administrator's view of mysql.user tells it
// from a wrong password. The runbook routes to anonymous-shadow naming the host; once the anonymous account is
// dropped, the same URL logs in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-auth-anon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const started = (events: TranscriptEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
const instructions = (events: TranscriptEvent[], id: string): string =>
  (events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined)?.question?.action?.instructions ?? '';

describe('auth: an anonymous MariaDB account shadows the application user', () => {
  let server: LabServer;
  before(async () => {
    server = await startServer('mariadb');
    // One connection for the setup: once 'lab_admin'@'127.0.0.1' exists, new admin logins match it (more specific
    // host), so it gets its grants first. The anonymous account shadows every '%' account from 127.0.0.1 - the
    // administrator keeps a host-specific account of its own, as a DBA would log in from a host it does not shadow.
    const admin = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      await admin.query("CREATE USER 'lab_admin'@'127.0.0.1' IDENTIFIED BY ?", [server.superPassword]);
      await admin.query("GRANT ALL ON *.* TO 'lab_admin'@'127.0.0.1' WITH GRANT OPTION");
      await admin.query("CREATE USER ''@'127.0.0.1'");
    } finally { await admin.end(); }
  });
  after(async () => { await server?.stop(); });

  it('the right password is refused; the runbook names the anonymous account and the DROP USER, ends escalate when not fixed', async () => {
    const transcript = join(dir, 'shadowed.jsonl');
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${server.url()}`, '--input', `admin_url=${server.adminUrl()}`], ['not-now']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const events = readEvents(transcript);
    assert.deepEqual(started(events), ['parse', 'tcp', 'login', 'account', 'anonymous-accounts', 'anonymous-shadow']);
    const anon = events.find((e) => e.type === 'step-finished' && e.stepId === 'anonymous-accounts') as { result?: { rows?: Record<string, unknown>[] } };
    assert.deepEqual(anon.result?.rows, [{ host: '127.0.0.1', shadows: 1 }]);
    const text = instructions(events, 'anonymous-shadow');
    assert.match(text, /DROP USER ''@'127\.0\.0\.1';/);
    assert.match(text, /Access denied for user 'app_user'@'127\.0\.0\.1' \(using password: YES\)/);
    assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'escalate');
  });

  it('after DROP USER the same URL logs in: the runbook ends resolved from the application side', async () => {
    const admin = await mysql.createConnection({ uri: server.adminUrl() });
    try { await admin.query("DROP USER ''@'127.0.0.1'"); } finally { await admin.end(); }
    const transcript = join(dir, 'dropped.jsonl');
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${server.url()}`, '--input', `admin_url=${server.adminUrl()}`], ['app-is-fine']);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const events = readEvents(transcript);
    assert.deepEqual(started(events), ['parse', 'tcp', 'login', 'works-now']);
    assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'resolved');
  });
});
