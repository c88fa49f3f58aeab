// pool-exhausted's server-resources and quota routes end resolved only after the application's own login
// (a hostile tester's find): the run was started with an administrator URL and app_url, the application's role at
// CONNECTION LIMIT 0, and every login (the administrator's too) refused 53200 "out of shared memory" (the lab's
// fillLockTable). The operator released the lock holder and answered `fixed`; the administrator logged in again and
// the run ended resolved, exit 0, while the application could not log in at all. Now the application's URL is
// checked after the administrator's login: refused, the run goes on to the checks that find why (the role's own
// limit) and ends escalate saying so; a dry run too. With the role's limit fine, it ends resolved naming the
// application's user. Without app_url, an administrator's URL is never taken for the application's.
// MariaDB: an operations account's hourly quota (MAX_CONNECTIONS_PER_HOUR) reset, the application's account locked.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { fillLockTable, startServer, type LabServer, type LockTableHolder } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import type { CliResult } from './helpers.js';
import { readEvents, type TranscriptEvent } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'runbook-endings-pool-resources-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Each question by step id, answered when plain mode shows it: `before` runs first (the operator's fix by hand). */
type Reply = { step: string; answer: string; before?: () => Promise<void> };

function runAnswering(args: string[], replies: Reply[], timeoutMs = 180_000): Promise<CliResult & { asked: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'runbook.js'), ...args], {
      cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '', stderr = '', seen = 0;
    const asked: string[] = [];
    let queue = Promise.resolve();
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      // A question is a line "<label><step>: do this by hand…" (manual) or "<label><step>: <message>" (prompt).
      const lines = stdout.split('\n');
      for (; seen < lines.length - 1; seen++) {
        const m = /(?:manual|prompt)\W*([a-z][a-z0-9_-]*): /.exec(lines[seen]!);
        if (!m) continue;
        asked.push(m[1]!);
        const reply = replies.find((r) => r.step === m[1]);
        queue = queue.then(async () => {
          await reply?.before?.();
          child.stdin.write(`${reply?.answer ?? ''}\n`);
        });
      }
    });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
    child.stdin.on('error', () => undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs); // a hang guard only
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr, asked }); });
  });
}

const finished = (events: TranscriptEvent[]) => events.find((e) => e.type === 'run-finished') as { outcome?: string; stepId?: string; message?: string };
const result = (events: TranscriptEvent[], id: string) => (events.find((e) => e.type === 'step-finished' && e.stepId === id) as
  { result?: { status?: string; classification?: string; details?: { user?: string } } } | undefined)?.result;

describe('pool-exhausted: the server out of a resource (a full lock table), then back: resolved only with the application\'s login', () => {
  let server: LabServer;
  before(async () => { server = await startServer('postgres'); });
  after(async () => { await server?.stop(); });

  /** The tester's run: the lock table full until the operator "fixes" it at the server-resources question. */
  async function run(name: string, inputs: Record<string, string>, opts: { dryRun?: boolean; replies?: Reply[] } = {}) {
    let holder: LockTableHolder | undefined = await fillLockTable(server);
    try {
      const transcript = join(dir, `${name}.jsonl`);
      const args = ['run', 'pool-exhausted', '--plain', '--transcript', transcript, ...(opts.dryRun ? ['--dry-run'] : []),
        ...Object.entries({ app_processes: '0', ...inputs }).flatMap(([k, v]) => ['--input', `${k}=${v}`])];
      const r = await runAnswering(args, [
        { step: 'server-resources', answer: 'fixed', before: async () => { await holder!.release(); holder = undefined; } },
        ...(opts.replies ?? []),
      ]);
      return { ...r, events: readEvents(transcript), out: r.stdout + r.stderr };
    } finally {
      await holder?.release();
    }
  }

  for (const dryRun of [false, true]) {
    it(`${dryRun ? 'a dry run: ' : ''}the application's role at CONNECTION LIMIT 0: the administrator logs in again, the application does not: escalate naming the role's limit, never resolved`, async () => {
      await adminQuery(server, `ALTER ROLE ${server.appUser} CONNECTION LIMIT 0`);
      try {
        const { code, events, out, asked } = await run(`role-limit-0${dryRun ? '-dry' : ''}`, { url: server.adminUrl(), app_url: server.url() },
          { dryRun, replies: [{ step: 'role-limit', answer: 'continue' }] });
        assert.equal(result(events, 'connect')?.classification, 'server-resources', out);
        assert.equal(asked[0], 'server-resources', out);
        assert.equal(result(events, 'quota-recheck')?.status, 'ok', 'the administrator logs in again');
        const app = result(events, 'quota-app-check');
        assert.deepEqual([app?.status, app?.details?.user], ['failed', server.appUser], 'the application\'s own login was checked, and is refused');
        const end = finished(events);
        assert.notEqual(end.outcome, 'resolved', out);
        assert.equal(end.outcome, 'escalate', out);
        assert.equal(code, 1, out);
        assert.match(String(end.message), new RegExp(`${server.appUser} is still refused: too-many-connections`));
        assert.match(String(end.message), new RegExp(`user ${server.appUser}'s own connection limit \\(0 sessions of 0\\)`));
        assert.match(String(end.message), /The server has its resource back/);
        if (dryRun) assert.match(String(end.message), /Dry run: nothing was ended/);
      } finally {
        await adminQuery(server, `ALTER ROLE ${server.appUser} CONNECTION LIMIT -1`);
      }
    });
  }

  for (const dryRun of [false, true]) {
    it(`${dryRun ? 'a dry run: ' : ''}the resource back and the application's login fine: resolved, naming the application's user`, async () => {
      const { code, events, out } = await run(`fine${dryRun ? '-dry' : ''}`, { url: server.adminUrl(), app_url: server.url() }, { dryRun });
      assert.equal(result(events, 'connect')?.classification, 'server-resources', out);
      assert.deepEqual([result(events, 'quota-app-check')?.status, result(events, 'quota-app-check')?.details?.user], ['ok', server.appUser], out);
      const end = finished(events);
      assert.deepEqual([end.outcome, end.stepId], ['resolved', 'quota-resolved'], out);
      assert.equal(code, 0, out);
      assert.match(String(end.message), new RegExp(`The server has the resource back: the application's user ${server.appUser} logs in again`));
    });
  }

  it('no app_url, the runbook\'s URL the application\'s own (not privileged): its login is the check, resolved', async () => {
    const { code, events, out } = await run('url-is-app', { url: server.url() });
    assert.equal(result(events, 'quota-role')?.status, 'ok', out);
    assert.deepEqual([result(events, 'quota-app-check')?.status, result(events, 'quota-app-check')?.details?.user], ['ok', server.appUser], out);
    assert.deepEqual([finished(events).outcome, code], ['resolved', 0], out);
  });

  it('no app_url, an administrator\'s URL: its login proves nothing for the application; the run asks for its URL (Enter: escalate, not verified)', async () => {
    const { code, events, out, asked } = await run('admin-only', { url: server.adminUrl() }, { replies: [{ step: 'app-url', answer: '' }] });
    assert.equal(result(events, 'quota-recheck')?.status, 'ok', out);
    assert.ok(events.some((e) => e.type === 'step-skipped' && e.stepId === 'quota-app-check'), 'no application login to check: skipped');
    assert.equal(result(events, 'quota-app-check'), undefined, out);
    assert.ok(asked.includes('app-url'), asked.join(' '));
    const end = finished(events);
    assert.deepEqual([end.outcome, end.stepId, code], ['escalate', 'unverified', 1], out);
  });
});

describe('pool-exhausted on MariaDB: an hourly quota reset, the application still refused: not resolved', () => {
  let maria: LabServer;
  before(async () => { maria = await startServer('mariadb'); });
  after(async () => { await maria?.stop(); });

  it('the operations account\'s MAX_CONNECTIONS_PER_HOUR used up, FLUSH USER_RESOURCES, the application\'s account locked: escalate saying so', async () => {
    // Three logins an hour: the recheck and the runbook's own session after the reset fit in it.
    await adminQuery(maria, "CREATE USER 'ops'@'%' IDENTIFIED BY 'ops-pw' WITH MAX_CONNECTIONS_PER_HOUR 3");
    await adminQuery(maria, `GRANT ALL ON ${maria.database}.* TO 'ops'@'%'`);
    await adminQuery(maria, `ALTER USER '${maria.appUser}'@'%' ACCOUNT LOCK`);
    try {
      const ops = maria.url({ user: 'ops', password: 'ops-pw' });
      for (let i = 0; i < 3; i++) await (await mysql.createConnection(ops)).end(); // the hour's logins used up
      const transcript = join(dir, 'maria-quota.jsonl');
      const r = await runAnswering(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${ops}`, '--input', `app_url=${maria.url()}`, '--input', 'app_processes=0'], [
        { step: 'quota', answer: 'reset-or-raised', before: async () => { await adminQuery(maria, 'FLUSH USER_RESOURCES'); } },
      ]);
      const out = r.stdout + r.stderr;
      const events = readEvents(transcript);
      assert.equal(result(events, 'connect')?.classification, 'quota-exceeded', out);
      assert.equal(result(events, 'quota-recheck')?.status, 'ok', out);
      assert.deepEqual([result(events, 'quota-app-check')?.status, result(events, 'quota-app-check')?.classification], ['failed', 'account-locked'], out);
      const end = finished(events);
      assert.deepEqual([end.outcome, r.code], ['escalate', 1], out);
      assert.match(String(end.message), /With the application's URL a new connection fails with account-locked/);
    } finally {
      await adminQuery(maria, `ALTER USER '${maria.appUser}'@'%' ACCOUNT UNLOCK`);
      await adminQuery(maria, "DROP USER 'ops'@'%'");
    }
  });
});
