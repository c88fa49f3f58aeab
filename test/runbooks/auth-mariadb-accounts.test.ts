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
/** The matched-account rows as [user, host, client, matches]. */
const matchedRows = (events: TranscriptEvent[]) =>
  ((events.find((e) => e.type === 'step-finished' && e.stepId === 'matched-account') as { result?: { rows?: Record<string, unknown>[] } })
    .result?.rows ?? []).map((r) => [r.user, r.host, r.client, r.matches]);
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
      assert.deepEqual(started(events), ['parse', 'login', 'account', 'account-locks', 'disabled-account']);
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
    assert.deepEqual(started(events), ['parse', 'login', 'account', 'account-locks', 'secure-transport', 'matched-account', 'anonymous-shadow']);
    // In the server's order: the anonymous '127.0.0.1' (no wildcard) before 'app_user'@'%'; both match the client.
    assert.deepEqual(matchedRows(events), [['', '127.0.0.1', '127.0.0.1', 1], ['app_user', '%', '127.0.0.1', 1]]);
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
    assert.deepEqual(started(events), ['parse', 'login', 'works-now', 'dry-run-check']);
    assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'resolved');
  });
});

describe('auth: which MariaDB account a login matched, by the client address the server saw', () => {
  let server: LabServer;
  before(async () => { server = await startServer('mariadb'); });
  after(async () => { await server?.stop(); });

  it("''@'localhost' shadows 'app_user'@'%' for a socket client: anonymous-shadow names it", async () => {
    const fault = await injectFault('anonymous-shadow', 'mariadb', { server });
    const transcript = join(dir, 'anon-localhost-socket.jsonl');
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${fault.url}`, '--input', `admin_url=${server.adminUrl()}`], ['not-now']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const events = readEvents(transcript);
    assert.deepEqual(started(events).slice(-2), ['matched-account', 'anonymous-shadow']);
    assert.deepEqual(matchedRows(events)[0], ['', 'localhost', 'localhost', 1]);
    assert.match(instructions(events, 'anonymous-shadow'), /DROP USER ''@'localhost';/);
  });

  it("the same ''@'localhost', but a TCP client from 127.0.0.1 with a wrong password: the app's own account matched, password-rejected, no DROP USER", async () => {
    await injectFault('anonymous-shadow', 'mariadb', { server });
    const transcript = join(dir, 'anon-localhost-tcp.jsonl');
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${server.url({ password: 'wrong-password' })}`, '--input', `admin_url=${server.adminUrl()}`], ['not-now']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const events = readEvents(transcript);
    assert.deepEqual(started(events).slice(-2), ['matched-account', 'password-rejected']);
    // Under skip-name-resolve 127.0.0.1 is not 'localhost': the anonymous account does not match this client.
    assert.deepEqual(matchedRows(events), [['', 'localhost', '127.0.0.1', 0], ['app_user', '%', '127.0.0.1', 1]]);
  });

  it("an account that exists only for 10.%: refused with 1045 from 127.0.0.1, routed to account-hosts, not to the password", async () => {
    const fault = await injectFault('account-other-host', 'mariadb', { server });
    const transcript = join(dir, 'other-host.jsonl');
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${fault.url}`, '--input', `admin_url=${server.adminUrl()}`], ['not-now']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const events = readEvents(transcript);
    const login = events.find((e) => e.type === 'step-finished' && e.stepId === 'login') as { result?: { error?: string } };
    assert.match(String(login.result?.error), /Access denied for user 'net_user'@'127\.0\.0\.1'/);
    assert.deepEqual(started(events).slice(-2), ['matched-account', 'account-hosts']);
    assert.match(instructions(events, 'account-hosts'), /No account of \*\*net_user\*\* \(nor an anonymous one\) matches the client \*\*127\.0\.0\.1\*\*/);
  });
});
