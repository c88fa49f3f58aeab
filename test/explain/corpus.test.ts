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
    'HikariCP', 'ActiveRecord pool']) assert.ok(clients.has(c), `no entry from ${c}`);
  assert.ok(corpus.entries.every((e) => e.output.length > 0), 'an entry with no output');
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
