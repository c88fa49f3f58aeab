// #31, "retries never worsen the fault": MariaDB under require_secure_transport refuses a plain login with the same
// 1045 as a wrong password. The product no longer logs in a second time over TLS to tell them apart on a server that
// counts failed logins (MariaDB 10.4+): with a wrong password that second attempt was a second counted failure and
// could block the account (4150). Real MariaDB with TLS required; the counts are read by the server's own block.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { readEvents, runCli, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const HANG_GUARD_MS = 30_000;
const dir = mkdtempSync(join(tmpdir(), 'runbook-tls-login-'));
let maria: LabServer;
let ca: string;

/** A login as the application would make it over TLS, verified: its error number, or 0 for a login that worked. */
async function tlsLogin(user: string, password: string): Promise<number> {
  try {
    const c = await mysql.createConnection({ host: maria.host, port: maria.port, user, password, ssl: { ca }, connectTimeout: HANG_GUARD_MS });
    await c.end();
    return 0;
  } catch (err) {
    return (err as { errno?: number }).errno ?? -1;
  }
}

/** The admin's statements, over TLS (the server takes nothing else). */
async function admin(sql: string): Promise<Record<string, unknown>[]> {
  const c = await mysql.createConnection({ uri: maria.adminUrl(), ssl: { ca }, connectTimeout: HANG_GUARD_MS });
  try {
    return (await c.query(sql))[0] as Record<string, unknown>[];
  } finally {
    await c.end();
  }
}

before(async () => {
  maria = await startServer('mariadb', { tls: 'required' });
  ca = readFileSync(maria.caFile!, 'utf8');
  await admin('SET GLOBAL max_password_errors = 2');
});
after(async () => { await maria?.stop(); rmSync(dir, { recursive: true, force: true }); });

async function account(user: string): Promise<void> {
  await admin(`CREATE USER '${user}'@'%' IDENTIFIED BY 'right-pw'`);
  await admin(`GRANT ALL ON ${maria.database}.* TO '${user}'@'%'`);
}

const plainUrl = (user: string, password: string) => maria.url({ user, password });

async function diagnoseCli(url: string): Promise<{ classification: string; runbook: string | null; checks: { layer: string; summary: string }[] }> {
  const r = await runCli(['diagnose', url, '--json', '--timeout', '30s']);
  return JSON.parse(r.stdout) as { classification: string; runbook: string | null; checks: { layer: string; summary: string }[] };
}

async function runAuth(inputs: Record<string, string>, answers: string[]): Promise<{ events: TranscriptEvent[]; out: string }> {
  const transcript = join(dir, `auth-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', 'auth', '--plain', '--transcript', transcript, ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = await runCliWithAnswers(args, answers);
  return { events: readEvents(transcript), out: r.stdout + r.stderr };
}

const started = (events: TranscriptEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => e.stepId);

describe('MariaDB 10.11, require_secure_transport=ON, max_password_errors=2', () => {
  it('the limit is live: two wrong passwords block the account, even for the right password over TLS (4150)', async () => {
    await account('calib');
    assert.notEqual(await tlsLogin('calib', 'wrong'), 0);
    assert.equal(await tlsLogin('calib', 'right-pw'), 0, 'one counted failure does not block at 2 (and the login resets the count)');
    assert.notEqual(await tlsLogin('calib', 'wrong'), 0);
    assert.notEqual(await tlsLogin('calib', 'wrong'), 0);
    assert.equal(await tlsLogin('calib', 'right-pw'), 4150, 'two counted failures block it');
  });

  it('diagnose with a wrong password in plain text: auth, one counted attempt (the right password still gets in over TLS)', async () => {
    await account('fumbler1');
    const d = await diagnoseCli(plainUrl('fumbler1', 'wrong'));
    assert.deepEqual([d.classification, d.runbook], ['auth', 'auth'], JSON.stringify(d.checks));
    assert.match(d.checks.find((c) => c.layer === 'connect')?.summary ?? '', /not retried over TLS, as MariaDB 10\.\d+\.\d+ counts failed logins/);
    // Before this change the TLS retry was a second wrong password here: 4150 (the first test shows 2 block).
    assert.equal(await tlsLogin('fumbler1', 'right-pw'), 0);
  });

  it('the auth runbook with a wrong password in plain text: one counted attempt; the admin read names the TLS requirement', async () => {
    await account('fumbler2');
    const adminUrl = `${maria.adminUrl()}?sslmode=require`;
    const { events, out } = await runAuth({ url: plainUrl('fumbler2', 'wrong'), admin_url: adminUrl }, ['not-now']);
    assert.deepEqual(started(events).slice(0, 7), ['parse', 'login', 'account', 'account-locks', 'secure-transport', 'needs-tls'], out);
    assert.equal(await tlsLogin('fumbler2', 'right-pw'), 0);
  });

  it('the right password in plain text: diagnose says auth (no TLS retry); the auth runbook (admin) reaches the TLS advice', async () => {
    await account('plainapp');
    const url = plainUrl('plainapp', 'right-pw');
    const d = await diagnoseCli(url);
    assert.deepEqual([d.classification, d.runbook], ['auth', 'auth'], JSON.stringify(d.checks));
    const adminUrl = `${maria.adminUrl()}?sslmode=require`;
    const { events, out } = await runAuth({ url, admin_url: adminUrl }, ['not-now']);
    const asked = events.find((e) => e.type === 'question-asked') as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
    assert.equal(asked?.question?.stepId, 'needs-tls', out);
    assert.match(asked?.question?.action?.instructions ?? '', /require_secure_transport=ON/);
    assert.match(asked?.question?.action?.instructions ?? '', /sslmode \*\*disable\*\*/);
    assert.equal(events.find((e) => e.type === 'run-finished')?.outcome, 'escalate');
  });

  it('an account created REQUIRE SSL is named too', async () => {
    await admin(`CREATE USER 'tlsacct'@'%' IDENTIFIED BY 'right-pw' REQUIRE SSL`);
    const { events, out } = await runAuth({ url: plainUrl('tlsacct', 'right-pw'), admin_url: `${maria.adminUrl()}?sslmode=require` }, ['not-now']);
    const asked = events.find((e) => e.type === 'question-asked') as { question?: { stepId?: string; action?: { instructions?: string } } } | undefined;
    assert.equal(asked?.question?.stepId, 'needs-tls', out);
    assert.match(asked?.question?.action?.instructions ?? '', /the account requires TLS \(\*\*% REQUIRE SSL\*\*\)/);
  });
});
