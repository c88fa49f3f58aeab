// Pool exhaustion as a DBA works it, on real servers (issue #16): one session holding a row lock that others
// queue behind is named as the blocker and ended behind one gate (and only it); a user at its own connection
// limit (PostgreSQL CONNECTION LIMIT, MariaDB MAX_USER_CONNECTIONS) is named as such, with the server nearly
// empty, instead of the advice to raise max_connections.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { injectFault, startServer, type LabEngine, type LabServer } from '../../src/lab/index.js';
import { adminQuery, eventually } from '../db/helpers.js';
import { readEvents, type TranscriptEvent } from './helpers.js';
import { runCliWithAnswers } from './answers.js';

const dir = mkdtempSync(join(tmpdir(), 'runbook-pool-blockers-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One application connection that runs statements in order; `send` does not wait for the answer. */
interface AppConn { id: number; send(sql: string): Promise<unknown>; close(): Promise<void> }

async function appConn(server: LabServer): Promise<AppConn> {
  if (server.engine === 'postgres') {
    const c = new pg.Client({ connectionString: server.url() });
    c.on('error', () => undefined); // terminated by the runbook: expected
    await c.connect();
    const id = Number((await c.query('SELECT pg_backend_pid() AS id')).rows[0].id);
    return { id, send: (sql) => c.query(sql).catch((e: Error) => e), close: () => c.end().catch(() => undefined) };
  }
  const c = await mysql.createConnection({ uri: server.url() });
  c.on('error', () => undefined);
  const [rows] = await c.query('SELECT CONNECTION_ID() AS id');
  const id = Number((rows as { id: number }[])[0]!.id);
  return { id, send: (sql) => c.query(sql).catch((e: Error) => e), close: () => c.end().catch(() => undefined) };
}

const questionIds = (events: TranscriptEvent[]) =>
  events.filter((e) => e.type === 'question-asked').map((e) => (e as unknown as { question: { stepId: string } }).question.stepId);
const gateOf = (events: TranscriptEvent[], stepId: string) =>
  events.find((e) => e.type === 'confirmation-requested' && e.stepId === stepId) as { items?: { label: string }[]; evidence?: string[] } | undefined;

async function waiting(server: LabServer): Promise<number> {
  const rows = server.engine === 'postgres'
    ? await adminQuery(server, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'")
    : await adminQuery(server, 'SELECT COUNT(*) AS n FROM information_schema.INNODB_LOCK_WAITS');
  return Number(rows[0]!.n);
}

for (const engine of ['postgres', 'mariadb'] as LabEngine[]) {
  describe(`pool-exhausted on ${engine}: blockers and per-user limits`, { concurrency: false }, () => {
    it('a session idle in a transaction holding a row lock four others wait on: named, and only it is ended', async () => {
      const server = await startServer(engine);
      const conns: AppConn[] = [];
      try {
        await adminQuery(server, engine === 'postgres' ? 'CREATE TABLE locked (id int PRIMARY KEY, v int)' : 'CREATE TABLE app_db.locked (id int PRIMARY KEY, v int) ENGINE=InnoDB');
        await adminQuery(server, engine === 'postgres' ? 'INSERT INTO locked VALUES (1, 0)' : 'INSERT INTO app_db.locked VALUES (1, 0)');
        if (engine === 'postgres') await adminQuery(server, `GRANT ALL ON locked TO ${server.appUser}`);
        const blocker = await appConn(server);
        conns.push(blocker);
        await blocker.send('BEGIN');
        await blocker.send('UPDATE locked SET v = 1 WHERE id = 1');
        const waiters = await Promise.all([1, 2, 3, 4].map(() => appConn(server)));
        conns.push(...waiters);
        const pending = waiters.map((w) => w.send('UPDATE locked SET v = 2 WHERE id = 1'));
        assert.ok(await eventually(async () => (await waiting(server)) >= 4), 'four sessions wait on the lock');

        const gate = engine === 'postgres' ? 'end-blockers-pg' : 'kill-blockers-mysql';
        const transcript = join(dir, `${engine}-blocker.jsonl`);
        const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--approve', gate, '--transcript', transcript,
          '--input', `url=${server.adminUrl()}`, '--input', `app_url=${server.url()}`, '--input', 'app_processes=0'], []);
        const events = readEvents(transcript);
        const asked = events.filter((e) => e.type === 'confirmation-requested').map((e) => e.stepId);
        assert.deepEqual(asked, [gate], r.stdout + r.stderr);
        const items = gateOf(events, gate)?.items ?? [];
        assert.equal(items.length, 1, JSON.stringify(items));
        assert.match(items[0]!.label, new RegExp(`^(pid|id) ${blocker.id} .*4 waiting`));
        // The gate names the result it acts on (issue #30): the lock blockers it lists, not the latest result.
        assert.deepEqual(gateOf(events, gate)?.evidence, ['blockers']);
        await Promise.all(pending);   // the waiters got the lock once the blocker was gone
        // InnoDB's lock tables in information_schema are a cached snapshot (refreshed when over 0.1 s old): a
        // read straight after the waiters finished can still show their old waits.
        assert.ok(await eventually(async () => (await waiting(server)) === 0), 'no session waits on a lock any more');
        const alive = engine === 'postgres'
          ? await adminQuery(server, 'SELECT pid AS id FROM pg_stat_activity WHERE usename = $1', [server.appUser])
          : await adminQuery(server, 'SELECT ID AS id FROM information_schema.PROCESSLIST WHERE USER = ?', [server.appUser]);
        const ids = alive.map((row) => Number(row.id));
        assert.ok(!ids.includes(blocker.id), 'the blocker was ended');
        for (const w of waiters) assert.ok(ids.includes(w.id), `waiter ${w.id} was left alone`);
        assert.equal(r.code, 0, r.stdout + r.stderr);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
        await server.stop();
      }
    });

    it("the application's user at its own connection limit with the server nearly empty: the limit is named, the run ends escalate", async () => {
      const server = await startServer(engine);
      const conns: AppConn[] = [];
      try {
        if (engine === 'postgres') await adminQuery(server, `ALTER ROLE ${server.appUser} CONNECTION LIMIT 3`);
        else {
          for (const row of await adminQuery(server, 'SELECT Host AS host FROM mysql.user WHERE User = ?', [server.appUser])) {
            await adminQuery(server, `ALTER USER '${server.appUser}'@'${String(row.host)}' WITH MAX_USER_CONNECTIONS 3`);
          }
        }
        for (let i = 0; i < 3; i++) conns.push(await appConn(server));
        const transcript = join(dir, `${engine}-role-limit.jsonl`);
        // Enter keeps the thresholds (nothing is old enough); 'continue' past the role-limit explanation.
        const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
          '--input', `url=${server.adminUrl()}`, '--input', `app_url=${server.url()}`, '--input', 'app_processes=0'], ['', 'continue']);
        assert.equal(r.code, 1, r.stdout + r.stderr);
        const events = readEvents(transcript);
        assert.deepEqual(questionIds(events), ['lower-thresholds', 'role-limit']);
        const limits = events.find((e) => e.type === 'step-finished' && e.stepId === 'role-limits') as { result?: { rows?: Record<string, unknown>[] } } | undefined;
        assert.deepEqual([limits?.result?.rows?.[0]?.kind, limits?.result?.rows?.[0]?.name], ['user', server.appUser]);
        assert.equal(Number(limits?.result?.rows?.[0]?.limit), 3);
        const end = events.find((e) => e.type === 'run-finished');
        assert.equal(end?.outcome, 'escalate');
        assert.doesNotMatch(String(end?.message), /raise max_connections/);
      } finally {
        await Promise.all(conns.map((c) => c.close()));
        await server.stop();
      }
    });
  });
}

describe('pool-exhausted on postgres: the database at its own CONNECTION LIMIT (datconnlimit)', () => {
  it('the server has room, the database does not: role-limits names the database, the ending names its limit, never max_connections', async () => {
    const fault = await injectFault('database-limit', 'postgres');
    try {
      const transcript = join(dir, 'database-limit.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${fault.server!.adminUrl()}`, '--input', `app_url=${fault.url}`, '--input', 'app_processes=0'], ['', 'continue']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const events = readEvents(transcript);
      assert.deepEqual(questionIds(events), ['lower-thresholds', 'role-limit']);
      const limits = events.find((e) => e.type === 'step-finished' && e.stepId === 'role-limits') as { result?: { rows?: Record<string, unknown>[] } } | undefined;
      const row = limits?.result?.rows?.[0] ?? {};
      assert.deepEqual([row.kind, row.name, row.limit], ['database', fault.server!.database, 3]);
      assert.ok(Number(row.sessions) >= 3, 'the three held sessions, and the runbook\'s own (a superuser is counted, not held to it)');
      const final = events.find((e) => e.type === 'step-finished' && e.stepId === 'final-check') as { result?: { classification?: string; error?: string } };
      assert.equal(final.result?.classification, 'too-many-connections');
      assert.match(String(final.result?.error), /too many connections for database/);
      const end = events.find((e) => e.type === 'run-finished');
      assert.equal(end?.outcome, 'escalate');
      assert.match(String(end?.message), /The limit reached is not max_connections but the database app_db's own connection limit \([34] sessions of 3\)/);
      assert.doesNotMatch(String(end?.message), /raise max_connections/);
      assert.ok(!events.some((e) => e.type === 'question-asked' && (e as { question?: { stepId?: string } }).question?.stepId === 'new-max'));
    } finally {
      await fault.cleanup();
    }
  });
});

describe("pool-exhausted on postgres: the runbook's URL is a non-privileged operations user, the application's role is at its own limit", () => {
  it('the operations user logs in with room, but the role still at its CONNECTION LIMIT keeps the run from resolving (it ended resolved, exit 0)', async () => {
    const server = await startServer('postgres');
    const conns: AppConn[] = [];
    try {
      // A DBA's everyday account: reads every session and may end them, but no superuser and no reserved slots.
      await adminQuery(server, "CREATE ROLE ops LOGIN PASSWORD 'ops-pw'");
      await adminQuery(server, 'GRANT pg_monitor, pg_signal_backend TO ops');
      await adminQuery(server, `ALTER ROLE ${server.appUser} CONNECTION LIMIT 2`);
      for (let i = 0; i < 2; i++) conns.push(await appConn(server));
      const transcript = join(dir, 'ops-user-role-limit.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${server.url({ user: 'ops', password: 'ops-pw' })}`, '--input', 'app_processes=0'], ['', 'continue']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const events = readEvents(transcript);
      const final = events.find((e) => e.type === 'step-finished' && e.stepId === 'final-check') as { result?: { status?: string; details?: { user?: string } } };
      assert.deepEqual([final.result?.status, final.result?.details?.user], ['ok', 'ops'], 'the login checked is the operations user');
      const end = events.find((e) => e.type === 'run-finished');
      assert.equal(end?.outcome, 'escalate');
      assert.equal(end?.stepId, 'still-at-limit');
      assert.match(String(end?.message), new RegExp(`the user ${server.appUser} is still at its own connection limit \\(2 sessions of 2\\)`));
    } finally {
      await Promise.all(conns.map((c) => c.close()));
      await server.stop();
    }
  });
});

describe('pool-exhausted on postgres: the application\'s role at CONNECTION LIMIT 0, with no session at all (#48)', () => {
  it('role-limits lists the role with its limit of 0 and 0 sessions (an inner join of sessions missed it), and the run escalates naming it', async () => {
    const server = await startServer('postgres');
    try {
      await adminQuery(server, `ALTER ROLE ${server.appUser} CONNECTION LIMIT 0`);
      const transcript = join(dir, 'role-limit-zero.jsonl');
      const r = await runCliWithAnswers(['run', 'pool-exhausted', '--plain', '--transcript', transcript,
        '--input', `url=${server.adminUrl()}`, '--input', `app_url=${server.url()}`, '--input', 'app_processes=0'], ['continue']);
      assert.equal(r.code, 1, r.stdout + r.stderr);
      const events = readEvents(transcript);
      assert.deepEqual(questionIds(events), ['role-limit'], 'no session to lower thresholds for: the limit is the question');
      const limits = events.find((e) => e.type === 'step-finished' && e.stepId === 'role-limits') as { result?: { rows?: Record<string, unknown>[] } } | undefined;
      const row = limits?.result?.rows?.find((x) => x.name === server.appUser);
      assert.deepEqual([row?.kind, Number(row?.limit), Number(row?.sessions)], ['user', 0, 0], JSON.stringify(limits?.result?.rows));
      const end = events.find((e) => e.type === 'run-finished');
      assert.equal(end?.outcome, 'escalate');
      assert.doesNotMatch(String(end?.message), /raise max_connections/);
    } finally {
      await server.stop();
    }
  });
});
