// A probe of stop 73 (MariaDB 10.11): the engine wrote a proven read again from node-sql-parser's parse, which
// took a keyword function without parentheses or a SELECT option for a column and backquoted it:
// `WHERE run_at < UTC_TIMESTAMP` was sent as `` WHERE `run_at` < `UTC_TIMESTAMP` ``, a column the owner added to
// answer the question for the runbook (and without one, honest reads failed with "Unknown column"). The token
// comparison took a word unquoted and a backquoted name for the same token; to the server one is syntax, the other
// a name. Generated from the server's own word lists (information_schema.KEYWORDS and SQL_FUNCTIONS): for each word,
// a hostile twin column of that name holding 7, and reads that name the word bare (in WHERE, as a value, right after
// SELECT where an option stands), backquoted and after a '.', in a case drawn with a fixed seed. Each text the
// classifier proves a read gives, as the engine writes it, the rows of the author's text run directly under the
// pinned sql_mode, or is refused: never another answer. Through the engine's runs too, real and dry.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { PIN_SQL } from '../../src/db/mysql-pin.js';
import { classifyMysql } from '../../src/language/sql/mysql-classify.js';
import { BARE_CALLS } from '../../src/language/sql/mysql-keywords.js';
import { mysqlVersionNumber, regenerateMysql, type MysqlServer } from '../../src/language/sql/mysql-regenerate.js';
import { rng } from '../helpers/rng.js';
import { runSteps, stepResult, type Step } from './read-steps.js';

const SEED = Number(process.env.SQL_KEYWORD_SEED ?? 7301);
const TWIN = 7;
const PER_TABLE = 200;
/** Texts run through the engine besides the keyword calls', drawn with the seed (each read is ~30 ms there). */
const THROUGH_RUNS = 300;

/** The reads of one word `w` (as spelled) in table `t`, whose twin column of that name holds TWIN: bare three ways,
 *  and one drawn of backquoted and after a '.' (a column wherever it stands). */
const forms = (w: string, t: string, random: () => number): string[] => [
  `SELECT COUNT(*) AS n FROM ${t} WHERE ${w} = ${TWIN}`,
  `SELECT ${w} = ${TWIN} AS x FROM ${t}`,
  `SELECT COUNT(*) AS n FROM (SELECT ${w} c FROM ${t}) AS d WHERE c = ${TWIN}`,
  random() < 0.5 ? `SELECT \`${w}\` = ${TWIN} AS x FROM ${t}` : `SELECT ${t}.${w} = ${TWIN} AS x FROM ${t}`,
];

/** A result's values, as text: the engine's rows and the driver's hold the same numbers in other types. */
const values = (rows: Record<string, unknown>[]): string => JSON.stringify(rows.map((r) => Object.values(r).map(String)));

describe('MariaDB: a word the server reads as syntax is sent as the author wrote it, never as a column of that name', () => {
  let server: LabServer;
  let conn: mysql.Connection;
  let here: MysqlServer;
  /** Each text the classifier proves a read, its word, and what the server gives for it as the author wrote it. */
  const cases: { query: string; word: string; direct: string | Error }[] = [];
  const run = (text: string): Promise<string | Error> =>
    conn.query(text).then(([rows]) => values(rows as Record<string, unknown>[]), (err: Error) => err);

  before(async () => {
    server = await startMariadb();
    conn = await mysql.createConnection({ uri: server.adminUrl(), charset: 'utf8mb4' });
    await conn.query(PIN_SQL);
    await conn.query(`USE \`${server.database}\``);
    const [v] = await conn.query('SELECT VERSION() AS v') as [{ v: string }[], unknown];
    here = { mariadb: true, version: mysqlVersionNumber(v[0]!.v) };
    const [k] = await conn.query('SELECT WORD AS w FROM information_schema.KEYWORDS UNION SELECT FUNCTION FROM information_schema.SQL_FUNCTIONS') as [{ w: string }[], unknown];
    const words = [...new Set(k.map((r) => r.w.toUpperCase()))].filter((w) => /^[A-Z_][A-Z0-9_]*$/.test(w)).sort();
    assert.ok(words.length > 800, `the server lists its words (${words.length})`);
    const random = rng(SEED);
    const spelled = (w: string) => [...w].map((c) => (random() < 0.5 ? c.toLowerCase() : c)).join('');
    for (let i = 0; i < words.length; i += PER_TABLE) {
      const table = `kw${i / PER_TABLE}`;
      const chunk = words.slice(i, i + PER_TABLE);
      await conn.query(`CREATE TABLE ${table} (kw_row INT, ${chunk.map((w) => `\`${w}\` INT DEFAULT ${TWIN}`).join(', ')})`);
      await conn.query(`INSERT INTO ${table} (kw_row) VALUES (1)`);
      for (const word of chunk) {
        for (const query of forms(spelled(word), table, random).filter((q) => classifyMysql(q).readOnly)) cases.push({ query, word, direct: await run(query) });
      }
    }
    assert.ok(cases.length > 2500, `the classifier proves ${cases.length} of the generated texts: too few to say anything`);
  });
  after(async () => {
    await conn?.end().catch(() => undefined);
    await server?.stop();
  });

  it('the probe: jobs overdue by UTC_TIMESTAMP, with a column utc_timestamp the owner added, real and dry', async () => {
    await conn.query('CREATE TABLE jobs (id INT PRIMARY KEY, run_at DATETIME, `utc_timestamp` DATETIME)');
    await conn.query("INSERT INTO jobs VALUES (1, '2000-01-01', '1999-01-01'), (2, '2000-01-02', '1999-01-01')");
    const query = 'SELECT COUNT(*) AS overdue FROM jobs WHERE run_at < UTC_TIMESTAMP';
    for (const dryRun of [true, false]) {
      const r = stepResult(await runSteps(server.url(), [{ query, params: [] }], dryRun), 's0');
      assert.equal(r.status, 'ok', JSON.stringify(r));
      assert.equal(Number(r.rows?.[0]?.overdue), 2, `${dryRun ? 'dry run' : 'real run'}: the server's UTC_TIMESTAMP, not the column`);
    }
  });

  it(`every word of the server's lists, twin column and all: the engine's text gives the author's rows, or is refused (seed ${SEED})`, async () => {
    let same = 0;
    for (const c of cases) {
      const ours = regenerateMysql(c.query, here);
      if ('error' in ours) continue; // refused: not run as a read
      const mine = await run(ours.text);
      // Where the server refuses the author's text, the engine's must not answer.
      if (c.direct instanceof Error) { assert.ok(mine instanceof Error, `${c.query} as ${ours.text}: rows where the author's text is ${c.direct.message}`); continue; }
      assert.equal(mine, c.direct, `${c.query} as ${ours.text}`);
      same++;
    }
    assert.ok(same > cases.length / 2, `the same rows ${same} times of ${cases.length}`);
    // An honest read of a keyword call the grammar takes for a column still runs, as the server reads it.
    for (const w of BARE_CALLS) {
      const bare = cases.filter((c) => c.word === w && !/[`.]/.test(c.query));
      assert.ok(bare.every((c) => 'text' in regenerateMysql(c.query, here)), `${w}: ${bare.map((c) => c.query).join('; ')}`);
    }
  });

  for (const dryRun of [false, true]) {
    it(`through the engine's ${dryRun ? 'dry run' : 'real run'}: the keyword calls' reads and ${THROUGH_RUNS} others give the author's rows, or are refused`, async () => {
      const random = rng(SEED + 1);
      const picked = cases.filter((c) => BARE_CALLS.has(c.word) || random() < THROUGH_RUNS / cases.length);
      const events = await runSteps(server.url(), picked.map((c): Step => ({ query: c.query, params: [] })), dryRun);
      let same = 0;
      picked.forEach((c, i) => {
        const r = stepResult(events, `s${i}`);
        if (r.status !== 'ok') return; // refused by the engine, or the server refused the author's text too
        assert.ok(!(c.direct instanceof Error), `${c.query}: the engine gave rows where the author's text is ${String(c.direct)}`);
        assert.equal(values(r.rows ?? []), c.direct, c.query);
        same++;
      });
      assert.ok(same > picked.length / 2, `the same rows ${same} times of ${picked.length}`);
    });
  }
});
