// A step that is not destructive cannot write, by construction: each attack class of issue #13 against real
// PostgreSQL and MariaDB servers. For every attack: (a) `validate` flags it, at the query, naming what is
// unsafe; (b) with `safe_because` it validates only when safe_because may vouch for it (never for more than
// one statement, nor for a function that acts), and then a real run fails with "not read-only: step attack
// tried to write (…)" while a dry run shows it without running it; what the lint blocks is refused by the
// executor too when called directly, vouched for. After each, the marker rows, tables, sequence, locks and
// sessions are exactly as before.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { createExecutors } from '../../src/executors/index.js';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { startMariadb, startPostgres, type LabServer } from '../../src/lab/index.js';
import { parseRunbook } from '../../src/language/runbook.js';
import { Run } from '../../src/engine/run.js';
import { Redactor } from '../../src/secrets/redactor.js';
import type { RunEvent } from '../../src/engine/events.js';
import type { ExecutorSet, SqlAction, StepResult } from '../../src/executors/types.js';
import { testContext } from '../executors/context.js';
import { adminQuery } from '../db/helpers.js';

interface Attack {
  name: string;
  query: string;
  /** Words the lint's message must hold. */
  lint: RegExp;
  /** safe_because lets it validate (then it is run for real and dry); otherwise it is refused at validate. */
  vouchable: boolean;
  /** What the server says when a vouched-for run reaches it (vouchable attacks only). */
  server?: RegExp;
}

function runbookYaml(url: string, query: string, vouched: boolean): string {
  return [
    'name: attack', 'title: Attack', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:', '  - id: attack',
    ...(vouched ? ['    destructive: false', '    safe_because: the attack under test'] : []),
    `    sql: { query: ${JSON.stringify(query)} }`, '  - id: done', '    end: resolved', '',
  ].join('\n');
}

/** Line and column of the query value in runbookYaml's text. */
function queryPosition(vouched: boolean): [number, number] {
  return [vouched ? 9 : 7, '    sql: { query: '.length + 1];
}

async function runAttack(url: string, query: string, dryRun: boolean): Promise<{ events: RunEvent[]; result: StepResult | undefined }> {
  const { runbook, diagnostics } = parseRunbook(runbookYaml(url, query, true), 'attack.yaml');
  assert.ok(runbook, diagnostics.map((d) => d.message).join('\n'));
  const executors = createExecutors();
  const run = new Run({ runbook, inputs: {}, redactor: new Redactor(), executors, dryRun });
  const events: RunEvent[] = [];
  run.on((e) => events.push(e));
  try {
    await run.start();
  } finally {
    await executors.close();
  }
  const finished = events.find((e) => e.type === 'step-finished' && e.stepId === 'attack');
  return { events, result: finished?.type === 'step-finished' ? finished.result : undefined };
}

function checkLint(url: string, attack: Attack): void {
  const plain = parseRunbook(runbookYaml(url, attack.query, false), 'attack.yaml');
  const errors = plain.diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, `${attack.name}: ${JSON.stringify(plain.diagnostics)}`);
  assert.match(errors[0]!.message, attack.lint, attack.name);
  assert.deepEqual([errors[0]!.line, errors[0]!.col], queryPosition(false), `${attack.name}: located at the query`);
  const vouched = parseRunbook(runbookYaml(url, attack.query, true), 'attack.yaml');
  const still = vouched.diagnostics.filter((d) => d.severity === 'error');
  if (attack.vouchable) {
    assert.deepEqual(still, [], `${attack.name}: safe_because vouches for it`);
  } else {
    assert.equal(still.length, 1, `${attack.name}: safe_because cannot vouch for it`);
    assert.deepEqual([still[0]!.line, still[0]!.col], queryPosition(true));
  }
}

/** Lint, then a vouched-for run for real and dry (or, when the lint blocks it, the executor called directly). */
async function tryAttack(server: LabServer, attack: Attack, intact: () => Promise<void>): Promise<void> {
  const url = server.url();
  checkLint(url, attack);
  if (attack.vouchable) {
    const real = await runAttack(url, attack.query, false);
    assert.equal(real.result?.status, 'failed', `${attack.name}: ${JSON.stringify(real.result)}`);
    assert.equal(real.result?.classification, 'not-read-only', attack.name);
    assert.match(real.result?.error ?? '', /^not read-only: step attack tried to write \(/, attack.name);
    if (attack.server) assert.match(real.result?.error ?? '', attack.server, attack.name);
    await intact();
    const dry = await runAttack(url, attack.query, true);
    assert.ok(dry.events.some((e) => e.type === 'step-skipped' && e.stepId === 'attack' && e.reason === 'dry-run'),
      `${attack.name}: a dry run shows vouched-for SQL without running it`);
    await intact();
    return;
  }
  const executors = createExecutors();
  try {
    const action: SqlAction = { kind: 'sql', connection: 'db', url, query: attack.query, params: [], readOnly: true, vouched: true };
    const r = await executors.execute(action, { ...testContext(), stepId: 'attack' });
    assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${attack.name}: ${r.error}`);
    assert.match(r.error ?? '', /^not read-only: step attack /, attack.name);
  } finally {
    await executors.close();
  }
  await intact();
}

describe('non-destructive SQL cannot write: PostgreSQL', () => {
  let server: LabServer;
  let setup: ExecutorSet;
  let victim: pg.Client;
  const write = async (query: string) => {
    const r = await setup.execute({ kind: 'sql', connection: 'setup', url: server.url(), query, params: [], readOnly: false }, testContext());
    assert.equal(r.status, 'ok', r.error);
  };

  before(async () => {
    server = await startPostgres();
    setup = createExecutors();
    await write(`CREATE TABLE marker (id int PRIMARY KEY); INSERT INTO marker VALUES (1), (2);
      CREATE SEQUENCE marker_seq; CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'INSERT INTO marker VALUES (3) RETURNING id'`);
    victim = new pg.Client({ connectionString: server.url(), application_name: 'victim' });
    victim.on('error', () => undefined);
    await victim.connect();
  });
  after(async () => {
    await victim.end().catch(() => undefined);
    await setup.close();
    await server.stop();
  });

  /** Marker rows, the sequence, advisory locks, the victim session and the session defaults, as set up. */
  async function intact(): Promise<void> {
    assert.deepEqual(await adminQuery(server, 'SELECT id FROM marker ORDER BY id'), [{ id: 1 }, { id: 2 }]);
    assert.deepEqual(await adminQuery(server, 'SELECT is_called FROM marker_seq'), [{ is_called: false }]);
    assert.deepEqual(await adminQuery(server, "SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory'"), [{ n: 0 }]);
    assert.deepEqual((await victim.query('SELECT 1 AS alive')).rows, [{ alive: 1 }]);
  }

  const attacks: Attack[] = [
    { name: 'COMMIT then write', query: 'SELECT 1; COMMIT; DELETE FROM marker', lint: /runs 3 SQL statements: one statement per non-destructive step/, vouchable: false },
    { name: 'END then write', query: 'END; DELETE FROM marker', lint: /runs 2 SQL statements/, vouchable: false },
    { name: '-- inside a string literal', query: "SELECT '--' AS dashes; DELETE FROM marker", lint: /runs 2 SQL statements/, vouchable: false },
    { name: 'quoted pg_terminate_backend', query: `SELECT "pg_terminate_backend"(pid) FROM pg_stat_activity WHERE application_name = 'victim'`, lint: /calls pg_terminate_backend\(\), which acts on the server/, vouchable: false },
    { name: 'schema-qualified pg_terminate_backend', query: "SELECT pg_catalog.pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'", lint: /calls pg_catalog\.pg_terminate_backend\(\)/, vouchable: false },
    { name: 'set_config', query: "SELECT set_config('default_transaction_read_only', 'off', false)", lint: /calls set_config\(\), which acts/, vouchable: false },
    { name: 'advisory lock', query: 'SELECT pg_advisory_lock(42)', lint: /calls pg_advisory_lock\(\)/, vouchable: false },
    { name: 'nextval', query: "SELECT nextval('marker_seq')", lint: /calls nextval\(\)/, vouchable: false },
    { name: 'data-modifying WITH', query: 'WITH d AS (DELETE FROM marker RETURNING id) SELECT count(*) FROM d', lint: /holds a DELETE statement/, vouchable: true, server: /25006: cannot execute SELECT in a read-only transaction/ },
    { name: 'SELECT … FOR UPDATE', query: 'SELECT id FROM marker FOR UPDATE', lint: /locks rows/, vouchable: true, server: /25006: cannot execute SELECT FOR UPDATE in a read-only transaction/ },
    { name: 'a function that writes', query: 'SELECT bump()', lint: /calls bump\(\), which is not known to be read-only/, vouchable: true, server: /25006: cannot execute INSERT in a read-only transaction/ },
    { name: 'SELECT INTO', query: 'SELECT id INTO copied FROM marker', lint: /creates a table \(SELECT INTO\)/, vouchable: true, server: /25006/ },
  ];
  for (const attack of attacks) it(attack.name, () => tryAttack(server, attack, intact));

  it('the server itself takes one statement per read-only step: COMMIT; DELETE is refused without the parser', async () => {
    const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
    try {
      for (const text of ['SELECT 1; COMMIT; DELETE FROM marker', 'END; DELETE FROM marker', "SELECT '--'; DELETE FROM marker"]) {
        await assert.rejects(session.query(text, [], { readOnly: true, signal: new AbortController().signal }),
          (e: { code?: string; message?: string }) => e.code === '42601' && /multiple commands/.test(e.message ?? ''), text);
      }
      // A vouched-for set_config is rolled back with the step: the next step is read-only as ever.
      await session.query("SELECT set_config('default_transaction_read_only', 'off', false)", [], { readOnly: true, signal: new AbortController().signal });
      await assert.rejects(session.query('DELETE FROM marker', [], { readOnly: true, signal: new AbortController().signal }), { code: '25006' });
      const after = await session.query("SELECT current_setting('default_transaction_read_only') AS ro", [], { readOnly: false, signal: new AbortController().signal });
      assert.deepEqual(after.rows, [{ ro: 'off' }]); // the server's default, never changed by the step
    } finally {
      await session.close();
    }
    await intact();
  });
});

describe('non-destructive SQL cannot write: MariaDB', () => {
  let server: LabServer;
  let setup: ExecutorSet;
  const write = async (query: string) => {
    const r = await setup.execute({ kind: 'sql', connection: 'setup', url: server.url(), query, params: [], readOnly: false }, testContext());
    assert.equal(r.status, 'ok', r.error);
  };

  before(async () => {
    server = await startMariadb();
    setup = createExecutors();
    await write('CREATE TABLE marker (id int PRIMARY KEY)');
    await write('INSERT INTO marker VALUES (1), (2)');
  });
  after(async () => {
    await setup.close();
    await server.stop();
  });

  async function intact(): Promise<void> {
    assert.deepEqual(await adminQuery(server, `SELECT id FROM ${server.database}.marker ORDER BY id`), [{ id: 1 }, { id: 2 }]);
    const tables = await adminQuery(server, `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${server.database}' ORDER BY 1`);
    assert.deepEqual(tables, [{ t: 'marker' }]);
    assert.deepEqual(await adminQuery(server, "SELECT IS_USED_LOCK('attack') AS holder"), [{ holder: null }]);
  }

  const attacks: Attack[] = [
    { name: 'executable comment /*! DROP TABLE */', query: '/*! DROP TABLE marker */', lint: /is a DROP statement/, vouchable: true, server: /Cannot execute statement in a READ ONLY transaction/ },
    { name: 'versioned executable comment /*!50000 … */', query: '/*!50000 DROP TABLE marker */', lint: /is a DROP statement/, vouchable: true, server: /READ ONLY/ },
    { name: 'MariaDB executable comment /*M! … */', query: '/*M!100100 DROP TABLE marker */', lint: /is a DROP statement/, vouchable: true, server: /READ ONLY/ },
    { name: 'executable comment inside a SELECT', query: 'SELECT 1 /*!, GET_LOCK(\'attack\', 0) */', lint: /calls GET_LOCK\(\), which acts/, vouchable: false },
    { name: 'CREATE TABLE (implicit commit)', query: 'CREATE TABLE intruder (id int)', lint: /is a CREATE statement/, vouchable: true, server: /READ ONLY/ },
    { name: 'DROP TABLE (implicit commit)', query: 'DROP TABLE marker', lint: /is a DROP statement/, vouchable: true, server: /READ ONLY/ },
    { name: 'TRUNCATE', query: 'TRUNCATE marker', lint: /TRUNCATE/, vouchable: true, server: /READ ONLY/ },
    { name: 'DELETE', query: 'DELETE FROM marker', lint: /is a DELETE statement/, vouchable: true, server: /READ ONLY/ },
    { name: 'two statements', query: 'SELECT 1; DROP TABLE marker', lint: /runs 2 SQL statements/, vouchable: false },
    { name: '-- inside a string literal', query: "SELECT '-- '; DROP TABLE marker", lint: /runs 2 SQL statements/, vouchable: false },
    { name: 'GET_LOCK', query: "SELECT GET_LOCK('attack', 0)", lint: /calls GET_LOCK\(\), which acts/, vouchable: false },
  ];
  for (const attack of attacks) it(attack.name, () => tryAttack(server, attack, intact));

  it('the server refuses a second statement and DDL in a read-only step without the parser', async () => {
    const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
    const opts = { readOnly: true, signal: new AbortController().signal };
    try {
      await assert.rejects(session.query('SELECT 1; DROP TABLE marker', [], opts), { errno: 1064 });
      for (const ddl of ['/*! DROP TABLE marker */', 'CREATE TABLE intruder (id int)', 'RENAME TABLE marker TO gone']) {
        await assert.rejects(session.query(ddl, [], opts), { errno: 1792 }, ddl);
      }
      // A statement that changes the session's characteristics does not make the next read-only step writable.
      await session.query('SET SESSION TRANSACTION READ WRITE', [], opts);
      await assert.rejects(session.query('DROP TABLE marker', [], opts), { errno: 1792 });
    } finally {
      await session.close();
    }
    await intact();
  });

  it('a plain-string query linted as PostgreSQL is checked again on the MariaDB it reaches', async () => {
    // PostgreSQL reads /*! … */ as a comment, MariaDB as code: the lint (engine unknown) passes it as a read.
    const query = "SELECT 1 AS one /*!, GET_LOCK('attack', 0) */";
    const yaml = ['name: e', 'title: E', 'inputs:', '  url: { description: the database }', 'connections:', '  db: { url: "${{ inputs.url }}" }',
      'steps:', '  - id: attack', `    sql: { query: ${JSON.stringify(query)} }`, '  - id: done', '    end: resolved', ''].join('\n');
    const { runbook, diagnostics } = parseRunbook(yaml, 'e.yaml');
    assert.ok(runbook, JSON.stringify(diagnostics));
    const executors = createExecutors();
    const run = new Run({ runbook, inputs: { url: server.url() }, redactor: new Redactor(), executors });
    const events: RunEvent[] = [];
    run.on((e) => events.push(e));
    try { await run.start(); } finally { await executors.close(); }
    const finished = events.find((e) => e.type === 'step-finished' && e.stepId === 'attack');
    assert.ok(finished?.type === 'step-finished');
    assert.deepEqual([finished.result.status, finished.result.classification], ['failed', 'not-read-only']);
    assert.match(finished.result.error ?? '', /^not read-only: step attack calls GET_LOCK\(\), which acts on the server \(on MySQL\/MariaDB\)/);
    await intact();
  });

  it('SELECT … FOR UPDATE is flagged, and a vouched-for one holds no lock after its step', async () => {
    checkLint(server.url(), { name: 'FOR UPDATE', query: 'SELECT id FROM marker FOR UPDATE', lint: /locks rows/, vouchable: true });
    const real = await runAttack(server.url(), 'SELECT id FROM marker FOR UPDATE', false);
    assert.ok(real.result, 'the step ran');
    assert.deepEqual(await adminQuery(server, 'SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX'), [{ n: 0 }]);
    await intact();
  });
});
