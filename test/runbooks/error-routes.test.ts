// The classes of #31 end to end on real servers: each fault is built for real (PostgreSQL 15 and MariaDB),
// `diagnose --json` names the class and the runbook, and `runbook run` of that runbook reaches its advice (a manual
// step, asked; stdin closed stops the run there) or, where the runbook can fix it (--yes), its resolved ending.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { classify } from '../../src/db/classify.js';
import { scenarioOf } from '../../src/diagnose/scenarios.js';
import { startServer, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { readEvents, runCli, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-error-routes-'));
let pgServer: LabServer;
let maria: LabServer;
before(async () => { [pgServer, maria] = await Promise.all([startServer('postgres'), startServer('mariadb')]); });
after(async () => { await Promise.all([pgServer?.stop(), maria?.stop()]); rmSync(dir, { recursive: true, force: true }); });

const HANG_GUARD_MS = 30_000;

interface Diagnosis { classification: string; runbook: string | null; finding: string; checks: { layer: string; status: string; summary: string }[] }

async function diagnoseCli(url: string): Promise<Diagnosis> {
  const r = await runCli(['diagnose', url, '--json', '--timeout', '30s']);
  return JSON.parse(r.stdout) as Diagnosis;
}

async function run(name: string, inputs: Record<string, string>, opts: { answers?: string[]; yes?: boolean } = {}): Promise<{ code: number | null; events: TranscriptEvent[]; out: string }> {
  const transcript = join(dir, `${name}-${Math.random().toString(36).slice(2)}.jsonl`);
  const args = ['run', name, '--plain', '--transcript', transcript, ...(opts.yes ? ['--yes'] : []),
    ...Object.entries(inputs).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
  const r = opts.answers ? await runCliWithAnswers(args, opts.answers) : await runCli(args);
  return { code: r.code, events: readEvents(transcript), out: r.stdout + r.stderr };
}

const started = (events: TranscriptEvent[]) => events.filter((e) => e.type === 'step-started').map((e) => e.stepId);
const askedStep = (events: TranscriptEvent[]) =>
  events.filter((e) => e.type === 'question-asked').map((e) => (e as unknown as { question: { stepId: string } }).question.stepId);
const instructions = (events: TranscriptEvent[], id: string): string =>
  (events.find((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === id) as
    { question?: { action?: { instructions?: string } } } | undefined)?.question?.action?.instructions ?? '';
const outcome = (events: TranscriptEvent[]) => events.find((e) => e.type === 'run-finished')?.outcome;
const classOf = (events: TranscriptEvent[], id: string) =>
  (events.find((e) => e.type === 'step-finished' && e.stepId === id) as { result?: { classification?: string } } | undefined)?.result?.classification;

describe('session-timeout → session-dropped', () => {
  it('postgres: 57P05 for real names session-dropped; the runbook reads the role\'s idle_session_timeout and advises the pool', async () => {
    // The error an application gets: a session left idle past the server's timeout.
    const client = new pg.Client({ connectionString: pgServer.url(), connectionTimeoutMillis: HANG_GUARD_MS });
    const fatal = new Promise<unknown>((resolve) => { client.on('error', resolve); });
    await client.connect();
    await client.query("SET idle_session_timeout = '100ms'");
    const err = await Promise.race([fatal, new Promise((r) => setTimeout(() => r(new Error('no error')), HANG_GUARD_MS).unref())]);
    await client.end().catch(() => undefined);
    assert.equal(classify(err), 'session-timeout', String(err));
    assert.equal(scenarioOf('session-timeout').runbook, 'session-dropped');

    await adminQuery(pgServer, `ALTER ROLE ${pgServer.appUser} SET idle_session_timeout = '45s'`);
    try {
      const { events } = await run('session-dropped', { url: pgServer.url() });
      assert.deepEqual(started(events), ['login', 'timeouts', 'pool-below-server']);
      const text = instructions(events, 'pool-below-server');
      assert.match(text, /idle for more than \*\*45 s\*\*\s+\(idle_session_timeout, set at the user level\)/);
      assert.match(text, /pool_pre_ping/);
    } finally {
      await adminQuery(pgServer, `ALTER ROLE ${pgServer.appUser} RESET idle_session_timeout`);
    }
  });

  it('mariadb: wait_timeout is read and the pool advice names it', async () => {
    await adminQuery(maria, 'SET GLOBAL wait_timeout = 600');
    try {
      const { events } = await run('session-dropped', { url: maria.url() });
      assert.deepEqual(askedStep(events), ['pool-below-server']);
      assert.match(instructions(events, 'pool-below-server'), /idle for more than \*\*600 s\*\*\s+\(wait_timeout, set for the whole server\)/);
    } finally {
      await adminQuery(maria, 'SET GLOBAL wait_timeout = DEFAULT');
    }
  });

  it('postgres: no idle timeout on the server: the advice is the cut in between (keepalives)', async () => {
    const { events } = await run('session-dropped', { url: pgServer.url() });
    assert.deepEqual(askedStep(events), ['in-between']);
    assert.match(instructions(events, 'in-between'), /keepalives/);
  });
});

describe('read-only-server → read-only', () => {
  it('postgres: default_transaction_read_only on the database: diagnose names it; the runbook says where it is set', async () => {
    await adminQuery(pgServer, `ALTER DATABASE ${pgServer.database} SET default_transaction_read_only = on`);
    try {
      const d = await diagnoseCli(pgServer.url());
      assert.deepEqual([d.classification, d.runbook], ['read-only-server', 'read-only'], JSON.stringify(d.checks));
      const { events } = await run('read-only', { url: pgServer.url() });
      assert.deepEqual(askedStep(events), ['read-only-setting']);
      assert.match(instructions(events, 'read-only-setting'), new RegExp(`ALTER DATABASE ${pgServer.database} RESET default_transaction_read_only`));
      assert.match(instructions(events, 'read-only-setting'), /Sessions the pool already holds keep the old value/);
    } finally {
      const admin = new pg.Client({ connectionString: pgServer.adminUrl(), connectionTimeoutMillis: HANG_GUARD_MS });
      await admin.connect();
      await admin.query('SET default_transaction_read_only = off');
      await admin.query(`ALTER DATABASE ${pgServer.database} RESET default_transaction_read_only`);
      await admin.end();
    }
  });

  it('mariadb: read_only ON: diagnose names it; the runbook gives SET GLOBAL read_only = OFF; cleared, it resolves', async () => {
    await adminQuery(maria, 'SET GLOBAL read_only = 1');
    try {
      const d = await diagnoseCli(maria.url());
      assert.deepEqual([d.classification, d.runbook], ['read-only-server', 'read-only'], JSON.stringify(d.checks));
      const { events } = await run('read-only', { url: maria.url() });
      assert.deepEqual(askedStep(events), ['read-only-setting']);
      assert.match(instructions(events, 'read-only-setting'), /SET GLOBAL read_only = OFF/);
      // MariaDB's global read_only holds for every session at once: no advice to reconnect (#48).
      assert.match(instructions(events, 'read-only-setting'), /read_only applies to every session at once/);
      assert.doesNotMatch(instructions(events, 'read-only-setting'), /keep the old value/);
    } finally {
      await adminQuery(maria, 'SET GLOBAL read_only = 0');
    }
    const { events } = await run('read-only', { url: maria.url() }, { answers: ['app-fixed'] });
    assert.deepEqual(started(events), ['login', 'writable', 'writes-work']);
    assert.equal(outcome(events), 'resolved');
  });
});

describe('database-closed → read-only', () => {
  it('postgres: ALLOW_CONNECTIONS false: diagnose names it; the runbook (admin) reads allow_connections and gives ALTER DATABASE', async () => {
    await adminQuery(pgServer, 'CREATE DATABASE closed_db');
    await adminQuery(pgServer, `GRANT CONNECT ON DATABASE closed_db TO ${pgServer.appUser}`);
    await adminQuery(pgServer, 'ALTER DATABASE closed_db ALLOW_CONNECTIONS false');
    const url = pgServer.url({ database: 'closed_db' });
    const d = await diagnoseCli(url);
    assert.deepEqual([d.classification, d.runbook], ['database-closed', 'read-only'], JSON.stringify(d.checks));
    const { events } = await run('read-only', { url, admin_url: pgServer.adminUrl() });
    assert.deepEqual(started(events), ['login', 'closed-database', 'reopen-database']);
    assert.match(instructions(events, 'reopen-database'), /\(allow_connections false\)[\s\S]*ALTER DATABASE closed_db ALLOW_CONNECTIONS true;/);
  });
});

describe('password-missing → auth', () => {
  for (const engine of ['postgres', 'mariadb'] as const) {
    it(`${engine}: a URL without a password: diagnose names password-missing; auth goes straight to no-password`, async () => {
      const server = engine === 'postgres' ? pgServer : maria;
      const url = new URL(server.url());
      url.password = '';
      const d = await diagnoseCli(url.href);
      assert.deepEqual([d.classification, d.runbook], ['password-missing', 'auth'], JSON.stringify(d.checks));
      const { events } = await run('auth', { url: url.href });
      assert.equal(classOf(events, 'login'), 'password-missing');
      assert.deepEqual(askedStep(events), ['no-password']);
    });
  }
});

describe('MariaDB accounts → auth', () => {
  it('too-many-login-failures: diagnose names it; auth (admin, --yes) runs FLUSH PRIVILEGES and the login works', async () => {
    await adminQuery(maria, "CREATE USER 'fumbler'@'%' IDENTIFIED BY 'right-pw'");
    await adminQuery(maria, `GRANT ALL ON ${maria.database}.* TO 'fumbler'@'%'`);
    await adminQuery(maria, 'SET GLOBAL max_password_errors = 1');
    try {
      await mysql.createConnection({ host: maria.host, port: maria.port, user: 'fumbler', password: 'wrong', connectTimeout: HANG_GUARD_MS })
        .then((c) => c.end(), () => undefined);
      const url = maria.url({ user: 'fumbler', password: 'right-pw' });
      const d = await diagnoseCli(url);
      assert.deepEqual([d.classification, d.runbook], ['too-many-login-failures', 'auth'], JSON.stringify(d.checks));
      const { code, events, out } = await run('auth', { url, admin_url: maria.adminUrl() }, { answers: ['flush-privileges', 'app-is-fine'], yes: true });
      assert.deepEqual(started(events), ['parse', 'login', 'login-failures', 'unblock-account', 'flush-privileges', 'retry-login', 'dry-run-check'], out);
      assert.match(instructions(events, 'unblock-account'), /max_password_errors is \*\*1\*\*/);
      assert.equal(outcome(events), 'resolved');
      assert.equal(code, 0, out);
    } finally {
      await adminQuery(maria, 'SET GLOBAL max_password_errors = DEFAULT');
    }
  });

  it('auth-method: an account on unix_socket, over TCP: diagnose names it; auth (admin) shows the plugin', async () => {
    await adminQuery(maria, "CREATE USER 'sockonly'@'%' IDENTIFIED VIA unix_socket");
    const url = maria.url({ user: 'sockonly', password: 'x' });
    const d = await diagnoseCli(url);
    assert.deepEqual([d.classification, d.runbook], ['auth-method', 'auth'], JSON.stringify(d.checks));
    const { events } = await run('auth', { url, admin_url: maria.adminUrl() });
    assert.deepEqual(askedStep(events), ['auth-method']);
    assert.match(instructions(events, 'auth-method'), /plugin \*\*unix_socket\*\*/);
  });

  it('quota-exceeded: MAX_CONNECTIONS_PER_HOUR used up: diagnose names it; pool-exhausted goes to the quota advice', async () => {
    await adminQuery(maria, "CREATE USER 'hourly'@'%' IDENTIFIED BY 'pw' WITH MAX_CONNECTIONS_PER_HOUR 1");
    await adminQuery(maria, `GRANT ALL ON ${maria.database}.* TO 'hourly'@'%'`);
    const first = await mysql.createConnection({ host: maria.host, port: maria.port, user: 'hourly', password: 'pw', connectTimeout: HANG_GUARD_MS });
    await first.end();
    const url = maria.url({ user: 'hourly', password: 'pw' });
    const d = await diagnoseCli(url);
    assert.deepEqual([d.classification, d.runbook], ['quota-exceeded', 'pool-exhausted'], JSON.stringify(d.checks));
    const { events } = await run('pool-exhausted', { url });
    assert.deepEqual(askedStep(events), ['quota']);
    assert.match(instructions(events, 'quota'), /FLUSH USER_RESOURCES/);
  });

  it('init-connect-failed: a failing init_connect: diagnose names it; auth (admin) shows the statement', async () => {
    await adminQuery(maria, "SET GLOBAL init_connect = 'SELECT * FROM no_such_db.no_such_table'");
    try {
      const d = await diagnoseCli(maria.url());
      assert.deepEqual([d.classification, d.runbook], ['init-connect-failed', 'auth'], JSON.stringify(d.checks));
      const { events } = await run('auth', { url: maria.url(), admin_url: maria.adminUrl() });
      assert.deepEqual(started(events), ['parse', 'login', 'init-connect', 'init-connect-fix']);
      assert.match(instructions(events, 'init-connect-fix'), /init_connect is: `SELECT \* FROM no_such_db\.no_such_table`/);
    } finally {
      await adminQuery(maria, "SET GLOBAL init_connect = ''");
    }
  });
});

describe('protocol-mismatch → refused', () => {
  it('a postgres:// URL at the MariaDB port: diagnose names it; refused ends naming the other engine', async () => {
    const url = `postgresql://app:pw@${maria.host}:${maria.port}/app`;
    const d = await diagnoseCli(url);
    assert.deepEqual([d.classification, d.runbook], ['protocol-mismatch', 'refused'], JSON.stringify(d.checks));
    const { events } = await run('refused', { url });
    assert.deepEqual(started(events).slice(-2), ['listening', 'verify']);
    const end = events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string; message?: string };
    assert.deepEqual([end.outcome, end.stepId], ['escalate', 'wrong-service']);
    assert.match(String(end.message), /does not speak the URL's protocol[\s\S]*MySQL|MariaDB/);
  });
});
