// SQL steps against a real PostgreSQL (from src/lab).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createExecutors } from '../../src/executors/index.js';
import { holdConnections, startPostgres, type LabServer } from '../../src/lab/index.js';
import type { ExecutorSet, SqlAction } from '../../src/executors/types.js';
import { testContext } from '../executors/context.js';
import { adminQuery, CANCEL_LANDS_MS, eventually, timedOut } from './helpers.js';
import { MAX_ROW_BYTES } from '../../src/db/row-budget.js';

describe('sql executor on PostgreSQL', () => {
  let server: LabServer;
  let executors: ExecutorSet;
  let sql: (query: string, extra?: Partial<SqlAction>) => SqlAction;

  before(async () => {
    server = await startPostgres();
    executors = createExecutors({ cancelGraceMs: CANCEL_LANDS_MS });
    sql = (query, extra = {}) => ({ kind: 'sql', connection: 'db', url: server.url(), query, params: [], readOnly: true, ...extra });
    const r = await executors.execute(sql('CREATE TABLE incidents (id int PRIMARY KEY, note text)', { readOnly: false }), testContext());
    assert.equal(r.status, 'ok', r.error);
  });
  after(async () => {
    await executors.close();
    await server.stop();
  });

  it('returns rows, columns and rowCount as plain JSON', async () => {
    const r = await executors.execute(sql(`SELECT 1::int AS n, 9007199254740993::int8 AS huge, 42::int8 AS small, 1.50::numeric AS num,
      '\\xdead'::bytea AS bin, '{"a":[1,2]}'::jsonb AS doc, NULL AS nothing, '2024-01-02 03:04:05'::timestamp AS ts
      FROM generate_series(1, 2)`), testContext());
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.rowCount, 2);
    assert.deepEqual(r.columns, ['n', 'huge', 'small', 'num', 'bin', 'doc', 'nothing', 'ts']);
    assert.deepEqual(r.rows?.[0], {
      n: 1, huge: '9007199254740993', small: 42, num: '1.50', bin: '\\xdead', doc: { a: [1, 2] }, nothing: null, ts: '2024-01-02 03:04:05',
    });
    assert.doesNotThrow(() => JSON.stringify(r));
  });

  it('binds hostile values as parameters: inert, byte-for-byte', async () => {
    const marker = `/tmp/pwned-${process.pid}-${Date.now()}`;
    const hostile = ["'; rm -rf / #", `$(touch ${marker})`, `\`touch ${marker}\``, '"; DROP TABLE incidents; --',
      "x'); DROP TABLE incidents; --", 'line1\nline2\r\n\ttab', '\\\'"', '🚨 ünïcode'];
    for (const value of hostile) {
      const r = await executors.execute(sql('SELECT $1::text AS v, length($1::text) AS len', { params: [value] }), testContext());
      assert.equal(r.status, 'ok', r.error);
      assert.equal(r.rows?.[0]?.v, value);
    }
    const w = await executors.execute(sql('INSERT INTO incidents VALUES ($1, $2)', { params: [1, hostile[3]], readOnly: false }), testContext());
    assert.equal(w.status, 'ok', w.error);
    const rows = await adminQuery(server, 'SELECT note FROM incidents WHERE id = 1');
    assert.deepEqual(rows, [{ note: hostile[3] }]);
    assert.equal(existsSync(marker), false);
  });

  it('fails a write in a read-only step, and nothing is written', async () => {
    // Not proven read-only by the parser: refused before it is sent, vouched for or not (a write acts).
    for (const vouched of [false, true]) {
      const r = await executors.execute(sql("INSERT INTO incidents VALUES (99, 'should not exist')", { vouched }), testContext());
      assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only']);
      assert.match(r.error ?? '', /^not read-only: step test-step is an INSERT statement \(on PostgreSQL\)/);
    }
    // A function that writes is what safe_because may vouch for: sent, and the read-only transaction refuses it.
    const made = await executors.execute(sql("CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'INSERT INTO incidents VALUES (99, ''should not exist'') RETURNING id'", { readOnly: false }), testContext());
    assert.equal(made.status, 'ok', made.error);
    const v = await executors.execute(sql('SELECT bump()', { vouched: true }), testContext());
    assert.deepEqual([v.status, v.classification], ['failed', 'not-read-only']);
    assert.match(v.error ?? '', /^not read-only: step test-step tried to write \(25006: cannot execute INSERT in a read-only transaction/);
    assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 99'), [{ n: 0 }]);
  });

  it('keeps a bounded prefix of a large result and counts the rest (rows streamed, not buffered)', async () => {
    // 300 rows of 100 kB: 30 MB returned, at most MAX_ROW_BYTES kept.
    const r = await executors.execute(sql("SELECT i, repeat('x', 100000) AS pad FROM generate_series(1, 300) AS i"), testContext());
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.rowCount, 300);
    const kept = r.rows?.length ?? 0;
    assert.ok(kept > 0 && kept < 300, `kept ${kept}`);
    assert.ok(Buffer.byteLength(JSON.stringify(r.rows)) <= MAX_ROW_BYTES + kept);
    assert.deepEqual(r.rows?.map((row) => row.i), Array.from({ length: kept }, (_, i) => i + 1), 'a prefix, in order');
    assert.equal(r.rowsOmitted, 300 - kept);
    assert.ok((r.bytesOmitted ?? 0) >= (300 - kept) * 100_000);
  });

  it('a destructive UPDATE … RETURNING of many rows commits, with its rows bounded and counted', async () => {
    await executors.execute(sql("CREATE TABLE wide AS SELECT i, repeat('y', 50000) AS pad, 0 AS n FROM generate_series(1, 200) AS i", { readOnly: false }), testContext());
    const r = await executors.execute(sql('UPDATE wide SET n = n + 1 RETURNING *', { readOnly: false }), testContext());
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.rowCount, 200);
    assert.equal((r.rows?.length ?? 0) + (r.rowsOmitted ?? 0), 200);
    assert.deepEqual(await adminQuery(server, 'SELECT min(n)::int AS lo, max(n)::int AS hi FROM wide'), [{ lo: 1, hi: 1 }]);
  });

  it('bounds rows of a statement with bind parameters the same way', async () => {
    const r = await executors.execute(sql("SELECT repeat('z', $1::int) AS pad FROM generate_series(1, 100)", { params: [50000] }), testContext());
    assert.equal(r.status, 'ok', r.error);
    assert.equal(r.rowCount, 100);
    assert.ok((r.rowsOmitted ?? 0) > 0 && (r.rows?.length ?? 0) + r.rowsOmitted! === 100);
  });

  it('reports affected rows for writes', async () => {
    const r = await executors.execute(sql("UPDATE incidents SET note = note || '!'", { readOnly: false }), testContext());
    assert.deepEqual([r.status, r.rowCount, r.rows], ['ok', 1, []]);
  });

  it('a session notices a dead client within a second (client_connection_check_interval, PostgreSQL 14+)', async () => {
    const r = await executors.execute(sql("SELECT current_setting('client_connection_check_interval') AS every"), testContext());
    assert.deepEqual([r.status, r.rows?.[0]?.every], ['ok', '1s']);
  });

  it('records the server session before a destructive statement, not before a read', async () => {
    const sessions: unknown[] = [];
    const ctx = { ...testContext(), onSession: (_c: string, s: unknown) => { sessions.push(s); } };
    await executors.execute(sql('SELECT 1 AS one'), ctx);
    assert.equal(sessions.length, 0);
    const pid = (await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext())).rows?.[0]?.pid;
    const w = await executors.execute(sql("UPDATE incidents SET note = note", { readOnly: false }), ctx);
    assert.equal(w.status, 'ok', w.error);
    assert.equal(sessions.length, 1);
    const s = sessions[0] as { engine: string; backend: number; started: string };
    assert.deepEqual([s.engine, s.backend], ['postgres', pid]);
    const [row] = await adminQuery(server, `SELECT extract(epoch FROM backend_start)::text AS started FROM pg_stat_activity WHERE pid = ${Number(pid)}`);
    assert.equal(s.started, row?.started, 'the backend\'s start, as pg_stat_activity gives it');
  });

  it('first contact on a resume: a recorded session still running is refused before anything is sent, or waited for', async () => {
    const pg = (await import('pg')).default;
    const sleeper = new pg.Client({ connectionString: server.url() });
    sleeper.on('error', () => undefined);
    await sleeper.connect();
    const row = (await sleeper.query("SELECT pg_backend_pid() AS pid, extract(epoch FROM backend_start)::text AS started FROM pg_stat_activity WHERE pid = pg_backend_pid()")).rows[0] as { pid: number; started: string };
    void sleeper.query('SELECT pg_sleep(600)').catch(() => undefined);
    const fresh = createExecutors();
    try {
      const recorded = (server: string) => [{ engine: 'postgres' as const, backend: row.pid, started: row.started, server }];
      let live: unknown[] = [];
      const refusing = { ...testContext(), onTarget: (_c: string, t: { server: string }) => recorded(t.server),
        onLiveSessions: (_c: string, l: unknown[]) => { live = l; throw new Error('still running'); } };
      const r = await fresh.execute(sql("INSERT INTO incidents VALUES (77, 'must not land')", { readOnly: false, connection: 'first' }), refusing);
      assert.equal(r.status, 'failed');
      assert.match(r.error ?? '', /still running/);
      assert.equal((live[0] as { id: { backend: number } }).id.backend, row.pid, 'the live session is named');
      assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 77'), [{ n: 0 }], 'nothing was sent');

      // Waiting (--wait-for-orphans): the statement goes once the session is gone, not before.
      let asked = 0;
      const waiting = { ...testContext(), onTarget: (_c: string, t: { server: string }) => recorded(t.server),
        onLiveSessions: () => { asked++; return true; } };
      const pending = fresh.execute(sql("INSERT INTO incidents VALUES (78, 'after the wait')", { readOnly: false, connection: 'second' }), waiting);
      assert.ok(await eventually(async () => asked >= 2), 'it asks again while the session runs');
      assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 78'), [{ n: 0 }]);
      await adminQuery(server, `SELECT pg_terminate_backend(${row.pid})`);
      const w = await pending;
      assert.equal(w.status, 'ok', w.error);
      assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 78'), [{ n: 1 }]);
      await adminQuery(server, 'DELETE FROM incidents WHERE id = 78');
    } finally {
      await fresh.close();
      await sleeper.end().catch(() => undefined);
    }
  });

  it('reuses one session per named connection (same backend pid)', async () => {
    const a = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    const b = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    assert.equal(a.rows?.[0]?.pid, b.rows?.[0]?.pid);
    const other = await executors.execute(sql('SELECT pg_backend_pid() AS pid', { connection: 'other' }), testContext());
    assert.notEqual(other.rows?.[0]?.pid, a.rows?.[0]?.pid);
  });

  // The step is timed out once its statement runs on the server (a timer started before could fire first on a
  // loaded machine), and the server is polled: the step returns while the cancel is still on its way (issue #20).
  const active = (tag: string) => async () => (await adminQuery(server,
    `SELECT pid FROM pg_stat_activity WHERE query LIKE '%${tag}%' AND pid <> pg_backend_pid() AND state = 'active'`)).length > 0;

  it('cancels pg_sleep(600) on the server when the step times out, and the session stays usable', async () => {
    const before = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    const ac = new AbortController();
    const step = executors.execute(sql('SELECT pg_sleep(600) AS timed_out'), testContext({ signal: ac.signal }));
    assert.ok(await eventually(active('AS timed_out')), 'the statement runs on the server');
    ac.abort(timedOut());
    const r = await step;
    assert.equal(r.status, 'timeout');
    assert.equal(r.classification, 'timeout');
    assert.ok(await eventually(async () => !(await active('AS timed_out')())), 'the statement was cancelled on the server');
    const afterwards = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    assert.equal(afterwards.status, 'ok');
    assert.equal(afterwards.rows?.[0]?.pid, before.rows?.[0]?.pid);
  });

  it('rolls back a write step that is aborted mid-statement', async () => {
    const ac = new AbortController();
    const step = executors.execute(sql(
      "WITH ins AS (INSERT INTO incidents VALUES (7, 'half-done') RETURNING id) SELECT pg_sleep(600) AS half_done FROM ins", { readOnly: false },
    ), testContext({ signal: ac.signal }));
    assert.ok(await eventually(active('AS half_done')), 'the statement runs on the server');
    ac.abort(new Error('operator abort'));
    const r = await step;
    assert.equal(r.status, 'aborted');
    assert.ok(await eventually(async () => !(await active('AS half_done')())), 'the statement was cancelled on the server');
    assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 7'), [{ n: 0 }]);
  });

  it('applies the remaining step timeout as a server-side statement timeout', async () => {
    const r = await executors.execute(sql('SELECT pg_sleep(5)', { timeoutMs: 300 }), testContext());
    assert.equal(r.status, 'timeout');
    assert.match(r.error ?? '', /^57014: canceling statement due to statement timeout/);
    // The timeout must not fire here: 30 s, not 300 ms, which a stalled backend could reach (issue #20).
    const ok = await executors.execute(sql('SELECT 1 AS one', { timeoutMs: 30_000 }), testContext());
    assert.equal(ok.status, 'ok');
  });

  it('a destructive step runs several statements when there are no params (last result wins); a read-only step runs one', async () => {
    const r = await executors.execute(sql("SELECT 1 AS a; SELECT 'two' AS b", { readOnly: false }), testContext());
    assert.deepEqual([r.status, r.rows], ['ok', [{ b: 'two' }]]);
    const refused = await executors.execute(sql("SELECT 1 AS a; SELECT 'two' AS b"), testContext());
    assert.deepEqual([refused.status, refused.classification], ['failed', 'not-read-only']);
    assert.match(refused.error ?? '', /has 2 SQL statements; a step that is not destructive runs exactly one/);
  });

  it('applies the server-side timeout to a step with bind parameters too', async () => {
    const r = await executors.execute(sql('SELECT pg_sleep($1::float8)', { params: [5], timeoutMs: 300 }), testContext());
    assert.equal(r.status, 'timeout');
    assert.match(r.error ?? '', /^57014: canceling statement due to statement timeout/);
  });

  it('keeps a text that ends in a -- comment, or is only comments, inside its transaction', async () => {
    const commented = await executors.execute(sql("SELECT 'x' AS v -- trailing note"), testContext());
    assert.deepEqual([commented.status, commented.rows], ['ok', [{ v: 'x' }]], commented.error);
    const nothing = await executors.execute(sql('-- nothing to run\n/* at all */'), testContext());
    assert.deepEqual([nothing.status, nothing.rowCount, nothing.rows, nothing.columns], ['ok', 0, [], []], nothing.error);
    // None left open: a transaction this executor left would stay for good, while an earlier test's session still
    // closing (a cancelled one, on a loaded machine) goes within moments.
    const count = async () => (await adminQuery(server, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'"))[0]?.n;
    assert.ok(await eventually(async () => (await count()) === 0), `sessions idle in a transaction: ${await count()}`);
  });

  it('commits several write statements together or not at all', async () => {
    const bad = await executors.execute(sql("INSERT INTO incidents VALUES (40, 'a'); INSERT INTO incidents VALUES (40, 'dup')", { readOnly: false }), testContext());
    assert.equal(bad.status, 'failed');
    assert.match(bad.error ?? '', /^23505:/);
    assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 40'), [{ n: 0 }]);
    const good = await executors.execute(sql("INSERT INTO incidents VALUES (41, 'a'); UPDATE incidents SET note = 'b' WHERE id = 41", { readOnly: false }), testContext());
    assert.deepEqual([good.status, good.rowCount], ['ok', 1], good.error);
    assert.deepEqual(await adminQuery(server, 'SELECT note FROM incidents WHERE id = 41'), [{ note: 'b' }]);
  });

  it('classifies a login failure and never shows the password', async () => {
    const password = 'Wrong-Pa55:@/#word';
    const url = server.url({ password });
    const r = await executors.execute(sql('SELECT 1', { url, connection: 'bad' }), testContext());
    assert.equal(r.status, 'failed');
    assert.equal(r.classification, 'auth');
    const text = JSON.stringify(r);
    for (const form of [password, encodeURIComponent(password)]) assert.ok(!text.includes(form));
  });

  it('masks a password even where the server echoes it (user name = password)', async () => {
    const secret = 'SameAsUser123';
    const r = await executors.execute(sql('SELECT 1', { url: server.url({ user: secret, password: secret }), connection: 'echo' }), testContext());
    assert.equal(r.classification, 'auth');
    assert.ok(!JSON.stringify(r).includes(secret), r.error);
    assert.match(r.error ?? '', /for user "\*\*\*\*"/);
  });

  it('close() ends every session (none left in pg_stat_activity) and later steps fail cleanly', async () => {
    const set = createExecutors();
    const r = await set.execute(sql('SELECT pg_backend_pid() AS pid', { connection: 'closing' }), testContext());
    const pid = r.rows?.[0]?.pid;
    assert.ok(pid);
    await set.close();
    await set.close(); // idempotent
    assert.ok(await eventually(async () => (await adminQuery(server, 'SELECT pid FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0));
    const later = await set.execute(sql('SELECT 1', { connection: 'closing' }), testContext());
    assert.equal(later.status, 'failed');
  });

  it('close() during a running statement cancels it on the server', async () => {
    const set = createExecutors({ cancelGraceMs: CANCEL_LANDS_MS });
    const running = set.execute(sql("SELECT pg_sleep(600) AS close_test"), testContext());
    assert.ok(await eventually(async () => (await adminQuery(server,
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%AS close_test%' AND pid <> pg_backend_pid() AND state = 'active'")).length === 1));
    await set.close();
    const r = await running;
    assert.equal(r.status, 'aborted');
    assert.ok(await eventually(async () => (await adminQuery(server,
      "SELECT 1 FROM pg_stat_activity WHERE query LIKE '%AS close_test%' AND pid <> pg_backend_pid()")).length === 0));
  });

  it('cancels on the server even when every connection slot is taken (protocol CancelRequest)', async () => {
    const full = await startPostgres({ maxConnections: 4, reservedConnections: 1 });
    const set = createExecutors({ cancelGraceMs: CANCEL_LANDS_MS });
    try {
      const url = full.url();
      const warm = await set.execute(sql('SELECT 1', { url }), testContext());
      assert.equal(warm.status, 'ok', warm.error);
      // One administrator session for every look at the server, opened before the slots fill: a new one per look
      // raced the last one's backend for the single reserved slot ('too many clients', seen on a loaded CI run).
      const admin = new pg.Client({ connectionString: full.adminUrl() });
      await admin.connect();
      const held = await holdConnections('postgres', url, 10); // fills every other ordinary slot
      try {
        // 30 s: the server's refusal is the answer expected, not a timeout (issue #20: ~10 ms idle).
        const probe = await executors.execute({ kind: 'probe', probe: 'db-connect', url, timeoutMs: 30_000 }, testContext());
        assert.equal(probe.classification, 'too-many-connections');
        const onFull = async () => (await admin.query("SELECT pid FROM pg_stat_activity WHERE query LIKE '%AS full_test%' AND pid <> pg_backend_pid() AND state = 'active'")).rows.length > 0;
        const ac = new AbortController();
        const step = set.execute(sql('SELECT pg_sleep(600) AS full_test', { url }), testContext({ signal: ac.signal }));
        assert.ok(await eventually(onFull), 'the statement runs on the server');
        ac.abort(timedOut());
        const r = await step;
        assert.equal(r.status, 'timeout');
        assert.ok(await eventually(async () => !(await onFull())), 'the statement was cancelled on the server');
      } finally {
        await held.release();
        await admin.end();
      }
    } finally {
      await set.close();
      await full.stop();
    }
  });
});
