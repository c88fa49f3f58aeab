// auth on real MariaDB accounts no password can pass (issue #35): a unix_socket account given a password over the
// socket (Debian's root; 1698), an account blocked by max_password_errors (4150, the right password refused too),
// and an account REQUIRE X509 reached over TLS without a client certificate (a plain 1045). The login's class and
// the server's words are asserted as they are, then the step whose advice the run reaches (auth-method,
// unblock-account after the login-failures read, needs-tls after the secure-transport read) and how it ends
// (docs/runbooks/auth.md, "Review").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { injectFault, type FaultKind, type InjectedFault } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-auth-methods-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const started = (events: TranscriptEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
const result = (events: TranscriptEvent[], id: string) =>
  (events.find((e) => e.type === 'step-finished' && e.stepId === id) as { result?: { classification?: string; error?: string; rows?: Record<string, unknown>[] } } | undefined)?.result;
const instructions = (events: TranscriptEvent[], id: string): string =>
  (events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined)?.question?.action?.instructions ?? '';

const ending = (events: TranscriptEvent[]) => {
  const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string } | undefined;
  return [end?.outcome, end?.stepId];
};

/** One real run of auth against the fault, with the admin URL; every question answered "not-now". */
function authRun(kind: FaultKind): () => { events: TranscriptEvent[] } {
  let fault: InjectedFault;
  let events: TranscriptEvent[] = [];
  before(async () => {
    fault = await injectFault(kind, 'mariadb');
    const transcript = join(dir, `${kind}.jsonl`);
    const r = await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${fault.url}`, '--input', `admin_url=${fault.server!.adminUrl()}`], ['not-now', 'not-now']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    events = readEvents(transcript);
  });
  after(async () => { await fault?.cleanup(); });
  return () => ({ events });
}

describe('auth: a MariaDB unix_socket account given a password', () => {
  const run = authRun('unix-socket-account');
  it('the login is auth-method, 1698, as the server says it', () => {
    const login = result(run().events, 'login');
    assert.equal(login?.classification, 'auth-method');
    assert.match(String(login?.error), /^ER_ACCESS_DENIED_NO_PASSWORD_ERROR: Access denied for user 'sock_user'@'localhost'/);
  });
  it('the runbook names unix_socket and a password method for the account, not "run the ssl runbook"', () => {
    const { events } = run();
    assert.deepEqual(started(events), ['parse', 'login', 'account', 'auth-method']);
    assert.match(instructions(events, 'auth-method'), /plugin \*\*unix_socket\*\*/);
    assert.match(instructions(events, 'auth-method'), /IDENTIFIED VIA mysql_native_password/);
    assert.deepEqual(ending(events), ['escalate', 'escalate']);
    assert.doesNotMatch(String(events.find((e) => e.type === 'run-finished')?.message), /ssl runbook/);
  });
});

describe('auth: a MariaDB account blocked by max_password_errors', () => {
  const run = authRun('login-failures-blocked');
  it('the right password is refused: too-many-login-failures, 4150 under MariaDB\'s own name', () => {
    const login = result(run().events, 'login');
    assert.equal(login?.classification, 'too-many-login-failures');
    assert.match(String(login?.error), /^ER_USER_IS_BLOCKED: User is blocked because of too many credential errors/);
  });
  it('the runbook reads max_password_errors, says find the client sending the wrong password, then FLUSH PRIVILEGES', () => {
    const { events } = run();
    assert.deepEqual(started(events), ['parse', 'login', 'login-failures', 'unblock-account']);
    assert.match(instructions(events, 'unblock-account'), /max_password_errors is \*\*\d+\*\*/);
    assert.match(instructions(events, 'unblock-account'), /Find the client still sending the old password.*FLUSH PRIVILEGES/s);
    assert.deepEqual(ending(events), ['escalate', 'escalate']);
  });
});

describe('auth: a MariaDB account REQUIRE X509 without a client certificate', () => {
  const run = authRun('client-cert');
  it('a plain 1045 (auth); the admin view shows the account requires X509', () => {
    const { events } = run();
    assert.equal(result(events, 'login')?.classification, 'auth');
    assert.deepEqual(result(events, 'account')?.rows?.map((r) => [r.host, r.requires_tls]), [['%', 'X509']]);
  });
  it('the runbook names the certificate the account requires, not "find the current password"', () => {
    const { events } = run();
    assert.deepEqual(started(events).slice(-3), ['account-locks', 'secure-transport', 'needs-tls'], started(events).join(','));
    assert.ok(!started(events).includes('password-rejected'), started(events).join(','));
    assert.match(instructions(events, 'needs-tls'), /connects with TLS \(sslmode \*\*require\*\*\) but sends no client certificate/);
    assert.match(instructions(events, 'needs-tls'), /the account requires TLS \(\*\*% REQUIRE X509\*\*\)/);
    assert.deepEqual(ending(events), ['escalate', 'escalate']);
  });
});
