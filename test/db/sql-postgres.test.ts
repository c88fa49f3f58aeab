// SQL steps against a real PostgreSQL (from src/lab).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createExecutors } from '../../src/executors/index.js';
import { holdConnections, startPostgres, type LabServer } from '../../src/lab/index.js';
import type { ExecutorSet, SqlAction } from '../../src/executors/types.js';
import { testContext, timeoutSignal } from '../executors/context.js';
import { adminQuery, eventually } from './helpers.js';
import { MAX_ROW_BYTES } from '../../src/db/row-budget.js';

describe('sql executor on PostgreSQL', () => {
  let server: LabServer;
  let executors: ExecutorSet;
  let sql: (query: string, extra?: Partial<SqlAction>) => SqlAction;

  before(async () => {
    server = await startPostgres();
    executors = createExecutors();
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
    // Not proven read-only by the parser: refused before it is sent.
    const r = await executors.execute(sql("INSERT INTO incidents VALUES (99, 'should not exist')"), testContext());
    assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only']);
    assert.match(r.error ?? '', /^not read-only: step test-step is an INSERT statement \(on PostgreSQL\)/);
    // Vouched for with safe_because: sent, and the read-only transaction refuses it.
    const v = await executors.execute(sql("INSERT INTO incidents VALUES (99, 'should not exist')", { vouched: true }), testContext());
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

  it('reuses one session per named connection (same backend pid)', async () => {
    const a = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    const b = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    assert.equal(a.rows?.[0]?.pid, b.rows?.[0]?.pid);
    const other = await executors.execute(sql('SELECT pg_backend_pid() AS pid', { connection: 'other' }), testContext());
    assert.notEqual(other.rows?.[0]?.pid, a.rows?.[0]?.pid);
  });

  it('cancels pg_sleep(600) on the server when the step times out, and the session stays usable', async () => {
    const before = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    const r = await executors.execute(sql('SELECT pg_sleep(600)'), testContext({ signal: timeoutSignal(1000) }));
    assert.equal(r.status, 'timeout');
    assert.equal(r.classification, 'timeout');
    const running = await adminQuery(server, "SELECT pid FROM pg_stat_activity WHERE query LIKE '%SELECT pg_sleep(600)%' AND pid <> pg_backend_pid() AND state = 'active'");
    assert.deepEqual(running, []);
    const afterwards = await executors.execute(sql('SELECT pg_backend_pid() AS pid'), testContext());
    assert.equal(afterwards.status, 'ok');
    assert.equal(afterwards.rows?.[0]?.pid, before.rows?.[0]?.pid);
  });

  it('rolls back a write step that is aborted mid-statement', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(new Error('operator abort')), 500);
    const r = await executors.execute(sql(
      "WITH ins AS (INSERT INTO incidents VALUES (7, 'half-done') RETURNING id) SELECT pg_sleep(600) FROM ins", { readOnly: false },
    ), testContext({ signal: ac.signal }));
    assert.equal(r.status, 'aborted');
    assert.deepEqual(await adminQuery(server, 'SELECT count(*)::int AS n FROM incidents WHERE id = 7'), [{ n: 0 }]);
  });

  it('applies the remaining step timeout as a server-side statement timeout', async () => {
    const r = await executors.execute(sql('SELECT pg_sleep(5)', { timeoutMs: 300 }), testContext());
    assert.equal(r.status, 'timeout');
    assert.match(r.error ?? '', /^57014: canceling statement due to statement timeout/);
    const ok = await executors.execute(sql('SELECT 1 AS one', { timeoutMs: 300 }), testContext());
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
    const idle = await adminQuery(server, "SELECT count(*)::int AS n FROM pg_stat_activity WHERE state LIKE 'idle in transaction%'");
    assert.deepEqual(idle, [{ n: 0 }]);
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
    const set = createExecutors();
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
    const set = createExecutors();
    try {
      const url = full.url();
      const warm = await set.execute(sql('SELECT 1', { url }), testContext());
      assert.equal(warm.status, 'ok', warm.error);
      const held = await holdConnections('postgres', url, 10); // fills every other ordinary slot
      try {
        const probe = await executors.execute({ kind: 'probe', probe: 'db-connect', url, timeoutMs: 2000 }, testContext());
        assert.equal(probe.classification, 'too-many-connections');
        const r = await set.execute(sql('SELECT pg_sleep(600) AS full_test', { url }), testContext({ signal: timeoutSignal(1000) }));
        assert.equal(r.status, 'timeout');
        assert.deepEqual(await adminQuery(full, "SELECT pid FROM pg_stat_activity WHERE query LIKE '%AS full_test%' AND pid <> pg_backend_pid() AND state = 'active'"), []);
      } finally {
        await held.release();
      }
    } finally {
      await set.close();
      await full.stop();
    }
  });
});
