// auth when the pg_hba.conf line for the application uses LDAP and the LDAP server is down (issue #35): nothing
// listens where ldapserver/ldapport point. The client sees "LDAP authentication failed", the same words as a wrong
// directory password; resetting the role's own password cannot help. The login's class and words are asserted as
// they are, then the route: the external-auth step (the directory and the server log, the pg_hba line named), not
// "find the current password" (docs/runbooks/auth.md, "Review").
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { holdClosedPort, startPostgres, type ClosedPort, type LabServer } from '../../src/lab/index.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-auth-ldap-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('auth: an ldap pg_hba.conf line whose LDAP server is down', () => {
  let server: LabServer;
  let ldap: ClosedPort | undefined;
  let events: TranscriptEvent[] = [];
  before(async () => {
    ldap = await holdClosedPort(); // bound, never listening: no LDAP server there
    const ldapPort = ldap.port;
    server = await startPostgres({ hbaLines: [
      `host all app_user 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapport=${ldapPort} ldapprefix="cn=" ldapsuffix=",dc=example,dc=org"`,
      'host all all 127.0.0.1/32 scram-sha-256'] });
    const transcript = join(dir, 'ldap-down.jsonl');
    await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${server.url()}`, '--input', `admin_url=${server.adminUrl()}`], ['not-now']);
    events = readEvents(transcript);
  });
  after(async () => { await server?.stop(); await ldap?.close(); });

  it('the login (with the right role password) is auth: "LDAP authentication failed"', () => {
    const login = events.find((e) => e.type === 'step-finished' && e.stepId === 'login') as { result?: { classification?: string; error?: string } };
    assert.equal(login.result?.classification, 'auth');
    assert.match(String(login.result?.error), /^28000: LDAP authentication failed for user "app_user"/);
  });

  it('the runbook sends the operator to the directory and the server log, not to the role\'s password', () => {
    const started = events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
    assert.deepEqual(started, ['parse', 'login', 'account', 'hba-rules', 'external-auth']);
    const asked = events.find((e) => e.type === 'question-asked') as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
    assert.equal(asked?.question?.stepId, 'external-auth');
    const text = String(asked?.question?.action?.instructions);
    assert.match(text, /could not perform initial LDAP bind/);
    assert.match(text, /line \*\*\d+\*\*: `host all app_user 127\.0\.0\.1 ldap ldapserver=127\.0\.0\.1/);
    const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string } | undefined;
    assert.deepEqual([end?.outcome, end?.stepId], ['escalate', 'escalate']);
  });
});

// A search+bind line holds the directory's bind password (ldapbindpasswd=, also radiussecrets=): pg_hba_file_rules
// shows it, and the hba-rules step printed it whole on the screen and in the transcript (a gap stop 77 left).
// The runbook's query now shows only the options on its list with their values; any other option's value is ****.
describe('auth: a search+bind ldap line whose bind password the rules view shows', () => {
  const BIND_PW = 'Lb7bindSecret';
  let server: LabServer;
  let ldap: ClosedPort | undefined;
  let events: TranscriptEvent[] = [];
  let recorded = '';
  before(async () => {
    ldap = await holdClosedPort();
    server = await startPostgres({ hbaLines: [
      `host all app_user 127.0.0.1/32 ldap ldapserver=127.0.0.1 ldapport=${ldap.port} ldapbasedn="dc=example,dc=org" ldapbinddn="cn=reader,dc=example,dc=org" ldapbindpasswd=${BIND_PW} ldapsearchattribute=uid`,
      'host all all 127.0.0.1/32 scram-sha-256'] });
    const transcript = join(dir, 'ldap-bind.jsonl');
    await runCliWithAnswers(['run', 'auth', '--plain', '--transcript', transcript,
      '--input', `url=${server.url()}`, '--input', `admin_url=${server.adminUrl()}`], ['not-now']);
    events = readEvents(transcript);
    recorded = JSON.stringify(events);
  });
  after(async () => { await server?.stop(); await ldap?.close(); });

  it('the bind password is in no record; the line is named with its other options and ldapbindpasswd=****', () => {
    assert.ok(!recorded.includes(BIND_PW), 'the bind password is in the transcript');
    const asked = events.find((e) => e.type === 'question-asked') as { question?: { action?: { instructions?: string } } } | undefined;
    const text = String(asked?.question?.action?.instructions);
    assert.match(text, /ldapbinddn=cn=reader,dc=example,dc=org ldapbindpasswd=\*\*\*\* ldapsearchattribute=uid/);
  });
});
