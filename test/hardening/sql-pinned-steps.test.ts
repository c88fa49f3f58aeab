// Every kind of step that sends a read is pinned (issue #29): a `wait` poll, each `for_each` item and a called
// runbook's step, through the CLI with and without --dry-run, on PostgreSQL 15 and 18 as a role whose
// search_path puts a hostile schema first (its now() terminates the victim), and on MariaDB with ANSI_QUOTES
// set globally (`"a"` would be a column). Each read checks what it got ('a' as x), so a read the server took
// otherwise fails the run; the victim session survives. The CLI runs from dist/ (`node bin/bundle.mjs`).
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { adminQuery } from '../db/helpers.js';
import { cli, scratch, writeRunbook } from './helpers.js';
import { majorOf, PG_EDGE_MAJORS } from '../helpers/pg-majors.js';

const READ = { postgres: "SELECT now() AS t, 'a' AS x", mysql: 'SELECT NOW() AS t, "a" AS x' };
const query = `{ postgres: ${JSON.stringify(READ.postgres)}, mysql: ${JSON.stringify(READ.mysql)} }`;
const check = (then: string) => [`    next:`, `      - if: "result.rows[0].x == 'a'"`, `        goto: ${then}`, `      - goto: wrong`];

const OUTER = ['name: outer', 'title: Outer', 'inputs:', '  url: { description: the database, type: url, secret: true }',
  'connections:', '  db: { url: "${{ inputs.url }}" }', 'steps:',
  '  - id: polled', '    wait:', `      sql: { connection: db, query: ${query} }`, "      until: \"result.rows[0].x == 'a'\"", '      every: 1s', '      for: 5s',
  '    on: { error: wrong }',
  '  - id: items', '    for_each: { in: "[1, 2, 3]", as: n }', `    sql: { connection: db, query: ${query} }`, '    on: { error: wrong }',
  '  - id: called', '    runbook: { name: ./inner.yaml, inputs: { url: "${{ inputs.url }}" } }', '    on: { resolved: done, escalate: wrong, failed: wrong }',
  '  - id: done', '    end: resolved', '    message: every read was read as written',
  '  - id: wrong', '    end: escalate', '    message: a read was read otherwise', ''].join('\n');

const INNER = ['name: inner', 'title: Inner', 'inputs:', '  url: { description: the database, type: url, secret: true }',
  'connections:', '  db: { url: "${{ inputs.url }}" }', 'steps:',
  '  - id: read', `    sql: { connection: db, query: ${query} }`, '    on: { error: wrong }', ...check('fine'),
  '  - id: fine', '    end: resolved', '    message: read', '  - id: wrong', '    end: escalate', '    message: otherwise', ''].join('\n');

async function runBoth(t: TestContext, url: string, alive: () => Promise<boolean>): Promise<void> {
  const dir = scratch(t);
  writeRunbook(dir, 'inner', INNER);
  const outer = writeRunbook(dir, 'outer', OUTER);
  for (const flags of [['--dry-run'], []]) {
    const r = await cli(['run', outer, '--plain', '--no-transcript', '--input', `url=${url}`, ...flags], { cwd: dir, timeoutMs: 120_000 });
    assert.equal(r.code, 0, `${flags.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /every read was read as written/);
    assert.ok(await alive(), `${flags.join(' ')}: the victim session survives`);
  }
}

for (const version of PG_EDGE_MAJORS) {
  describe(`PostgreSQL ${majorOf(version)}: wait polls, for_each items and called runbooks read pinned`, () => {
    let server: LabServer;
    let victim: pg.Client;
    before(async () => {
      server = await startPostgres({ postgresVersion: version });
      await adminQuery(server, `CREATE SCHEMA evil; CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql SET search_path = pg_catalog
        AS $$ SELECT now() FROM (SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = 'victim') k $$;
        GRANT USAGE ON SCHEMA evil TO PUBLIC; ALTER ROLE ${server.appUser} SET search_path = evil, public, pg_catalog`);
      victim = new pg.Client({ connectionString: server.url(), application_name: 'victim' });
      victim.on('error', () => undefined);
      await victim.connect();
    });
    after(async () => {
      await victim?.end().catch(() => undefined);
      await server?.stop();
    });
    it('with and without --dry-run: every read as written, the victim intact', (t) =>
      runBoth(t, server.url(), () => victim.query('SELECT 1').then(() => true, () => false)));
    it('the role\'s now() is real: a plain connection terminates the victim', async () => {
      const plain = new pg.Client({ connectionString: server.url() });
      await plain.connect();
      await plain.query('SELECT now()');
      await plain.end();
      assert.equal(await victim.query('SELECT 1').then(() => true, () => false), false);
    });
  });
}

describe('MariaDB with ANSI_QUOTES set globally: wait polls, for_each items and called runbooks read pinned', () => {
  let server: LabServer;
  let victim: mysql.Connection;
  before(async () => {
    server = await startMariadb();
    await adminQuery(server, "SET GLOBAL sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,PIPES_AS_CONCAT'");
    victim = await mysql.createConnection({ uri: server.url() });
    victim.on('error', () => undefined);
  });
  after(async () => {
    await victim?.end().catch(() => undefined);
    await server?.stop();
  });
  it('with and without --dry-run: every read as written, the victim intact', (t) =>
    runBoth(t, server.url(), () => victim.query('SELECT 1').then(() => true, () => false)));
  it('the mode is real: a plain connection reads "a" as a column', async () => {
    const plain = await mysql.createConnection({ uri: server.url() });
    await assert.rejects(plain.query(READ.mysql), { errno: 1054 });
    await plain.end();
  });
});
