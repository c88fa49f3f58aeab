// A step that is not destructive cannot write, by construction: each attack class of issue #13 against real
// PostgreSQL and MariaDB servers. For every attack: (a) `validate` flags it, at the query, naming what is
// unsafe; (b) the executor refuses it unvouched; (c) with `safe_because` it validates only when safe_because may
// vouch for it — a plain read whose one doubt is a function, operator or type not known to be read-only; never
// more than one statement, another kind of statement, a lock, an assignment, a function that acts or a text no
// grammar reads — and then a dry run shows it without running it, and where the server's read-only transaction
// stops it, a real run fails with "not read-only: step attack tried to write (…)"; what the lint blocks is
// refused by the executor too when called directly, vouched for. After each, the marker rows, tables,
// sequence, locks, settings and sessions are exactly as before. The CLI refuses a runbook holding them, with and
// without --dry-run, naming each step at its query.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import mysql from 'mysql2/promise';
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
import { cli, scratch, writeRunbook } from './helpers.js';

interface Attack {
  name: string;
  query: string;
  /** Words the lint's message must hold. */
  lint: RegExp;
  /** safe_because lets it validate (then it is run dry, and for real when `server` says the server stops it);
   *  otherwise it is refused at validate. */
  vouchable: boolean;
  /** What the server says when a vouched-for run reaches it (vouchable attacks only; without it the real
   *  vouched run is the author's word and is not run here: a user function may do what a read-only
   *  transaction allows, pg_terminate_backend included). */
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

/** The executor called directly with the step's action: refused as not read-only before anything is sent. */
async function refusedByExecutor(url: string, attack: Attack, vouched: boolean): Promise<void> {
  const executors = createExecutors();
  try {
    const action: SqlAction = { kind: 'sql', connection: 'db', url, query: attack.query, params: [], readOnly: true, vouched };
    const r = await executors.execute(action, { ...testContext(), stepId: 'attack' });
    assert.deepEqual([r.status, r.classification], ['failed', 'not-read-only'], `${attack.name} (vouched: ${vouched}): ${r.error}`);
    assert.match(r.error ?? '', /^not read-only: step attack /, attack.name);
  } finally {
    await executors.close();
  }
}

/** Lint; the executor unvouched; then a vouched-for run dry (and for real where the server stops it), or,
 *  when the lint blocks it, the executor called directly, vouched. */
async function tryAttack(server: LabServer, attack: Attack, intact: () => Promise<void>): Promise<void> {
  const url = server.url();
  checkLint(url, attack);
  await refusedByExecutor(url, attack, false);
  await intact();
  if (attack.vouchable) {
    const dry = await runAttack(url, attack.query, true);
    assert.ok(dry.events.some((e) => e.type === 'step-skipped' && e.stepId === 'attack' && e.reason === 'dry-run'),
      `${attack.name}: a dry run shows vouched-for SQL without running it`);
    await intact();
    if (!attack.server) return;
    const real = await runAttack(url, attack.query, false);
    assert.equal(real.result?.status, 'failed', `${attack.name}: ${JSON.stringify(real.result)}`);
    assert.equal(real.result?.classification, 'not-read-only', attack.name);
    const withheld = (real.result as { withheld?: { because: string[] } } | undefined)?.withheld;
    if (withheld) {
      // A failed MariaDB read that ran a routine someone created: its error is withheld (db/mysql-secret-reach.ts:
      // the routine may be swapped back before the check after it), and the record says which routine; the
      // classification above is still the server's refusal of the write.
      assert.equal(real.result?.error, '****', attack.name);
      assert.match(withheld.because.join(' '), /bump/, attack.name);
    } else {
      assert.match(real.result?.error ?? '', /^not read-only: step attack tried to write \(/, attack.name);
      assert.match(real.result?.error ?? '', attack.server, attack.name);
    }
    await intact();
    return;
  }
  await refusedByExecutor(url, attack, true);
  await intact();
}

/** The CLI, with and without --dry-run, refuses a runbook whose vouched-for steps hold the attacks that may
 *  not be vouched for: exit 2, each step named at its query, nothing run. */
async function cliRefuses(t: TestContext, url: string, attacks: Attack[], intact: () => Promise<void>): Promise<void> {
  const blocked = attacks.filter((a) => !a.vouchable);
  const yaml = ['name: attacks', 'title: Attacks', 'connections:', `  db: { url: ${JSON.stringify(url)} }`, 'steps:',
    ...blocked.flatMap((a, i) => [`  - id: attack-${i}`, '    destructive: false', '    safe_because: the attack under test', `    sql: { query: ${JSON.stringify(a.query)} }`]),
    '  - id: done', '    end: resolved', ''].join('\n');
  const file = writeRunbook(scratch(t), 'attacks', yaml);
  for (const flags of [['--dry-run'], []]) {
    const r = await cli(['run', file, '--plain', '--no-transcript', ...flags]);
    assert.equal(r.code, 2, `${flags.join(' ')}: ${r.stdout}${r.stderr}`);
    const out = r.stdout + r.stderr;
    blocked.forEach((a, i) => {
      const line = 9 + i * 4;
      assert.match(out, new RegExp(`attacks\\.yaml:${line}:\\d+: error: step 'attack-${i}' `), `${a.name}: located at its query`);
    });
    assert.doesNotMatch(out, /start {4}attack/, 'no step started');
    await intact();
  }
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
      CREATE SEQUENCE marker_seq; CREATE FUNCTION bump() RETURNS int LANGUAGE sql AS 'INSERT INTO marker VALUES (3) RETURNING id';
      CREATE FUNCTION kill_victims(int, int) RETURNS bool LANGUAGE plpgsql AS
        $$ BEGIN PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'; RETURN true; END $$;
      CREATE OPERATOR public.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = kill_victims);
      CREATE DOMAIN killer AS int CHECK (kill_victims(VALUE, 0))`);
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
    { name: 'data-modifying WITH', query: 'WITH d AS (DELETE FROM marker RETURNING id) SELECT count(*) FROM d', lint: /holds a DELETE statement/, vouchable: false },
    { name: 'SELECT … FOR UPDATE', query: 'SELECT id FROM marker FOR UPDATE', lint: /locks rows/, vouchable: false },
    { name: 'SELECT … FOR SHARE', query: 'SELECT id FROM marker FOR SHARE', lint: /locks rows/, vouchable: false },
    { name: 'a function that writes', query: 'SELECT bump()', lint: /calls bump\(\), which is not known to be read-only/, vouchable: true, server: /25006: cannot execute INSERT in a read-only transaction/ },
    { name: 'SELECT INTO', query: 'SELECT id INTO copied FROM marker', lint: /creates a table \(SELECT INTO\)/, vouchable: false },
    // Operators and types name code too: a user operator or a domain's check runs a function (here one that
    // terminates the victim). Not known, so unvouched they are refused; vouched for, a dry run only shows them.
    { name: 'a user operator in x OPERATOR(…) ANY (subquery)', query: 'SELECT 1 WHERE 1 OPERATOR(public.===) ANY (SELECT 1)', lint: /uses the operator public\.===, which is not known/, vouchable: true },
    { name: 'a user operator in a scalar subquery', query: 'SELECT (SELECT 1 WHERE 1 OPERATOR(public.===) 1)', lint: /operator public\.===/, vouchable: true },
    { name: 'a cast to a domain whose check acts', query: 'SELECT 1::killer', lint: /uses the type killer, which is not known/, vouchable: true },
    { name: 'COPY … TO PROGRAM', query: "COPY (SELECT 1) TO PROGRAM 'true'", lint: /is a COPY statement, which acts/, vouchable: false },
    { name: 'EXPLAIN ANALYZE of a write', query: 'EXPLAIN ANALYZE DELETE FROM marker', lint: /EXPLAIN ANALYZE/, vouchable: false },
    { name: 'SET', query: 'SET default_transaction_read_only = off', lint: /is a SET statement/, vouchable: false },
    { name: 'SET LOCAL', query: 'SET LOCAL statement_timeout = 0', lint: /is a SET statement/, vouchable: false },
    { name: 'RESET ALL', query: 'RESET ALL', lint: /is a SET statement/, vouchable: false },
    { name: 'NOTIFY', query: "NOTIFY victims, 'x'", lint: /NOTIFY/, vouchable: false },
    { name: 'LISTEN', query: 'LISTEN victims', lint: /LISTEN/, vouchable: false },
    { name: 'PREPARE', query: 'PREPARE p AS DELETE FROM marker', lint: /PREPARE/, vouchable: false },
    { name: 'CALL', query: 'CALL nothing()', lint: /CALL/, vouchable: false },
    { name: 'DO', query: "DO $$ BEGIN PERFORM pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'victim'; END $$", lint: /DO statement, which acts/, vouchable: false },
    { name: 'LOAD', query: "LOAD 'auto_explain'", lint: /LOAD/, vouchable: false },
  ];
  for (const attack of attacks) it(attack.name, () => tryAttack(server, attack, intact));

  it('the CLI refuses them with and without --dry-run, each at its query', (t) => cliRefuses(t, server.url(), attacks, intact));

  it('the user operator and the domain are real: run unchecked, they terminate the session (the checks above are not vacuous)', async () => {
    const throwaway = new pg.Client({ connectionString: server.url(), application_name: 'victim' });
    throwaway.on('error', () => undefined);
    await throwaway.connect();
    const session = await openSession(parseUrl(server.adminUrl()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
    try {
      await session.query("SELECT 1 WHERE 1 OPERATOR(public.===) ANY (SELECT 1) AND pg_backend_pid() > 0", [], { readOnly: true, signal: new AbortController().signal });
      await assert.rejects(throwaway.query('SELECT 1'), 'the operator terminated the victim inside a read-only transaction');
    } finally {
      await session.close();
      await throwaway.end().catch(() => undefined);
    }
    // The test's own long-lived victim went too: reconnect it for the checks that follow.
    await victim.end().catch(() => undefined);
    victim = new pg.Client({ connectionString: server.url(), application_name: 'victim' });
    victim.on('error', () => undefined);
    await victim.connect();
    await intact();
  });

  for (const attack of attacks) it(attack.name, () => tryAttack(server, attack, intact));

  it('the server itself takes one statement per read-only step: COMMIT; DELETE is refused without the parser', async () => {
    const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
    try {
      for (const text of ['SELECT 1; COMMIT; DELETE FROM marker', 'END; DELETE FROM marker', "SELECT '--'; DELETE FROM marker"]) {
        // Vouched, the text is sent as written (a proven one is the engine's own, and refused before it is sent).
        await assert.rejects(session.query(text, [], { readOnly: true, vouched: true, signal: new AbortController().signal }),
          (e: { code?: string; message?: string }) => e.code === '42601' && /multiple commands/.test(e.message ?? ''), text);
        await assert.rejects(session.query(text, [], { readOnly: true, signal: new AbortController().signal }),
          (e: { name?: string; message?: string }) => e.name === 'PinRefusal' && /not exactly one statement/.test(e.message ?? ''), text);
      }
      // set_config itself, a built-in not reviewed as read-only, is refused by the session before it runs
      // (sql-pg-builtin-vouch.test.ts); the author's own function calling it runs vouched for, and what it set is
      // rolled back with the step: the next step is read-only as ever.
      await assert.rejects(session.query("SELECT set_config('default_transaction_read_only', 'off', false)", [], { readOnly: true, signal: new AbortController().signal }),
        { name: 'PinRefusal' });
      await adminQuery(server, "CREATE OR REPLACE FUNCTION public.flip_read_only() RETURNS text LANGUAGE sql AS $$ SELECT set_config('default_transaction_read_only', 'off', false) $$");
      await session.query('SELECT public.flip_read_only()', [], { readOnly: true, vouched: true, signal: new AbortController().signal });
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
  let victim: mysql.Connection;
  let victimId = 0;
  let maxConnections: unknown;
  const write = async (query: string) => {
    const r = await setup.execute({ kind: 'sql', connection: 'setup', url: server.url(), query, params: [], readOnly: false }, testContext());
    assert.equal(r.status, 'ok', r.error);
  };
  const connectVictim = async () => {
    victim = await mysql.createConnection({ uri: server.url() });
    victim.on('error', () => undefined);
    const [rows] = await victim.query('SELECT CONNECTION_ID() AS id');
    victimId = Number((rows as { id: number }[])[0]!.id);
  };

  before(async () => {
    server = await startMariadb();
    setup = createExecutors();
    await write('CREATE TABLE marker (id int PRIMARY KEY)');
    await write('INSERT INTO marker VALUES (1), (2)');
    await write('CREATE SEQUENCE marker_seq');
    await write('CREATE FUNCTION bump() RETURNS INT MODIFIES SQL DATA BEGIN INSERT INTO marker VALUES (3); RETURN 1; END');
    // bump() called unqualified is a stored function only when mysql.func lists no UDF of that name, which the
    // application's account must be able to read for its vouched call to run (db/mysql-loadable-functions.ts).
    await adminQuery(server, "GRANT SELECT ON mysql.func TO app_user@'%'");
    await connectVictim();
    maxConnections = (await adminQuery(server, 'SELECT @@global.max_connections AS m'))[0]!.m;
  });
  after(async () => {
    await victim.end().catch(() => undefined);
    await setup.close();
    await server.stop();
  });

  /** Marker rows, tables, the sequence, user locks, open transactions, a global setting and the victim session. */
  async function intact(): Promise<void> {
    assert.deepEqual(await adminQuery(server, `SELECT id FROM ${server.database}.marker ORDER BY id`), [{ id: 1 }, { id: 2 }]);
    const tables = await adminQuery(server, `SELECT TABLE_NAME AS t FROM information_schema.TABLES WHERE TABLE_SCHEMA = '${server.database}' ORDER BY 1`);
    assert.deepEqual(tables, [{ t: 'marker' }, { t: 'marker_seq' }]);
    assert.deepEqual(await adminQuery(server, `SELECT next_not_cached_value AS n FROM ${server.database}.marker_seq`), [{ n: 1 }]);
    assert.deepEqual(await adminQuery(server, "SELECT IS_USED_LOCK('attack') AS holder"), [{ holder: null }]);
    assert.deepEqual(await adminQuery(server, 'SELECT COUNT(*) AS n FROM information_schema.INNODB_TRX'), [{ n: 0 }]);
    assert.deepEqual(await adminQuery(server, 'SELECT @@global.max_connections AS m'), [{ m: maxConnections }]);
    assert.deepEqual((await victim.query('SELECT 1 AS alive'))[0], [{ alive: 1 }]);
  }

  const kill = (name: string, text: () => string): Attack => ({ name, get query() { return text(); }, lint: /cannot be proven read-only|acts/, vouchable: false });
  const attacks: Attack[] = [
    { name: 'executable comment /*! DROP TABLE */', query: '/*! DROP TABLE marker */', lint: /is a DROP statement/, vouchable: false },
    { name: 'versioned executable comment /*!50000 … */', query: '/*!50000 DROP TABLE marker */', lint: /is a DROP statement/, vouchable: false },
    { name: 'MariaDB executable comment /*M! … */', query: '/*M!100100 DROP TABLE marker */', lint: /is a DROP statement/, vouchable: false },
    { name: 'executable comment inside a SELECT', query: 'SELECT 1 /*!, GET_LOCK(\'attack\', 0) */', lint: /calls GET_LOCK\(\), which acts/, vouchable: false },
    { name: 'CREATE TABLE (implicit commit)', query: 'CREATE TABLE intruder (id int)', lint: /is a CREATE statement/, vouchable: false },
    { name: 'DROP TABLE (implicit commit)', query: 'DROP TABLE marker', lint: /is a DROP statement/, vouchable: false },
    { name: 'TRUNCATE', query: 'TRUNCATE marker', lint: /TRUNCATE/, vouchable: false },
    { name: 'DELETE', query: 'DELETE FROM marker', lint: /is a DELETE statement/, vouchable: false },
    { name: 'two statements', query: 'SELECT 1; DROP TABLE marker', lint: /runs 2 SQL statements/, vouchable: false },
    { name: '-- inside a string literal', query: "SELECT '-- '; DROP TABLE marker", lint: /runs 2 SQL statements/, vouchable: false },
    { name: 'GET_LOCK', query: "SELECT GET_LOCK('attack', 0)", lint: /calls GET_LOCK\(\), which acts/, vouchable: false },
    // #13 audit: a quoted, re-cased or qualified name is the same function to the server.
    { name: 'GET_LOCK in backticks', query: "SELECT `GET_LOCK`('attack', 0)", lint: /calls GET_LOCK\(\), which acts/, vouchable: false },
    { name: 'get_lock in backticks, lower case', query: "SELECT `get_lock`('attack', 0) AS l", lint: /calls get_lock\(\), which acts/, vouchable: false },
    { name: 'GET_LOCK qualified with a schema', query: "SELECT mysql.GET_LOCK('attack', 0)", lint: /GET_LOCK\(\), which acts/, vouchable: false },
    { name: 'GET_LOCK in a nested call', query: "SELECT IF(1, `GET_LOCK`('attack', 0), 0)", lint: /GET_LOCK\(\), which acts/, vouchable: false },
    // #13 audit: what no grammar reads, and every statement that is not a plain read, acts.
    kill('KILL (the old follow-up step of pool-exhausted, vouched for)', () => `KILL CONNECTION ${victimId}`),
    kill('KILL QUERY', () => `KILL QUERY ${victimId}`),
    kill('KILL hidden from the lint by a versioned executable comment', () => `/*!999999 SELECT 1 AS */ KILL /*!999999 FROM DUAL WHERE 1 = */ ${victimId}`),
    { name: 'SET GLOBAL', query: 'SET GLOBAL max_connections = 7', lint: /is a SET statement/, vouchable: false },
    { name: 'SET @@global', query: 'SET @@global.max_connections = 7', lint: /is a SET statement/, vouchable: false },
    { name: 'SET PERSIST', query: 'SET PERSIST max_connections = 7', lint: /SET statement|cannot be proven/, vouchable: false },
    { name: 'FLUSH TABLES WITH READ LOCK', query: 'FLUSH TABLES WITH READ LOCK', lint: /cannot be proven read-only/, vouchable: false },
    { name: 'LOCK TABLES', query: 'LOCK TABLES marker READ', lint: /is a LOCK statement/, vouchable: false },
    { name: 'HANDLER', query: 'HANDLER marker OPEN', lint: /cannot be proven read-only/, vouchable: false },
    { name: 'DO', query: "DO GET_LOCK('attack', 0)", lint: /GET_LOCK\(\), which acts/, vouchable: false },
    { name: 'CALL', query: 'CALL nothing()', lint: /CALL/, vouchable: false },
    { name: 'NEXTVAL', query: 'SELECT NEXTVAL(marker_seq)', lint: /NEXTVAL\(\), which acts/, vouchable: false },
    { name: 'NEXT VALUE FOR', query: 'SELECT NEXT VALUE FOR marker_seq', lint: /cannot be proven read-only/, vouchable: false },
    { name: 'SELECT … FOR UPDATE', query: 'SELECT id FROM marker FOR UPDATE', lint: /locks rows/, vouchable: false },
    { name: 'SELECT … LOCK IN SHARE MODE', query: 'SELECT id FROM marker LOCK IN SHARE MODE', lint: /locks rows/, vouchable: false },
    { name: 'SELECT … INTO @var', query: 'SELECT id INTO @x FROM marker LIMIT 1', lint: /SELECT … INTO/, vouchable: false },
    { name: 'a user variable assigned with :=', query: 'SELECT @x := id FROM marker', lint: /assigns a variable/, vouchable: false },
    { name: 'LOAD_FILE', query: "SELECT LOAD_FILE('/etc/hostname')", lint: /LOAD_FILE\(\), which acts/, vouchable: false },
    { name: 'a stored function that writes', query: 'SELECT bump()', lint: /calls bump\(\), which is not known to be read-only/, vouchable: true, server: /Cannot execute statement in a READ ONLY transaction/ },
  ];
  for (const attack of attacks) it(attack.name, () => tryAttack(server, attack, intact));

  it('the CLI refuses them with and without --dry-run, each at its query', (t) => cliRefuses(t, server.url(), attacks, intact));

  it('the hidden KILL is real: the server reads the text as KILL (the checks above are not vacuous)', async () => {
    const throwaway = await mysql.createConnection({ uri: server.url() });
    throwaway.on('error', () => undefined);
    const [rows] = await throwaway.query('SELECT CONNECTION_ID() AS id');
    const id = Number((rows as { id: number }[])[0]!.id);
    const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
    try {
      const text = `/*!999999 SELECT 1 AS */ KILL /*!999999 FROM DUAL WHERE 1 = */ ${id}`;
      // A proven read never sends the author's text: the engine's own reading of it is refused first.
      await assert.rejects(session.query(text, [], { readOnly: true, signal: new AbortController().signal }), /could not write this statement from its own reading/);
      // Sent as written (a vouched read), the server reads KILL.
      await session.query(text, [], { readOnly: true, vouched: true, signal: new AbortController().signal });
      await assert.rejects(throwaway.query('SELECT 1'), 'a read-only transaction does not stop KILL');
    } finally {
      await session.close();
      await throwaway.end().catch(() => undefined);
    }
    await intact();
  });

  it('the server refuses a second statement and DDL in a read-only step without the parser', async () => {
    const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
    // Vouched: sent as written, as a step whose author vouches for it is (a proven read is the engine's text).
    const opts = { readOnly: true, vouched: true, signal: new AbortController().signal };
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

  it('a plain-string query whose engine is unknown is refused by the lint, and checked again on the MariaDB it reaches', async () => {
    // PostgreSQL reads /*! … */ as a comment, MariaDB as code. With the engine unknown until the run, the lint
    // reads it both ways and refuses it; the run's own check on the engine it reaches is the backstop for what
    // a lint could miss, so the attack is put into the step after validation here.
    const query = "SELECT 1 AS one /*!, GET_LOCK('attack', 0) */";
    const yaml = (q: string) => ['name: e', 'title: E', 'inputs:', '  url: { description: the database }', 'connections:', '  db: { url: "${{ inputs.url }}" }',
      'steps:', '  - id: attack', `    sql: { query: ${JSON.stringify(q)} }`, '  - id: done', '    end: resolved', ''].join('\n');
    const linted = parseRunbook(yaml(query), 'e.yaml');
    assert.equal(linted.runbook, undefined);
    assert.match(JSON.stringify(linted.diagnostics), /read as MySQL\/MariaDB\): it calls GET_LOCK\(\), which acts on the server/);
    const { runbook, diagnostics } = parseRunbook(yaml('SELECT 1 AS one'), 'e.yaml');
    assert.ok(runbook, JSON.stringify(diagnostics));
    runbook.doc.steps[0]!.sql!.query = query;
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
});
