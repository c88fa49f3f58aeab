// The server's own log, explained and grouped: failed logins against real lab servers, read back from what the
// server wrote (its stderr log, lab-server.ts keeps the tail), counted by class with the first and last time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import pg from 'pg';
import mysql from 'mysql2/promise';
import { labServerInfo, startMariadb, startPostgres } from '../../src/lab/index.js';
import { explainText, summaryJson } from '../../src/explain/index.js';
import { until } from '../helpers/poll.js';

async function failPg(url: string): Promise<void> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  await c.connect().then(() => c.end(), () => undefined);
}

test('PostgreSQL: 3 wrong passwords and 2 missing databases are two groups from the server, counted, with their times', async (t) => {
  const server = await startPostgres();
  t.after(() => server.stop());
  const wrong = new URL(server.url()); wrong.password = 'not-the-password';
  const missing = new URL(server.url()); missing.pathname = '/no_such_db';
  for (let i = 0; i < 3; i++) await failPg(wrong.href);
  for (let i = 0; i < 2; i++) await failPg(missing.href);
  await until(() => (labServerInfo(server)?.log.match(/does not exist/g)?.length ?? 0) >= 2, 30_000, 'the server logged the missing database');
  const out = summaryJson(explainText(labServerInfo(server)!.log));
  const byClass = Object.fromEntries(out.errors.map((e) => [e.class, e]));
  assert.equal(byClass['auth']?.count, 3, JSON.stringify(out.errors));
  assert.equal(byClass['database-missing']?.count, 2, JSON.stringify(out.errors));
  for (const e of [byClass['auth']!, byClass['database-missing']!]) {
    assert.equal(e.side, 'server');
    assert.equal(e.stack, 'PostgreSQL log');
    assert.ok(e.first && e.last && e.first <= e.last, `times: ${e.first} – ${e.last}`);
    assert.equal(e.runbook, 'auth');
  }
});

test('MariaDB: wrong passwords in its error log are auth from the server', async (t) => {
  const server = await startMariadb();
  t.after(() => server.stop());
  const wrong = new URL(server.url()); wrong.password = 'not-the-password';
  for (let i = 0; i < 2; i++) await mysql.createConnection({ uri: wrong.href, connectTimeout: 10_000 }).then((c) => c.end(), () => undefined);
  await until(() => (labServerInfo(server)?.log.match(/Access denied/g)?.length ?? 0) >= 2, 30_000, 'the server logged the denials');
  const out = summaryJson(explainText(labServerInfo(server)!.log));
  const auth = out.errors.find((e) => e.class === 'auth');
  assert.ok(auth, JSON.stringify(out.errors));
  assert.deepEqual([auth.count, auth.side, auth.stack, auth.runbook], [2, 'server', 'MariaDB log', 'auth']);
});
