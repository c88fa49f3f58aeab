// The relations the engine's own parse says a read reads (src/language/sql/mysql-read-relations.ts) must be the
// ones the server opens: a name the server opens that the parse misses, absent when the engine asks about it, is
// not opened by the engine before the read and could be created as a view in between (db/mysql-hold.ts); one the
// parse names that the server does not open (a WITH query) would fail the read with "doesn't exist". The server
// is the oracle: each generated read runs in a transaction on a real MariaDB, and the tables it holds a metadata
// lock on (information_schema.METADATA_LOCK_INFO) must be exactly those the parse names. Generated from a grammar
// of FROM lists (joins, parenthesized joins, derived tables), subqueries in every clause, unions, and WITH queries
// that shadow a table's name in one scope and not in another (RECURSIVE too). A fixed seed; any seed with
// SQL_RELATIONS_SEED.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { mysqlReadRelations } from '../../src/language/sql/mysql-read-relations.js';
import { mysqlVersionNumber, regenerateMysql } from '../../src/language/sql/mysql-regenerate.js';
import { rng } from '../helpers/rng.js';

const SEED = Number(process.env.SQL_RELATIONS_SEED ?? 2711);
const COUNT = Number(process.env.SQL_RELATIONS ?? 1500);
const TABLES = ['t1', 't2', 't3', 't4'];

/** A generator of reads over TABLES (each with one column `a`); `scope` is the WITH names visible. */
function generator(random: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  let aliases = 0;
  const alias = () => `x${aliases++}`;
  const relation = (scope: string[], tables: readonly string[] = TABLES): string => {
    const name = pick([...tables, ...scope, ...scope]);
    const qualified = !scope.includes(name) && random() < 0.2 ? `{db}.${name}` : name;
    return random() < 0.4 ? `${qualified} ${alias()}` : `${qualified} AS ${alias()}`;
  };
  const from = (scope: string[], depth: number): string => {
    const r = random();
    if (depth > 2 || r < 0.4) return relation(scope);
    // A join's right side is one relation, or a join in parentheses (the grammar reads `a JOIN b JOIN c ON 1 ON 1`
    // no more than the engine proves it).
    if (r < 0.6) return `${from(scope, depth + 1)} JOIN ${relation(scope)} ON 1`;
    if (r < 0.7) return `${from(scope, depth + 1)} LEFT JOIN (${relation(scope)} JOIN ${relation(scope)} ON 1) ON 1`;
    if (r < 0.8) return `${from(scope, depth + 1)}, ${from(scope, depth + 1)}`;
    return `(${query(scope, depth + 1)}) AS ${alias()}`;
  };
  const condition = (scope: string[], depth: number): string => pick([
    // EXISTS and ALL are read as calls by the grammar in some nestings, and not proven: IN and a scalar instead.
    () => `1 IN (${query(scope, depth + 1)})`, () => `1 NOT IN (${query(scope, depth + 1)})`,
    () => `1 = (SELECT COUNT(*) FROM ${relation(scope)})`, () => '1 = 1',
  ])();
  const select = (scope: string[], depth: number): string => {
    const list = random() < 0.2 && depth < 3 ? `(SELECT COUNT(*) FROM ${from(scope, depth + 1)}) AS a` : '1 AS a';
    const where = random() < 0.4 && depth < 3 ? ` WHERE ${condition(scope, depth)}` : '';
    const group = random() < 0.1 && depth < 3 ? ` GROUP BY a HAVING ${condition(scope, depth)}` : '';
    return `SELECT ${list} FROM ${from(scope, depth)}${where}${group}`;
  };
  const query = (scope: string[], depth: number, withAllowed = true): string => {
    const withNames: string[] = [];
    let prefix = '';
    if (withAllowed && depth < 3 && random() < 0.3) {
      const recursive = random() < 0.2;
      // A WITH query named like a table shadows it in its scope (the enclosing statement's WITH names are not
      // in scope in these bodies: the server reads them as tables, and only TABLES exist as tables).
      for (let i = 0, n = 1 + Math.floor(random() * 2); i < n; i++) {
        const name = pick([...TABLES, 'c1', 'c2']);
        if (!withNames.includes(name)) withNames.push(name);
      }
      const bodies = withNames.map((name, i) => {
        // A recursive query's anchor reads a table none of them shadows; its other member reads itself.
        const body = recursive
          ? `SELECT 1 AS a FROM ${relation([], TABLES.filter((t) => !withNames.includes(t)))} UNION ALL SELECT a FROM ${name} WHERE a < 1`
          : select(withNames.slice(0, i), depth + 1);
        return `${name} AS (${body})`;
      });
      prefix = `WITH ${recursive ? 'RECURSIVE ' : ''}${bodies.join(', ')} `;
    }
    const inner = [...scope, ...withNames];
    const body = random() < 0.2 ? `${select(inner, depth)} UNION ALL ${select(inner, depth)}` : select(inner, depth);
    return `${prefix}${body}`;
  };
  return () => { aliases = 0; return query([], 0); };
}

describe('MariaDB: the engine\'s parse reads the relations the server opens', () => {
  let server: LabServer;
  let conn: mysql.Connection;
  let version = 0;
  before(async () => {
    server = await startMariadb();
    conn = await mysql.createConnection({ uri: server.adminUrl(), database: server.database });
    await conn.query("INSTALL SONAME 'metadata_lock_info'");
    for (const t of TABLES) await conn.query(`CREATE TABLE ${t} (a INT)`);
    version = mysqlVersionNumber(String(((await conn.query('SELECT VERSION() AS v'))[0] as { v: unknown }[])[0]!.v));
  });
  after(async () => { await conn?.end(); await server?.stop(); });

  it(`the tables each generated read locks are the ones its parse names (${COUNT} reads, seed ${SEED})`, async () => {
    const next = generator(rng(SEED));
    let ran = 0;
    for (let n = 0; n < COUNT; n++) {
      const written = next().replaceAll('{db}', server.database);
      const ours = regenerateMysql(written, { mariadb: true, version });
      if ('error' in ours) continue; // not a proven read: the engine never runs it as one
      const refs = mysqlReadRelations(ours.text, true);
      assert.ok(refs, `the engine's text does not parse: ${ours.text}`);
      const parsed = [...new Set(refs.map(({ relation: [schema, name] }) => `${schema ?? server.database}.${name}`))].sort();
      await conn.query('START TRANSACTION READ ONLY');
      try {
        await conn.query(ours.text);
      } catch (err) {
        await conn.query('ROLLBACK');
        assert.fail(`the server refused the engine's text (${(err as Error).message}): ${ours.text}`);
      }
      const [rows] = await conn.query("SELECT TABLE_SCHEMA AS s, TABLE_NAME AS t FROM information_schema.METADATA_LOCK_INFO WHERE THREAD_ID = CONNECTION_ID() AND LOCK_TYPE = 'Table metadata lock'");
      await conn.query('ROLLBACK');
      const opened = [...new Set((rows as { s: string; t: string }[]).map((r) => `${r.s}.${r.t}`))].sort();
      assert.deepEqual(parsed, opened, `the parse names ${parsed.join(', ') || 'nothing'}, the server opened ${opened.join(', ') || 'nothing'}: ${ours.text}`);
      ran++;
    }
    assert.ok(ran > COUNT * 0.8, `only ${ran} of ${COUNT} generated reads were proven and ran`);
  });
});
