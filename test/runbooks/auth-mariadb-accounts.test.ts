// auth on a real MariaDB: a locked account behind a wrong password (only mysql.global_priv shows the lock), and an anonymous account ''@'127.0.0.1' shadows 'app_user'@'%' (issue #16): the
// application's right password is refused with 1045, and only the administrator's view of mysql.user tells it
// from a wrong password. The runbook routes to anonymous-shadow naming the host; once the anonymous account is
// dropped, the same URL logs in.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { injectFault, startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-auth-anon-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const started = (events: TranscriptEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
const instructions = (events: TranscriptEvent[], id: string): string =>
  (events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined)?.question?.action?.instructions ?? '';

describe('auth: MariaDB accounts as mysql.global_priv sees them', () => {
  it('a wrong password on a locked account is a plain 1045; the admin view shows the lock: disabled-account', async () => {
    const fault = await injectFault('account-locked', 'mariadb');
    try {
      const url = new URL(fault.url);
      url.password = 'wrong-password';
      const transcript = join(dir, 'locked-wrong-password.jsonl');
      const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
        '--input', `url=${url.href}`, '--input', `admin_url=${fault.server!.adminUrl()}`], ['not-now']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const events = readEvents(transcript);
      const login = events.find((e) => e.type === 'step-finished' && e.stepId === 'login') as { result?: { classification?: string; error?: string } };
      assert.equal(login.result?.classification, 'auth', 'not account-locked: the password check comes first');
      assert.match(String(login.result?.error), /Access denied for user 'locked_user'/);
      assert.deepEqual(started(events), ['parse', 'tcp', 'login', 'account', 'account-locks', 'disabled-account']);
      const locks = events.find((e) => e.type === 'step-finished' && e.stepId === 'account-locks') as { result?: { rows?: Record<string, unknown>[] } };
      assert.deepEqual(locks.result?.rows?.map((row) => [row.host, row.locked, row.expired]), [['%', 1, 0]]);
      assert.match(instructions(events, 'disabled-account'), /MariaDB, per host: .*"locked":1/);
    } finally {
      await fault.cleanup();
    }
  });
});

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
    assert.deepEqual(started(events), ['parse', 'tcp', 'login', 'account', 'account-locks', 'anonymous-accounts', 'anonymous-shadow']);
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
