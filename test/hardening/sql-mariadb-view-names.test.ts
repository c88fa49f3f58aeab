// On MariaDB a read's relations are asked about on the server (db/mysql-relations-check.ts), but the names asked
// were node-sql-parser's table list, which misses tables inside a parenthesized join: found by probe4,
// `SELECT 1 FROM t JOIN (t t2 JOIN v ON 1) ON 1` validated as a read and ran, dry and real, while the view v
// called a stored function that took GET_LOCK (the READ ONLY transaction and tx_read_only stop writes, not
// locks). Now every name in the text that could name a relation (any identifier, in every server reading) is
// asked about: closed whatever the grammar's list holds. Generated: table references nested in parentheses,
// joins and comma lists, with the view at every leaf, in every query context, each first run by the server
// with a base table in the view's place (so only texts MariaDB accepts are kept). Also: the WHERE of a SHOW is
// the server's keyword, not the word WHERE inside a quoted name (`SHOW TABLES FROM \`WHERE 1 #\` WHERE f()`
// was read as `WHERE 1`, and f() ran).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { classifySql } from '../../src/language/sql/index.js';
import { mysqlRelations, RESERVED } from '../../src/language/sql/mysql-relations.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps, type Step } from './read-steps.js';

/** Table references of depth ≤ 2, each a template over its leaves ('@' is a leaf): parentheses, joins, comma lists. */
function references(depth: number): string[] {
  if (depth === 0) return ['@'];
  const inner = references(depth - 1);
  const out = new Set(inner);
  for (const a of inner) {
    out.add(`(${a})`);
    for (const b of references(0).concat(depth > 1 ? ['(@ JOIN @ ON 1)'] : [])) {
      for (const join of ['JOIN', 'LEFT JOIN', 'CROSS JOIN', 'STRAIGHT_JOIN']) {
        const on = join === 'CROSS JOIN' || join === 'STRAIGHT_JOIN' ? '' : ' ON 1';
        out.add(`(${a} ${join} ${b}${on})`);
        out.add(`(${b} ${join} ${a}${on})`);
      }
      out.add(`(${a}, ${b})`);
    }
  }
  return [...out];
}

/** Every way to fill the leaves: the view at one leaf, base tables (with distinct aliases) at the others. */
function placements(template: string): string[] {
  const leaves = template.split('@').length - 1;
  const out: string[] = [];
  for (let at = 0; at < leaves; at++) {
    let k = 0;
    out.push(template.replace(/@/g, () => (k++ === at ? `{v} a${k}` : `t a${k}`)));
  }
  return out;
}

/** Query contexts: where a FROM clause can stand. */
const CONTEXTS = [
  (from: string) => `SELECT 1 AS one FROM t JOIN ${from} ON 1`,
  (from: string) => `SELECT 1 AS one FROM ${from}`,
  (from: string) => `SELECT (SELECT 1 FROM t JOIN ${from} ON 1 LIMIT 1) AS one`,
  (from: string) => `SELECT 1 AS one FROM t WHERE 1 IN (SELECT 1 FROM t JOIN ${from} ON 1)`,
  (from: string) => `WITH c AS (SELECT 1 AS one FROM t JOIN ${from} ON 1) SELECT one FROM c`,
  (from: string) => `SELECT 1 AS one FROM t UNION SELECT 1 FROM t JOIN ${from} ON 1`,
];

/** Spellings of the view's name: plain, quoted, qualified, other case. */
const spellings = (db: string) => ['v', '`v`', `${db}.v`, `\`${db}\`.\`v\``, `${db} . v`];

describe('MariaDB: every relation a read names is asked about, wherever the grammar puts it', () => {
  let server: LabServer;
  const texts: string[] = [];
  /** The texts the grammar reads as a plain read with a base table in the view's place: a runbook holding them validates. */
  const reads = () => texts.filter((t) => classifySql(t.replace('{v}', 'u'), 'mysql').readOnly);
  before(async () => {
    server = await startMariadb();
    const db = server.database;
    await adminQuery(server, `CREATE FUNCTION ${db}.grab() RETURNS INT DETERMINISTIC BEGIN SET @p4 = GET_LOCK('p4', 0); RETURN 1; END`);
    await adminQuery(server, `CREATE VIEW ${db}.v AS SELECT ${db}.grab() AS g`);
    await adminQuery(server, `CREATE TABLE ${db}.t (g INT)`);
    await adminQuery(server, `CREATE TABLE ${db}.u (g INT)`);
    await adminQuery(server, `INSERT INTO ${db}.t VALUES (1)`);
    await adminQuery(server, `INSERT INTO ${db}.u VALUES (1)`);
    // Only what the server accepts, asked with a base table in the view's place.
    const conn = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      await conn.query(`USE ${db}`);
      const candidates = [...new Set(references(2).flatMap(placements).flatMap((from) => CONTEXTS.map((c) => c(from))))];
      for (const text of candidates) {
        const ok = await conn.query(text.replace('{v}', 'u')).then(() => true, () => false);
        if (ok) texts.push(text);
      }
    } finally { await conn.end(); }
  });
  after(async () => { await server?.stop(); });

  it('the generated texts are many, and MariaDB runs the view\'s function for them through a plain connection', async () => {
    assert.ok(texts.length > 200, `only ${texts.length} texts the server accepts`);
    assert.ok(reads().length > 100, `only ${reads().length} texts the grammar reads`);
    const conn = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      await conn.query(`USE ${server.database}`);
      await conn.query(texts[0]!.replace('{v}', 'v'));
      const [rows] = await conn.query('SELECT @p4 AS h');
      assert.equal((rows as { h: unknown }[])[0]!.h, 1, 'the plain read took the lock');
    } finally { await conn.end(); }
  });

  it('for every text and spelling: the classifier refuses it or names the view among the relations to ask about', () => {
    const missed: string[] = [];
    for (const text of texts) {
      for (const name of spellings(server.database)) {
        const q = text.replace('{v}', name);
        if (!classifySql(q, 'mysql').readOnly) continue;
        if (!(mysqlRelations(q) ?? []).some(([, n]) => n.toLowerCase() === 'v')) missed.push(q);
      }
    }
    assert.deepEqual(missed.slice(0, 10), [], `${missed.length} reads name the view unasked`);
  });

  it('through the engine, dry and real: every one is refused, and the function never ran in the read\'s session', async () => {
    for (const dryRun of [true, false]) {
      // A sample per run (every text is covered by the test above); the last step reads what grab() sets.
      const sample = reads().filter((_, i) => i % 7 === (dryRun ? 0 : 3)).map((t, i) => t.replace('{v}', spellings(server.database)[i % 5]!));
      const steps: Step[] = [...sample.map((query) => ({ query, params: [] })), { query: 'SELECT @p4 AS h', params: [] }];
      const events = await runSteps(server.url(), steps, dryRun);
      const result = (i: number) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`); assert.ok(f?.type === 'step-finished', `s${i} finished`); return f.result; };
      sample.forEach((q, i) => assert.deepEqual([result(i).status, result(i).classification], ['failed', 'not-read-only'], `${dryRun ? 'dry run: ' : ''}${q}: ${result(i).error}`));
      const last = result(sample.length);
      assert.equal(last.status, 'ok', last.error);
      assert.deepEqual(last.rows, [{ h: null }], 'the view\'s function never ran in the read\'s session');
    }
  });

  it('the words not asked about are reserved: MariaDB reads none of them as a relation\'s name unquoted', async () => {
    const conn = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      await conn.query(`USE ${server.database}`);
      for (const word of RESERVED) {
        for (const text of [`CREATE TABLE ${word} (g INT)`, `SELECT 1 FROM t JOIN ${word} ON 1`, `SELECT 1 FROM (${word})`]) {
          const err = await conn.query(text).then(() => undefined, (e: { errno?: number }) => e);
          assert.equal(err?.errno, 1064, `${text}: ${String(err)}`);
        }
      }
    } finally { await conn.end(); }
  });

  it('a plain table in the same places still reads', async () => {
    const sample = reads().filter((_, i) => i % 11 === 0).map((t) => t.replace('{v}', 'u'));
    const events = await runSteps(server.url(), sample.map((query) => ({ query, params: [] })), false);
    sample.forEach((q, i) => {
      const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`);
      assert.ok(f?.type === 'step-finished' && f.result.status === 'ok', `${q}: ${f?.type === 'step-finished' ? f.result.error : 'not finished'}`);
    });
  });

  it('a schema named like the server\'s own in another case (SYS, Mysql …) is not the server\'s: its views are asked about, dry and real', async () => {
    // lower_case_table_names = 0 (Linux): database names are case-sensitive, so `SYS` is an author's database.
    const variants = (word: string): string[] => [...Array(2 ** word.length).keys()].map((mask) =>
      [...word].map((c, i) => (mask & (1 << i) ? c.toUpperCase() : c)).join('')).filter((v) => v !== word);
    const schemas = [...variants('sys'), ...variants('mysql')];
    for (const schema of schemas) {
      await adminQuery(server, `CREATE DATABASE \`${schema}\``);
      await adminQuery(server, `CREATE VIEW \`${schema}\`.v AS SELECT ${server.database}.grab() AS g`);
      await adminQuery(server, `GRANT SELECT ON \`${schema}\`.* TO '${server.appUser}'@'%'`);
    }
    const reads = schemas.map((schema, i) => (i % 2 ? `SELECT g FROM \`${schema}\`.v` : `SELECT g FROM ${schema}.v`));
    // Real: a plain connection reads the view, and its function runs.
    const conn = await mysql.createConnection({ uri: server.url() });
    try {
      await conn.query(reads[0]!);
      const [rows] = await conn.query('SELECT @p4 AS h');
      assert.equal((rows as { h: unknown }[])[0]!.h, 1, 'the plain read ran grab()');
    } finally { await conn.end(); }
    for (const dryRun of [true, false]) {
      const events = await runSteps(server.url(), [...reads.map((query) => ({ query, params: [] })), { query: 'SELECT @p4 AS h', params: [] },
        { query: 'SELECT COUNT(*) AS n FROM INFORMATION_SCHEMA.TABLES', params: [] }, { query: 'SELECT COUNT(*) AS n FROM Information_Schema.Tables', params: [] }], dryRun);
      const result = (i: number) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`); assert.ok(f?.type === 'step-finished', `s${i} finished`); return f.result; };
      reads.forEach((q, i) => assert.deepEqual([result(i).status, result(i).classification], ['failed', 'not-read-only'], `${dryRun ? 'dry run: ' : ''}${q}: ${result(i).error}`));
      assert.deepEqual(result(reads.length).rows, [{ h: null }], 'grab() never ran in the read\'s session');
      for (const i of [1, 2]) assert.equal(result(reads.length + i).status, 'ok', `the server's own information_schema, any case: ${result(reads.length + i).error}`);
    }
  });

  it('SHOW … WHERE: the server\'s WHERE, not the word inside a quoted name, decides what is checked', async () => {
    const db = server.database;
    const named = ['WHERE 1 #', 'x WHERE 1 #', 'where 1 -- x', 'WHERE 1 /* */'];
    for (const schema of named) {
      await adminQuery(server, `CREATE DATABASE \`${schema}\``);
      await adminQuery(server, `CREATE TABLE \`${schema}\`.r (g INT)`);
      await adminQuery(server, `GRANT SELECT ON \`${schema}\`.* TO '${server.appUser}'@'%'`);
    }
    const shows = named.flatMap((schema) => [`SHOW TABLES FROM \`${schema}\` WHERE ${db}.grab() = 1`, `SHOW TABLES FROM \`${schema}\` WHERE (SELECT g FROM ${db}.v) = 1`,
      `SHOW FULL TABLES IN \`${schema}\` WHERE (@p4 := 1) = 1`]);
    // Real: through a plain connection the server runs the WHERE (there is a table in the schema to test it on).
    const conn = await mysql.createConnection({ uri: server.url() });
    try {
      await conn.query(shows[0]!);
      const [rows] = await conn.query('SELECT @p4 AS h');
      assert.equal((rows as { h: unknown }[])[0]!.h, 1, 'the plain SHOW ran grab()');
    } finally { await conn.end(); }
    // Refused by validate (the function, the assignment) or, for the view the WHERE reads, by the run.
    const validated = shows.filter((q) => classifySql(q, 'mysql').readOnly);
    assert.ok(validated.every((q) => q.includes('SELECT g FROM')), validated.join('\n'));
    for (const dryRun of [true, false]) {
      const events = await runSteps(server.url(), [...validated.map((query) => ({ query, params: [] })), { query: 'SELECT @p4 AS h', params: [] }], dryRun);
      const result = (i: number) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`); assert.ok(f?.type === 'step-finished', `s${i} finished`); return f.result; };
      validated.forEach((q, i) => assert.deepEqual([result(i).status, result(i).classification], ['failed', 'not-read-only'], `${dryRun ? 'dry run: ' : ''}${q}: ${result(i).error}`));
      assert.deepEqual(result(validated.length).rows, [{ h: null }]);
    }
  });
});
