// Names that JavaScript folds onto a built-in's and MariaDB does not (issue #45): `ſleep(3)` (U+017F) and
// `ıfnull(…)` (U+0131) were read as SLEEP and IFNULL by the classifier's toUpperCase(), passed as reviewed
// built-ins, and the server called the database's own stored functions of those names (found by a hostile
// owner's probe: GET_LOCK taken and a session variable left behind, dry and real). Generated: every character
// whose case mapping in JavaScript lands on an ASCII letter, put in place of that letter in every name of the
// read list (and of the acting list) — the classifier proves none of them. On a real MariaDB, stored functions
// planted under a sample of those names (and the two found) run through a plain connection, and through the
// engine, dry and real, each read is refused and its function never runs.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { classifySql } from '../../src/language/sql/index.js';
import { MYSQL_ACTING, MYSQL_READ_ONLY } from '../../src/language/sql/read-only-functions.js';
import { adminQuery } from '../db/helpers.js';
import { runSteps } from './read-steps.js';

/** Each non-ASCII code point (BMP) whose upper or lower case in JavaScript holds an ASCII letter: by the letter. */
function lookalikes(): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (let cp = 0x80; cp <= 0xffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    const c = String.fromCodePoint(cp);
    for (const folded of new Set([c.toUpperCase(), c.toLowerCase()])) {
      const ascii = folded.replace(/[^A-Za-z]/g, '');
      if (ascii.length !== 1) continue;
      const letter = ascii.toUpperCase();
      out.set(letter, [...(out.get(letter) ?? []), c]);
    }
  }
  return out;
}

/** `name` with one letter replaced by each of its look-alikes, at every position. */
function variants(name: string, table: Map<string, string[]>): string[] {
  const out: string[] = [];
  [...name].forEach((ch, i) => {
    for (const alike of table.get(ch.toUpperCase()) ?? []) out.push(name.slice(0, i) + alike + name.slice(i + 1));
  });
  return out;
}

const table = lookalikes();

describe('MariaDB: a name JavaScript folds onto a built-in is not that built-in', () => {
  it('the table of look-alikes holds the ones found (ſ for S, ı for I)', () => {
    assert.ok(table.get('S')?.includes('\u017f'));
    assert.ok(table.get('I')?.includes('\u0131'));
  });

  it('no variant of a reviewed or acting name is proven a read, in any case', () => {
    const proven: string[] = [];
    let tried = 0;
    for (const name of [...MYSQL_READ_ONLY, ...MYSQL_ACTING]) {
      for (const v of variants(name, table)) {
        for (const spelled of [v, v.replace(/[A-Z]+/g, (m) => m.toLowerCase())]) { // lower case of the ASCII letters only: 'K' (U+212A) lowers to 'k'
          tried++;
          for (const text of [`SELECT ${spelled}(1) AS x`, `SELECT 1 AS x FROM DUAL WHERE ${spelled}(1, 2) IS NULL`]) {
            if (classifySql(text, 'mysql').readOnly) proven.push(text);
          }
        }
      }
    }
    assert.ok(tried > 500, `only ${tried} variants`);
    assert.deepEqual(proven.slice(0, 10), [], `${proven.length} of ${tried * 2} proven`);
  });

  describe('on a real server, planted by the database\'s owner', () => {
    let server: LabServer;
    // The two found, and a sample of the generated ones in other names (every 97th).
    const all = [...MYSQL_READ_ONLY].flatMap((n) => variants(n.toLowerCase(), table));
    const planted = [...new Set(['\u017fleep', '\u0131fnull', ...all.filter((_, i) => i % 97 === 0)])];
    before(async () => {
      server = await startMariadb();
      const db = server.database;
      for (const name of planted) {
        // The server compares stored function names in its own collation: a variant it takes for another planted one is skipped.
        await adminQuery(server, `CREATE FUNCTION ${db}.\`${name}\`(a INT) RETURNS INT NOT DETERMINISTIC BEGIN SET @ran = CONCAT_WS(',', @ran, '${name}'); RETURN GET_LOCK('lookalike', 0); END`)
          .catch((e: { errno?: number }) => { if (e.errno !== 1304) throw e; });
      }
      await adminQuery(server, `GRANT EXECUTE ON ${db}.* TO '${new URL(server.url()).username}'@'%'`).catch(() => undefined);
    });
    after(async () => { await server?.stop(); });

    it('a plain connection runs each planted function; the engine refuses each read, dry and real, and none runs', async () => {
      const reads = planted.map((name) => `SELECT ${name}(1) AS x`);
      const conn = await mysql.createConnection({ uri: server.url() });
      let live = 0;
      try {
        for (const text of reads) {
          await conn.query('SET @ran = NULL');
          const ok = await conn.query(text).then(() => true, () => false);
          const [rows] = await conn.query('SELECT @ran AS ran');
          if (ok && (rows as { ran: string | null }[])[0]!.ran) live++;
        }
      } finally { await conn.end(); }
      assert.ok(live >= 2, `the attack is live for ${live} of ${reads.length} planted names`);
      for (const dryRun of [true, false]) {
        // Past validate (which refuses them now): what the run's own classification does with them.
        const events = await runSteps(server.url(), [...reads.map((query) => ({ query, params: [] })), { query: 'SELECT @ran AS ran', params: [] }], dryRun, undefined, true);
        const result = (i: number) => { const f = events.find((e) => e.type === 'step-finished' && e.stepId === `s${i}`); assert.ok(f?.type === 'step-finished', `s${i}`); return f.result; };
        reads.forEach((q, i) => assert.deepEqual([result(i).status, result(i).classification], ['failed', 'not-read-only'], `${dryRun ? 'dry run: ' : ''}${q}: ${result(i).error}`));
        assert.deepEqual(result(reads.length).rows, [{ ran: null }], 'no planted function ran in the read\'s session');
      }
    });
  });
});
