// The SQL classifier (src/language/sql) on its own: other spellings of each attack class, on both engines,
// and properties over generated texts. The real-server side is test/hardening/sql-read-only.test.ts.
import assert from 'node:assert/strict';
import { regenerateMysql } from '../../src/language/sql/mysql-regenerate.js';
import { test } from 'node:test';
import fc from 'fast-check';
import { classifySql, type SqlEngine } from '../../src/language/sql/index.js';
import { lexMysql } from '../../src/language/sql/mysql-lexer.js';
import { parseRunbook } from '../../src/language/runbook.js';

const verdict = (engine: SqlEngine, q: string) => classifySql(q, engine);

test('PostgreSQL: plain reads are proven read-only', () => {
  for (const q of [
    'SELECT 1', 'select 1;', 'TABLE pg_stat_activity', 'VALUES (1), (2)', 'SHOW work_mem', 'EXPLAIN SELECT * FROM t',
    "SELECT count(*) FILTER (WHERE state = 'idle')::int FROM pg_stat_activity WHERE backend_type = 'client backend'",
    "SELECT now() - interval '1 minute', pg_is_in_recovery(), current_setting('max_connections'), version(), pg_backend_pid()",
    'SELECT pg_blocking_pids(pid) FROM pg_stat_activity', 'WITH a AS (SELECT 1 AS x) SELECT x FROM a',
    "SELECT '--' AS dashes, 'a; DELETE FROM t' AS semicolon, $$ ; DROP TABLE t $$ AS dollar, E'\\'; DROP' AS escaped",
    'SELECT 1 /* a comment; DELETE FROM t */', '-- only a comment\nSELECT 1', 'SELECT pg_catalog.count(*) FROM t',
    'SELECT x BETWEEN 1 AND 2, x IN (1, 2), x IS DISTINCT FROM 3, coalesce(x, 0), greatest(x, 1), CASE WHEN x THEN 1 END FROM t',
  ]) assert.deepEqual([verdict('postgres', q).readOnly, verdict('postgres', q).why], [true, undefined], q);
});

test('PostgreSQL: every other spelling of a write, a lock or an acting function is not read-only', () => {
  const cases: [string, RegExp, boolean?][] = [ // [query, why, vouchable: only a read calling unknown code]
    ['SELECT 1; COMMIT; DELETE FROM t', /transaction control/],
    ['COMMIT AND CHAIN', /transaction control/], ['ROLLBACK', /transaction control/], ['BEGIN', /transaction control/],
    ['END', /transaction control/], ['ABORT', /transaction control/], ['SAVEPOINT s', /transaction control/],
    ['PREPARE TRANSACTION \'x\'', /transaction control/],
    ["SELECT '--'; DELETE FROM t", /DELETE/], ['SELECT 1 -- ; \n; DELETE FROM t', /DELETE/],
    ['SELECT "pg_terminate_backend"(1)', /pg_terminate_backend\(\), which acts/],
    ['SELECT PG_TERMINATE_BACKEND(1)', /pg_terminate_backend\(\), which acts/],
    ['SELECT pg_catalog.pg_terminate_backend(1)', /acts/], ['SELECT pg_catalog."pg_cancel_backend"(1)', /acts/],
    ['SELECT * FROM pg_stat_activity WHERE pg_terminate_backend(pid)', /acts/],
    ['SELECT (SELECT pg_terminate_backend(pid) FROM pg_stat_activity LIMIT 1)', /acts/],
    ['SELECT pg_reload_conf()', /acts/], ["SELECT set_config('a.b', 'c', true)", /acts/],
    ['SELECT pg_advisory_xact_lock(1)', /acts/], ['SELECT pg_try_advisory_lock(1)', /acts/],
    ["SELECT nextval('s')", /acts/], ["SELECT setval('s', 1)", /acts/],
    ["SELECT dblink_exec('dbname=x', 'DELETE FROM t')", /acts/], ['SELECT lo_unlink(1)', /acts/],
    ['SELECT pg_rotate_logfile()', /acts/], ['SELECT pg_switch_wal()', /acts/],
    ["SELECT pg_create_restore_point('x')", /acts/], ["SELECT pg_drop_replication_slot('s')", /acts/],
    ["SELECT pg_notify('c', 'x')", /acts/], ['SELECT count(*), pg_terminate_backend(1)', /acts/],
    ['SELECT my_schema.count(1)', /my_schema\.count\(\), which is not known/, true], ['SELECT "COUNT"(1)', /COUNT\(\), which is not known/, true],
    ['SELECT some_function()', /not known to be read-only/, true], ['SELECT 1 !!! 2', /operator/, true],
    ['WITH d AS (DELETE FROM t RETURNING *) SELECT * FROM d', /holds a DELETE/],
    ['WITH u AS (UPDATE t SET a = 1 RETURNING *) SELECT 1', /holds an UPDATE/],
    ['WITH i AS (INSERT INTO t VALUES (1) RETURNING *) SELECT 1', /holds an INSERT/],
    ['SELECT * FROM t FOR UPDATE', /locks rows/], ['SELECT * FROM t FOR SHARE', /locks rows/],
    ['SELECT * FROM t FOR NO KEY UPDATE SKIP LOCKED', /locks rows/], ['SELECT * FROM (SELECT * FROM t FOR UPDATE) s', /locks rows/],
    ['SELECT * INTO x FROM t', /SELECT INTO/], ['EXPLAIN ANALYZE SELECT 1', /EXPLAIN ANALYZE/], ['EXPLAIN (ANALYZE) DELETE FROM t', /ANALYZE/],
    ['CALL p()', /CALL/], ['DO $$ BEGIN PERFORM pg_terminate_backend(1); END $$', /DO statement, which acts/],
    ['COPY t TO STDOUT', /COPY/], ["COPY (SELECT 1) TO PROGRAM 'true'", /COPY/], ["LOAD 'x'", /LOAD/], ['CHECKPOINT', /CHECK POINT|CHECKPOINT/], ['SET work_mem = 1', /SET/],
    ['RESET ALL', /not read-only|SET|RESET/], ['LOCK TABLE t', /LOCK/], ['LISTEN c', /LISTEN/], ['NOTIFY c', /NOTIFY/],
    ['PREPARE p AS SELECT 1', /PREPARE/], ['EXECUTE p', /EXECUTE/], ['DECLARE c CURSOR FOR SELECT 1', /DECLARE/],
    ['VACUUM t', /VACUUM/], ['CREATE TABLE t (a int)', /CREATE/], ['TRUNCATE t', /TRUNCATE/], ['DISCARD ALL', /DISCARD/],
    ['selec 1', /PostgreSQL parser rejects it/],
  ];
  for (const [q, why, vouchable] of cases) {
    const v = verdict('postgres', q);
    assert.equal(v.readOnly, false, q);
    assert.match(v.why ?? '', why, q);
    assert.equal(v.acts === true, vouchable !== true, `${q}: acts`);
  }
});

test('MySQL/MariaDB: executable comments are code, strings and comments are read as the server reads them', () => {
  const cases: [string, RegExp, boolean?][] = [ // [query, why, vouchable: only a read calling unknown code]
    ['/*! DROP TABLE t */', /DROP/], ['/*!50000 DROP TABLE t */', /DROP/], ['/*!50000DROP TABLE t*/', /DROP/],
    ['/*M!100100 DROP TABLE t */', /DROP/], ['/*M! DROP TABLE t */', /DROP/],
    ["SELECT 1 /*!, GET_LOCK('a', 0) */", /GET_LOCK\(\), which acts/],
    ['SELECT 1; DROP TABLE t', /DROP/], ["SELECT '-- '; DROP TABLE t", /DROP/], ['SELECT 1 # comment\n; DROP TABLE t', /DROP/],
    ["SELECT 'a\\' ; DROP TABLE t; '", /NO_BACKSLASH_ESCAPES/], ['SELECT "unterminated', /unterminated/],
    ['SELECT 1 /* never closed', /unterminated/], ['CREATE TABLE t (a int)', /CREATE/], ['DROP TABLE t', /DROP/],
    ['TRUNCATE t', /TRUNCATE/], ['DELETE FROM t', /DELETE/], ['UPDATE t SET a = 1', /UPDATE/], ['INSERT INTO t VALUES (1)', /INSERT/],
    ['REPLACE INTO t VALUES (1)', /REPLACE/], ['SELECT * FROM t FOR UPDATE', /locks rows/], ['SELECT * FROM t LOCK IN SHARE MODE', /locks rows/],
    ['SELECT 1 INTO @x', /INTO/], ["SELECT * FROM t INTO OUTFILE '/tmp/x'", /writes a file on the server/], ["SELECT 1 INTO DUMPFILE '/tmp/x'", /INTO DUMPFILE/], ['SELECT @a := 1', /assigns/],
    ["SELECT GET_LOCK('a', 1)", /acts/], ["SELECT get_lock('a', 1)", /acts/], ["SELECT RELEASE_LOCK('a')", /acts/],
    ['SELECT NEXTVAL(s)', /acts/], ["SELECT LOAD_FILE('/etc/passwd')", /acts/],
    ['SELECT `sleep`(1)', /not known/, true], ['SELECT mydb.f()', /mydb\.f\(\), which is not known/, true],
    ['SHOW STATUS WHERE Variable_name = GET_LOCK(\'a\', 1)', /GET_LOCK/],
    ['SHOW EXPLAIN FOR f()', /SHOW with an expression/], ['SHOW ANALYZE FOR (SELECT 1)', /SHOW with an expression|not a SHOW known/], // MariaDB evaluates it (stop 68)
    ['SET GLOBAL max_connections = 10', /not|SET/], ['KILL 5', /cannot be proven/], ['START TRANSACTION', /TRANSACTION/],
    ['CALL p()', /CALL/], ["DO GET_LOCK('a', 0)", /calls GET_LOCK\(\), which acts/], ["DO RELEASE_ALL_LOCKS()", /acts/],
  ];
  for (const [q, why, vouchable] of cases) {
    const v = verdict('mysql', q);
    assert.equal(v.readOnly, false, q);
    assert.match(v.why ?? '', why, q);
    assert.equal(v.acts === true, vouchable !== true, `${q}: acts`);
  }
  for (const q of [
    "SELECT '/*! DROP TABLE t */' AS s", "SELECT '; DROP TABLE t' AS s", 'SELECT 1 -- ; DROP TABLE t',
    'SHOW PROCESSLIST', 'SHOW FULL PROCESSLIST', "SHOW GLOBAL STATUS LIKE 'Threads%'", "SHOW SESSION STATUS WHERE Variable_name IN ('Ssl_version')",
    'SELECT NOW(), CURRENT_TIMESTAMP, CONNECTION_ID(), TIMESTAMPDIFF(SECOND, NOW(), NOW()), CAST(1 AS SIGNED)',
    'SELECT COUNT(*) OVER () AS total FROM information_schema.PROCESSLIST WHERE ID <> CONNECTION_ID()', "SELECT 'it''s' AS s",
    'SELECT `weird;name` FROM t', "SELECT X'DEAD' AS bin",
  ]) assert.deepEqual([verdict('mysql', q).readOnly, verdict('mysql', q).why], [true, undefined], q);
  // The grammar takes `--1` for a comment, the server for arithmetic: where the two readers disagree, nothing is
  // proven (it hid a call of f from the classifier).
  for (const q of ['SELECT 1--1', 'SELECT 1--1, f(1) AS x']) assert.match(verdict('mysql', q).why ?? '', /reads it otherwise than the server splits it \(at "-"\)/, q);
});

test('a text too long to check quickly is not proven, without being parsed', () => {
  const long = `SELECT ${Array.from({ length: 2000 }, (_, i) => `c${i}`).join(', ')} FROM t`;
  for (const engine of ['mysql', 'postgres'] as const) {
    const v = verdict(engine, engine === 'postgres' ? long.repeat(3) : long);
    assert.equal(v.readOnly, false, engine);
    assert.match(v.why ?? '', /KiB, and SQL of a step that is not destructive is checked up to \d+ KiB/, engine);
  }
});

test('a text no grammar reads still counts its statements (one statement per non-destructive step)', () => {
  const v = verdict('mysql', 'KILL 5; KILL 6');
  assert.deepEqual([v.parsed, v.statements, v.readOnly], [false, 2, false]);
});

test('the MySQL lexer counts statements outside strings, comments and identifiers only', () => {
  assert.equal(lexMysql("SELECT ';' AS a, `b;c`, \"d;e\" /* ; */ -- ;\n# ;\n").statements.length, 1);
  assert.equal(lexMysql('SELECT 1; SELECT 2;').statements.length, 2);
  assert.equal(lexMysql('/*! SELECT 1; SELECT 2 */').statements.length, 2);
});

const READS_PG = ['SELECT 1', "SELECT count(*) FROM pg_stat_activity WHERE state = 'idle'", 'TABLE t', 'SHOW work_mem'];
const READS_MY = ['SELECT 1', "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Sleep'", 'SHOW PROCESSLIST'];
const WRITES = ['DELETE FROM t', 'DROP TABLE t', 'UPDATE t SET a = 1', "INSERT INTO t VALUES (1)", 'CREATE TABLE u (a int)', 'TRUNCATE t'];
const space = fc.constantFrom(' ', '\n', '\t', '  ', ' /* x */ ');

test('property: a read followed by any write, however spaced, is never one read-only statement', () => {
  fc.assert(fc.property(fc.constantFrom<SqlEngine>('postgres', 'mysql'), fc.nat(), fc.constantFrom(...WRITES), space, space, (engine, i, write, a, b) => {
    const reads = engine === 'postgres' ? READS_PG : READS_MY;
    const v = verdict(engine, `${reads[i % reads.length]}${a};${b}${write}`);
    return !v.readOnly && v.statements === 2;
  }), { numRuns: 150 });
});

test('property: on MySQL/MariaDB a write inside any executable comment is seen', () => {
  fc.assert(fc.property(fc.constantFrom('/*!', '/*!50000', '/*!80000 ', '/*M!', '/*M!100100 '), fc.constantFrom(...WRITES), space, (open, write, s) => {
    const v = verdict('mysql', `${open}${s}${write}${s}*/`);
    return !v.readOnly;
  }), { numRuns: 100 });
});

test('property: any upper/lower casing of an unquoted acting function name is seen (PostgreSQL folds it)', () => {
  const names = ['pg_terminate_backend', 'pg_cancel_backend', 'set_config', 'pg_advisory_lock', 'nextval', 'pg_reload_conf'];
  fc.assert(fc.property(fc.constantFrom(...names), fc.array(fc.boolean(), { minLength: 24, maxLength: 24 }), fc.boolean(), (name, upper, qualified) => {
    const cased = [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join('');
    const v = verdict('postgres', `SELECT ${qualified ? 'pg_catalog.' : ''}${cased}(1)`);
    return !v.readOnly && v.acts === true;
  }), { numRuns: 150 });
});

test('validate: a wait step\'s SQL is checked too, at its query', () => {
  const yaml = [
    'name: w', 'title: W', 'connections:', '  db: { url: "postgres://localhost/app" }', 'steps:', '  - id: poll',
    '    wait:', '      sql: { query: "SELECT pg_terminate_backend(1)" }', '      until: "true"', '      every: 1s', '      for: 5s',
    '  - id: done', '    end: resolved', '',
  ].join('\n');
  const errors = parseRunbook(yaml, 'w.yaml').diagnostics.filter((d) => d.severity === 'error');
  assert.equal(errors.length, 1, JSON.stringify(errors));
  assert.match(errors[0]!.message, /step 'poll' runs SQL that is not read-only: it calls pg_terminate_backend\(\), which acts on the server/);
  assert.deepEqual([errors[0]!.line, errors[0]!.col], [8, 21]);
});

test('validate: a plain-string query on a URL of unknown engine is read as PostgreSQL when its parser accepts it, else as MySQL', () => {
  const yaml = (q: string) => [
    'name: u', 'title: U', 'inputs:', '  url: { description: d }', 'connections:', '  db: { url: "${{ inputs.url }}" }', 'steps:',
    '  - id: q', `    sql: { query: ${JSON.stringify(q)} }`, '  - id: done', '    end: resolved', '',
  ].join('\n');
  const errorsOf = (q: string) => parseRunbook(yaml(q), 'u.yaml').diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  assert.deepEqual(errorsOf('SELECT pg_size_pretty(pg_database_size(current_database()))'), []);
  assert.match(errorsOf('SELECT `x` FROM t; DROP TABLE t').join(), /runs 2 SQL statements \(read as MySQL\/MariaDB\)/);
  assert.match(errorsOf("SELECT GET_LOCK('a', 1)").join(), /get_lock\(\), which is not known to be read-only/);
  // A read to PostgreSQL that is code to MySQL/MariaDB: the engine is not known until the run, so the MySQL
  // reading counts where it acts (the run refuses them there too: executors/sql-read-only.ts).
  for (const [q, why] of [
    ['/*! DROP TABLE victim */ SELECT 1', /read as MySQL\/MariaDB\): it cannot be proven read-only/],
    ['SELECT 1 /*!50000 , (SELECT 1 FROM victim FOR UPDATE) */', /read as MySQL\/MariaDB\): it locks rows/],
    ['/*M!100000 DELETE FROM victim */', /read as MySQL\/MariaDB\): it is a DELETE statement/],
    ['SELECT 1 /*! INTO @x */', /read as MySQL\/MariaDB\): it writes its result somewhere/],
  ] as const) assert.match(errorsOf(q).join(), why, q);
  // PostgreSQL's own read-only functions, unknown to the MySQL reading, are not its business.
  assert.deepEqual(errorsOf("SELECT pg_size_pretty(1024), now()::date, 'a' || 'b'"), []);
});

test('PostgreSQL: every place a read names code is checked (operators in ANY/ALL subqueries and ORDER BY USING, casts, samples)', () => {
  const cases: [string, RegExp][] = [
    ['SELECT 1 WHERE 1 OPERATOR(public.===) ANY (SELECT 1)', /operator public\.===/],
    ['SELECT 1 WHERE 1 OPERATOR(public.===) ALL (SELECT 1)', /operator public\.===/],
    ['SELECT 1 WHERE 1 === ANY (SELECT 1)', /operator ===/],
    ['SELECT x FROM t ORDER BY x USING OPERATOR(public.<<<)', /operator public\.<<</],
    ['SELECT x FROM t ORDER BY x USING ===', /operator ===/],
    ['SELECT array_agg(x ORDER BY x USING ===) FROM t', /operator ===/],
    ["SELECT '1'::mydomain", /type mydomain/], ['SELECT CAST(x AS public.mytype) FROM t', /type public\.mytype/],
    ['SELECT 1 UNION SELECT x::mytype FROM t', /type mytype/], ["SELECT * FROM json_to_record('{}') AS x(a mytype)", /json_to_record|mytype/],
    ['SELECT * FROM t TABLESAMPLE system_rows(10)', /samples with system_rows/],
    ['SELECT (SELECT 1 WHERE 1 OPERATOR(public.===) 1)', /operator public\.===/],
    // SQL/JSON syntax (16–18) that PostgreSQL 15 reads as calls of functions of those names (issue #45).
    ["SELECT JSON_VALUE(jsonb '{}', '$.a'), json_object('a': 1)", /holds Json(FuncExpr|ObjectConstructor)/],
  ];
  for (const [q, why] of cases) {
    const v = verdict('postgres', q);
    assert.deepEqual([v.readOnly, v.acts], [false, undefined], `${q}: not known, so it needs safe_because or destructive`);
    assert.match(v.why ?? '', why, q);
  }
  for (const q of ['SELECT x FROM t ORDER BY x USING <', "SELECT 1::int, 'x'::text, 'x'::regclass, 1::bigint, 'a'::varchar(3), x::pg_catalog.int4 FROM t",
    'SELECT * FROM t TABLESAMPLE bernoulli(10)', "SELECT 'a' SIMILAR TO 'b'",
    "SELECT * FROM XMLTABLE('/a' PASSING '<a/>' COLUMNS x int PATH 'x')", 'SELECT (1, 2) < (3, 4)']) {
    assert.deepEqual([verdict('postgres', q).readOnly, verdict('postgres', q).why], [true, undefined], q);
  }
});

test('PostgreSQL: a node type or a name field the walk does not know is not known to be read-only (closed by construction)', async () => {
  const { classifyPg } = await import('../../src/language/sql/pg-classify.js');
  const select = (target: unknown) => ({ tree: { stmts: [{ stmt: { SelectStmt: { targetList: [{ ResTarget: { val: target } }] } } }] } });
  const name = (s: string) => [{ String: { sval: s } }];
  const unknownNode = classifyPg(select({ FancyNewExpr: { arg: { A_Const: { ival: { ival: 1 } } } } }));
  assert.deepEqual([unknownNode.readOnly, unknownNode.acts], [false, undefined]);
  assert.match(unknownNode.why ?? '', /holds FancyNewExpr, which is not known to be read-only/);
  const unknownField = classifyPg(select({ A_Expr: { kind: 'AEXPR_OP', name: name('='), newOpName: name('==='), lexpr: { A_Const: {} }, rexpr: { A_Const: {} } } }));
  assert.match(unknownField.why ?? '', /names === in A_Expr\.newOpName, which is not known to be read-only/);
  const unknownStruct = classifyPg(select({ FuncCall: { funcname: name('count'), newClause: { opname: 'x' } } }));
  assert.match(unknownStruct.why ?? '', /holds FuncCall\.newClause, which is not known/);
  assert.equal(classifyPg(select({ FuncCall: { funcname: name('count'), agg_star: true } })).readOnly, true);
});

test('acting: anything that is not a plain read acts, and safe_because cannot vouch for it (both engines)', () => {
  const pg = ['SELECT * FROM t FOR UPDATE', 'SELECT * FROM t FOR KEY SHARE', "COPY (SELECT 1) TO PROGRAM 'true'", 'EXPLAIN ANALYZE DELETE FROM t',
    'EXPLAIN (ANALYZE, BUFFERS) SELECT 1', 'EXPLAIN DELETE FROM t', 'CALL p()', 'DO $$ BEGIN END $$', 'SET work_mem = 1', 'SET LOCAL work_mem = 1',
    'RESET work_mem', 'LISTEN c', 'NOTIFY c', 'UNLISTEN *', 'PREPARE p AS SELECT 1', 'EXECUTE p', 'DEALLOCATE p', "LOAD 'auto_explain'",
    'SELECT * INTO x FROM t', 'WITH d AS (DELETE FROM t RETURNING 1) SELECT 1', 'REINDEX TABLE t', 'CLUSTER t', 'ANALYZE t', 'selec 1'];
  for (const q of pg) assert.deepEqual([verdict('postgres', q).readOnly, verdict('postgres', q).acts], [false, true], q);
  const my = ['KILL 42', 'KILL CONNECTION 42', 'KILL QUERY 42', 'KILL QUERY ID 42', 'SET GLOBAL max_connections = 7', 'SET PERSIST max_connections = 7',
    'SET @@global.max_connections = 7', 'SET SESSION sql_mode = ""', 'SET @x = 1', 'LOCK TABLES t READ', 'UNLOCK TABLES', 'FLUSH TABLES WITH READ LOCK',
    'FLUSH PRIVILEGES', 'HANDLER t OPEN', 'DO 1', "DO SLEEP(1)", 'CALL p()', 'SELECT NEXT VALUE FOR s', 'SELECT PREVIOUS VALUE FOR s', 'SELECT NEXTVAL(s)',
    'SELECT LASTVAL(s)', 'SELECT SETVAL(s, 1)', 'SELECT 1 INTO @x', 'SELECT @x := 1', "SELECT LOAD_FILE('/etc/passwd')", 'SELECT * FROM t FOR UPDATE',
    'SELECT * FROM t LOCK IN SHARE MODE', 'SELECT 1 FROM t WHERE a IN (SELECT b FROM u FOR UPDATE)', 'SELECT BENCHMARK(100, 1)',
    'ANALYZE TABLE t', 'OPTIMIZE TABLE t', 'INSTALL PLUGIN x SONAME "x.so"', 'RESET QUERY CACHE', 'PURGE BINARY LOGS TO "x"', 'SHUTDOWN',
    'selec 1', 'EXPLAIN ANALYZE SELECT 1', 'ANALYZE SELECT 1'];
  for (const q of my) assert.deepEqual([verdict('mysql', q).readOnly, verdict('mysql', q).acts], [false, true], q);
  // A read stays a read: SLEEP waits (the step's timeout bounds it), @@global is read, not set.
  for (const q of ['SELECT SLEEP(0)', 'SELECT @@global.max_connections']) assert.equal(verdict('mysql', q).readOnly, true, q);
  assert.equal(verdict('postgres', 'SELECT pg_sleep(0)').readOnly, true);
});

test('MySQL/MariaDB: an acting function is seen however its name is spelled (backticks, case, schema, ANSI quotes)', () => {
  const acting = ['GET_LOCK', 'RELEASE_LOCK', 'RELEASE_ALL_LOCKS', 'IS_USED_LOCK', 'LOAD_FILE', 'BENCHMARK', 'MASTER_POS_WAIT'];
  fc.assert(fc.property(fc.constantFrom(...acting), fc.array(fc.boolean(), { minLength: 20, maxLength: 20 }),
    fc.constantFrom('', 'mysql.', 'sys.', '`mysql`.', 'db.'), fc.constantFrom('plain', 'backtick', 'ansi'), fc.constantFrom('', ' ', '\n'),
    fc.constantFrom('SELECT %', 'SELECT IF(1, %, 0)', 'SELECT 1 FROM t WHERE % = 1', "SHOW STATUS WHERE Variable_name = %"),
    (name, upper, schema, quote, space, shape) => {
      const cased = [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c.toLowerCase())).join('');
      const spelled = quote === 'backtick' ? `\`${cased}\`` : quote === 'ansi' ? `"${cased}"` : cased;
      const q = shape.replace('%', `${schema}${spelled}${space}('a', 0)`);
      const v = verdict('mysql', q);
      return !v.readOnly && v.acts === true;
    }), { numRuns: 200 });
  assert.equal(verdict('mysql', "SELECT 'GET_LOCK(' AS s").readOnly, true, 'a string is not a call');
});

test('MySQL/MariaDB: each server reads executable comments by its version and flavour; every reading is checked', () => {
  for (const q of ['/*!999999 SELECT 1 AS */ KILL /*!999999 FROM DUAL WHERE 1 = */ 5', '/*M! SELECT 1 AS */ KILL /*M! FROM DUAL WHERE 1 = */ 5',
    '/*!50000 SELECT 1 AS */ KILL /*!80000 FROM DUAL WHERE 1 = */ 5']) {
    const v = verdict('mysql', q);
    assert.deepEqual([v.readOnly, v.acts], [false, true], q);
    // (MariaDB skips /*!80000: its reading of the third is `SELECT 1 AS KILL 5`, which no grammar parses.)
    assert.match(v.why ?? '', /as a server that skips some of its executable comments reads it|grammar cannot parse it/, q);
  }
  assert.equal(verdict('mysql', 'SELECT 1; /*M!100100 DROP TABLE t */').statements, 2);
  assert.equal(verdict('mysql', 'SELECT ID AS id, /*M!100005 QUERY_ID AS query_id, */ USER AS user FROM information_schema.PROCESSLIST').readOnly, true);
  // Inside an executable comment the server lexes code: a '*/' in a string does not end it, and a comment there is refused.
  assert.equal(verdict('mysql', "/*! SELECT '*/' AS x */").readOnly, true);
  assert.match(verdict('mysql', 'SELECT 1 /*! -- x */ , GET_LOCK(1, 2) \n */').why ?? '', /a comment inside an executable comment/);
  // A server that skips a conditional comment ends it at its first */, quotes or not: two readings, refused.
  for (const q of ["SELECT 1 /*!999999 '*/ , GET_LOCK('a', 0) -- ' */", "SELECT 1 /*M!100000 , '*/' */"]) {
    assert.match(verdict('mysql', q).why ?? '', /ends in one place to a server that expands it and in another/, q);
  }
  // MariaDB skips a plain /*!N for 50700 ≤ N ≤ 99999: one of the readings checked, and the one sent to it.
  assert.match(verdict('mysql', "SELECT 1 /*!80000 , GET_LOCK('a', 0) */ AS x").why ?? '', /GET_LOCK/);
  const sent = (mariadb: boolean, version: number) => {
    const r = regenerateMysql('SELECT 1 /*!50700 + 1 */ AS x', { mariadb, version });
    return 'text' in r ? r.text.replace(/\s+/g, ' ') : r.error;
  };
  assert.equal(sent(true, 101106), 'SELECT 1 AS `x`');
  assert.equal(sent(false, 80036), 'SELECT 1 + 1 AS `x`');
  // The server ends a # comment at a NUL byte.
  assert.match(verdict('mysql', "SELECT 1 AS a # x\0, GET_LOCK('n', 0)").why ?? '', /NUL byte/);
});
