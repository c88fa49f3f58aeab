// `runbook explain` against what real client stacks printed against real faults (corpus.json, made by
// make-corpus.ts: the expected class and side are the fault the lab injected, never explain's own answer).
// Every entry must be named with its class, its side, and the runbook diagnose would hand it to.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { scenarioOf } from '../../src/diagnose/scenarios.js';
import type { Classification } from '../../src/common/classification.js';
import { explainText, summaryJson } from '../../src/explain/index.js';
import type { CorpusEntry } from './corpus-entry.js';

const corpus = JSON.parse(readFileSync(join(import.meta.dirname, 'corpus.json'), 'utf8')) as { entries: CorpusEntry[] };

test('the corpus covers every client stack on the faults, both engines, and the application pool', () => {
  const clients = new Set(corpus.entries.map((e) => e.client));
  for (const c of ['node-postgres', 'psql', 'psycopg2', 'SQLAlchemy over psycopg2', 'mysql2', 'mariadb client', 'PyMySQL',
    'node-postgres pg-pool', 'mysql2 pool', 'SQLAlchemy QueuePool', 'psycopg 3', 'asyncpg', 'mysqlclient', 'Ruby pg',
    'PHP PDO pgsql', 'PHP PDO mysql', 'PgJDBC', 'MariaDB Connector/J', 'Django (PostgreSQL)', 'Django (MySQL)', 'ActiveRecord',
    'HikariCP', 'ActiveRecord pool', 'Go lib/pq', 'Go go-sql-driver/mysql', 'Go database/sql pool (lib/pq)',
    'Go database/sql pool (go-sql-driver/mysql)']) assert.ok(clients.has(c), `no entry from ${c}`);
  assert.ok(corpus.entries.every((e) => e.output.length > 0), 'an entry with no output');
  const faults = new Set(corpus.entries.map((e) => `${e.engine} ${e.fault}`));
  for (const f of ['refused', 'timeout', 'auth', 'database-missing', 'too-many-connections', 'ssl-required', 'ssl-unsupported', 'cert-untrusted', 'cert-hostname'])
    for (const engine of ['postgres', 'mariadb']) assert.ok(faults.has(`${engine} ${f}`), `no entry for ${f} on ${engine}`);
  assert.ok(faults.has('postgres session-killed') && faults.has('mariadb session-killed'), 'no session killed mid-query');
  for (const f of ['database-limit', 'server-starting', 'app-pool-exhausted', 'pooler-client-limit', 'pooler-wait-timeout', 'pooler-auth', 'pooler-backend-down']) assert.ok(faults.has(`postgres ${f}`), `no entry for ${f}`);
});

for (const e of corpus.entries) {
  test(`${e.client} on ${e.engine}, ${e.fault}: ${e.expect.class} from the ${e.expect.side}`, () => {
    const out = summaryJson(explainText(e.output));
    assert.equal(out.errors.length, 1, `one error, once: ${JSON.stringify(out.errors.map((x) => [x.class, x.why, x.count]))}\n${e.output}`);
    const [found] = out.errors;
    assert.deepEqual([found!.class, found!.side], [e.expect.class, e.expect.side], `${found!.why}\n${e.output}`);
    const runbook = e.expect.class === 'app-pool-timeout' ? 'pool-exhausted' : scenarioOf(e.expect.class as Classification).runbook;
    assert.equal(found!.runbook, runbook);
    assert.ok(found!.command?.startsWith(`runbook run ${runbook} -i url=`), found!.command ?? 'no command');
    if (e.expect.class === 'app-pool-timeout') assert.match(found!.tellApart ?? '', /not the server's max_connections/);
    // Where the text names the server's port, the command carries it (and the host with it).
    if (new RegExp(`\\b${e.port}\\b`).test(e.output)) assert.match(found!.command ?? '', new RegExp(`@127\\.0\\.0\\.1:${e.port}/`));
  });
}

test("Go's bare context deadline is database/sql's pool only where nothing else in the record claims it", () => {
  const pool = summaryJson(explainText('2026/11/26 03:12:07 request failed: context deadline exceeded')).errors;
  assert.deepEqual(pool.map((e) => [e.class, e.stack]), [['app-pool-timeout', 'Go database/sql']]);
  assert.match(pool[0]!.tellApart ?? '', /WaitCount/, 'the other reading of the same words, and what tells them apart');
  // An HTTP or gRPC client's deadline is not a database's; a dial that ran out is the network's.
  for (const other of ['Get "http://inventory:8080/items": context deadline exceeded', 'rpc error: code = DeadlineExceeded desc = context deadline exceeded'])
    assert.deepEqual(summaryJson(explainText(other)).errors, [], other);
  const dial = summaryJson(explainText('2026/11/26 03:12:07 dial tcp 10.0.0.9:5432: i/o timeout (context deadline exceeded)')).errors;
  assert.deepEqual(dial.map((e) => [e.class, e.side]), [['timeout', 'network']]);
});
