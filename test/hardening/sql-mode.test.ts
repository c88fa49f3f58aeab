// One reading, by construction (issue #29), on MariaDB: whatever sql_mode (every flag that changes lexing or
// parsing, alone and together) or client character set the server, init_connect or an earlier destructive step
// of the run sets, a validated non-destructive step reads as the classifier read it, dry and real: the same
// rows as under the defaults, the session pinned while it runs, the victim session and the marker rows intact.
// The steps: texts whose meaning the flags change, the session's own settings, and the built-in runbooks'
// MySQL reads. Each setting is first shown to be real: through a plain connection some step answers otherwise.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { PINNED_CHARSET, PINNED_SQL_MODE } from '../../src/db/mysql-pin.js';
import { classifySql } from '../../src/language/sql/index.js';
import { adminQuery } from '../db/helpers.js';
import { builtinReads } from './builtin-reads.js';
import { runSteps, type Step } from './read-steps.js';

/** Texts whose answer a flag changes (quotes, ||, NOT's precedence, '' as NULL, unsigned arithmetic, spaces). */
const PROBES = [
  'SELECT "a" AS x', 'SELECT 1 || 0 AS x', 'SELECT NOT 1 BETWEEN 0 AND 1 AS x', "SELECT '' IS NULL AS x",
  'SELECT CAST(1 AS UNSIGNED) - 2 AS x', 'SELECT COUNT (*) AS x FROM DUAL', "SELECT 'a' || 'b' AS x",
  "SELECT CONCAT('\\\\', 'x') AS x", "SELECT '中' AS x", "SELECT HEX('中') AS x", 'SELECT @@SESSION.sql_mode AS mode, @@SESSION.character_set_client AS charset',
];
const FLAGS = ['ANSI_QUOTES', 'NO_BACKSLASH_ESCAPES', 'PIPES_AS_CONCAT', 'IGNORE_SPACE', 'HIGH_NOT_PRECEDENCE',
  'EMPTY_STRING_IS_NULL', 'NO_UNSIGNED_SUBTRACTION', 'ANSI', 'ORACLE', 'MSSQL', 'DB2', 'POSTGRESQL'];
/** Every flag alone, and the ones that change lexing all at once. */
const MODES = [...FLAGS, FLAGS.slice(0, 7).join(',')];
type Level = 'global' | 'init_connect' | 'session';
const LEVELS: Level[] = ['global', 'init_connect', 'session'];
/** A setting as the session would run it: sql_mode, or the client character set (gbk: a backslash inside characters). */
const setting = (mode: string): string => (mode === 'gbk' ? 'SET NAMES gbk' : `SET sql_mode = '${mode}'`);

describe('MariaDB: sql_mode and the client character set cannot change what a read runs', () => {
  let server: LabServer;
  let victim: mysql.Connection;
  let steps: Step[];
  let baseline: string[];
  /** Per step: the probes' status and rows; the built-in reads' status only (their rows hold times and counts). */
  const answersOf = (events: Awaited<ReturnType<typeof runSteps>>): string[] => events
    .flatMap((e) => (e.type === 'step-finished' && e.stepId !== 'set' ? [e.result] : []))
    .map((r, i) => JSON.stringify(i < PROBES.length ? [r.status, r.rows ?? null] : [r.status]));
  async function intact(what: string): Promise<void> {
    assert.deepEqual((await victim.query('SELECT 1 AS alive'))[0], [{ alive: 1 }], `${what}: the victim session`);
    assert.deepEqual(await adminQuery(server, `SELECT id FROM ${server.database}.marker ORDER BY id`), [{ id: 1 }, { id: 2 }], `${what}: marker rows`);
  }
  async function withLevel<T>(level: Level, mode: string, fn: () => Promise<T>): Promise<T> {
    if (level === 'session') return fn();
    const set = level === 'global' ? (mode === 'gbk' ? 'SET GLOBAL character_set_client = gbk' : `SET GLOBAL sql_mode = '${mode}'`)
      : `SET GLOBAL init_connect = ${mysql.escape(setting(mode))}`;
    await adminQuery(server, set);
    try { return await fn(); } finally {
      await adminQuery(server, level === 'global' ? (mode === 'gbk' ? 'SET GLOBAL character_set_client = DEFAULT' : 'SET GLOBAL sql_mode = DEFAULT') : "SET GLOBAL init_connect = ''");
    }
  }

  before(async () => {
    server = await startMariadb();
    await adminQuery(server, `CREATE TABLE ${server.database}.marker (id int PRIMARY KEY)`);
    await adminQuery(server, `INSERT INTO ${server.database}.marker VALUES (1), (2)`);
    victim = await mysql.createConnection({ uri: server.url() });
    victim.on('error', () => undefined);
    const corpus = builtinReads().filter((r) => r.engine === 'mysql').map((r) => ({ query: r.query, params: r.params.map((p) => (/\.user\b/.test(p) ? server.appUser : '1')) }));
    steps = [...PROBES.map((query) => ({ query, params: [] })), ...corpus];
    for (const s of steps) assert.ok(classifySql(s.query, 'mysql').readOnly, `a validated read: ${s.query}`);
    baseline = answersOf(await runSteps(server.url(), steps, false));
    assert.match(baseline[PROBES.length - 1]!, new RegExp(`${PINNED_SQL_MODE}.*${PINNED_CHARSET}`), 'the session is pinned while a read runs');
  });
  after(async () => {
    await victim?.end().catch(() => undefined);
    await server?.stop();
  });

  for (const mode of [...MODES, 'gbk']) {
    // A flag the pin itself sets (IGNORE_SPACE) answers as the pin does: test/hardening/sql-mariadb-name-space.test.ts
    // shows what a session without it runs.
    it(`${mode} is real: through a plain connection some probe answers otherwise`, { skip: PINNED_SQL_MODE.split(',').includes(mode) && 'the pin sets it' }, async () => {
      const plain = await mysql.createConnection({ uri: server.url(), charset: 'utf8mb4' });
      try {
        await plain.query(setting(mode));
        const answers: string[] = [];
        for (const q of PROBES.slice(0, -1)) answers.push(JSON.stringify(await plain.query(q).then(([rows]) => ['ok', rows], () => ['failed', null])));
        assert.ok(answers.some((a, i) => a !== baseline[i]), `${mode}: ${answers.join(' ')}`);
      } finally { await plain.end(); }
    });
    for (const level of LEVELS) {
      for (const dryRun of level === 'session' ? [false] : [true, false]) {
        it(`${mode} at the ${level} level${dryRun ? ', --dry-run' : ''}: the same rows as under the defaults, nothing acts`, async () => {
          const events = await withLevel(level, mode, () => runSteps(server.url(), steps, dryRun, level === 'session' ? setting(mode) : undefined));
          if (level === 'session') assert.ok(events.some((e) => e.type === 'step-finished' && e.stepId === 'set' && e.result.status === 'ok'), 'the SET ran');
          assert.deepEqual(answersOf(events), baseline);
          await intact(`${mode} at ${level}`);
        });
      }
    }
  }
});
