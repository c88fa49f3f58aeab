// A proven MySQL/MariaDB read runs as the engine writes it from its own parse (issue #45), never as the author
// spelled it. Generated spellings of reads (test/hardening/mysql-spellings.ts: comments everywhere, a comment
// before `(`, executable comments, case, quotes), each checked three ways:
// - the engine writes every spelling of one statement as the same tokens (comments, executable comments and
//   spacing gone), for the built-in runbooks' reads and a fixed set of self-contained ones;
// - the server as the oracle: where the author's text runs, the engine's text gives the same rows;
// - generated literal forms (numbers, strings, introducers, hex and bit literals, `--` without a space …), where
//   the grammar may read otherwise than the server (`1--1`, `_utf8mb4'x'`, `'a' 'b'`, `1e3`), are refused, or
//   give the server's rows.
// SQL_SPELLING_SEED repeats one run; SQL_SPELLINGS sets how many spellings (default 1500).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load } from 'js-yaml';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { openSession } from '../../src/db/open.js';
import { parseUrl } from '../../src/db/url.js';
import { PIN_SQL } from '../../src/db/mysql-pin.js';
import { classifyMysql } from '../../src/language/sql/mysql-classify.js';
import { mysqlVersionNumber, regenerateMysql, type MysqlServer } from '../../src/language/sql/mysql-regenerate.js';
import { mysqlTokens, sameTokens } from '../../src/language/sql/mysql-tokens.js';
import { rng } from '../helpers/rng.js';
import { literalForm, spell, tokensOf } from './mysql-spellings.js';

const SEED = Number(process.env.SQL_SPELLING_SEED ?? 4507);
const COUNT = Number(process.env.SQL_SPELLINGS ?? 1500);

/** Reads that give the same rows on any fresh server: the oracle compares them. */
const STEADY = [
  "SELECT COUNT(*) AS n, MAX(LENGTH(TABLE_NAME)) AS m FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'mysql' AND TABLE_NAME LIKE 'time%'",
  "SELECT CONCAT('a', 'b', 'it''s') AS s, UPPER('x') AS u, SUBSTRING_INDEX('a:b:c', ':', 2) AS p, IFNULL(NULL, 3) AS i",
  "SELECT CASE WHEN 1 < 2 THEN 'lt' ELSE 'ge' END AS c, 7 DIV 2 AS d, 7 % 3 AS r, -(2 + 3) * 4 AS e, 1 <> 2 AS ne, 2 >= 1 AS ge",
  "SELECT t.TABLE_NAME AS name, c.n AS cols FROM information_schema.TABLES t JOIN (SELECT TABLE_NAME, COUNT(*) AS n FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = 'mysql' GROUP BY TABLE_NAME) c ON c.TABLE_NAME = t.TABLE_NAME WHERE t.TABLE_SCHEMA = 'mysql' ORDER BY name LIMIT 5",
  "SELECT GROUP_CONCAT(SCHEMA_NAME ORDER BY SCHEMA_NAME SEPARATOR ',') AS s FROM information_schema.SCHEMATA WHERE SCHEMA_NAME IN ('mysql', 'information_schema')",
  'SELECT @@max_connections AS m, @@GLOBAL.net_read_timeout AS t, CAST(ROUND(100 * 3 / 7) AS SIGNED) AS pct',
  'SELECT x.a AS a, COUNT(*) OVER () AS total FROM (SELECT 1 AS a UNION ALL SELECT 2) x ORDER BY a DESC',
  "SELECT TIMESTAMPDIFF(SECOND, '2024-01-01 00:00:00', '2024-01-01 00:01:00') AS s, DATE_SUB('2024-01-02', INTERVAL 1 DAY) AS d, 'a\\'b' AS q, 'x\\\\y' AS bs",
  "SELECT COALESCE(NULL, 'z') AS z, 1 IN (1, 2) AS i, NOT 0 AS n, 3 BETWEEN 1 AND 5 AS b, 'abc' REGEXP '^a' AS r, 'abc' LIKE 'a%' AS l",
  "SHOW GLOBAL VARIABLES WHERE Variable_name IN ('max_connections', 'net_read_timeout')",
  "SHOW SESSION VARIABLES LIKE 'sql_mode'",
];

/** The MySQL reads of the built-in runbooks (a `mysql:` query, or one plain string that both engines read). */
function builtinReads(): string[] {
  const dir = join(import.meta.dirname, '..', '..', 'runbooks');
  const out = new Set<string>();
  const walk = (v: unknown, key = ''): void => {
    if (typeof v === 'string' && (key === 'mysql' || key === 'query') && classifyMysql(v).readOnly) out.add(v);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, k);
  };
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.yaml') && !f.endsWith('.cases.yaml'))) walk(load(readFileSync(join(dir, f), 'utf8')));
  return [...out];
}

const MARIADB: MysqlServer = { mariadb: true, version: 101106 };
const tokensSame = (a: string, b: string) => sameTokens(mysqlTokens(a) ?? [], mysqlTokens(b) ?? [TOKEN_NONE]);
const TOKEN_NONE = { kind: 'mark' as const, text: '' };

describe('MySQL/MariaDB: a proven read runs as the engine writes it from its own parse', () => {
  const builtins = builtinReads();

  it(`every generated spelling of a read is written as the same statement (${COUNT} spellings, seed ${SEED})`, () => {
    assert.ok(builtins.length >= 15, `the built-in runbooks' MySQL reads were found (${builtins.length})`);
    const bases = [...STEADY, ...builtins];
    const random = rng(SEED);
    let checked = 0;
    for (let n = 0; n < COUNT; n++) {
      const base = bases[n % bases.length]!;
      const text = spell(tokensOf(base), random);
      if (!classifyMysql(text).readOnly) continue; // a spelling one server version reads otherwise: not a read to prove
      checked++;
      for (const server of [MARIADB, { mariadb: false, version: 80036 }]) {
        const ours = regenerateMysql(base, server);
        assert.ok('text' in ours, `${base}: ${'error' in ours ? ours.error : ''}`);
        const theirs = regenerateMysql(text, server);
        assert.ok('text' in theirs, `${JSON.stringify(text)}: ${'error' in theirs ? theirs.error : ''}`);
        assert.ok(tokensSame(theirs.text, ours.text), `${JSON.stringify(text)}\n  written ${theirs.text}\n  from the base ${ours.text}`);
        assert.doesNotMatch(theirs.text, /\/\*|#|-- /, 'no comment of any kind is sent');
      }
    }
    // A run inside /*!50000 … */ is no code to a server before 5.0: the classifier reads that too, and some such
    // spellings are then no read at all.
    assert.ok(checked >= COUNT * 0.6, `most spellings are reads (${checked} of ${COUNT})`);
  });

  describe('on a real MariaDB', () => {
    let server: LabServer;
    let conn: mysql.Connection;
    /** The lab server as the engine sees it: its flavour and its version number. */
    let here: MysqlServer;
    before(async () => {
      server = await startMariadb();
      conn = await mysql.createConnection({ uri: server.adminUrl(), charset: 'utf8mb4' });
      await conn.query(PIN_SQL);
      const [v] = await conn.query('SELECT VERSION() AS v') as [{ v: string }[], unknown];
      here = { mariadb: true, version: mysqlVersionNumber(v[0]!.v) };
    });
    after(async () => {
      await conn?.end().catch(() => undefined);
      await server?.stop();
    });

    const rows = async (text: string): Promise<unknown[][] | Error> => {
      try {
        const [r] = await conn.query({ sql: text, rowsAsArray: true });
        return r as unknown[][];
      } catch (err) {
        return err as Error;
      }
    };

    it('the server as the oracle: where the author\'s text runs, the engine\'s text gives the same rows', async () => {
      const random = rng(SEED + 1);
      let compared = 0;
      let authorFailed = 0;
      for (let n = 0; n < Math.ceil(COUNT / 2); n++) {
        const text = spell(tokensOf(STEADY[n % STEADY.length]!), random);
        if (!classifyMysql(text).readOnly) continue;
        const ours = regenerateMysql(text, here);
        assert.ok('text' in ours, `${JSON.stringify(text)}: ${'error' in ours ? ours.error : ''}`);
        const mine = await rows(ours.text);
        assert.ok(!(mine instanceof Error), `${ours.text}: ${String(mine)}`);
        const author = await rows(text);
        if (author instanceof Error) { authorFailed++; continue; } // e.g. a comment before `(`: a stored function to the server
        assert.deepEqual(mine, author, `${JSON.stringify(text)} as ${ours.text}`);
        compared++;
      }
      assert.ok(compared >= COUNT / 4, `compared ${compared} (the author's text failed ${authorFailed} times)`);
    });

    it('generated literal forms: each is refused, or gives the server\'s rows', async () => {
      const random = rng(SEED + 2);
      let refused = 0;
      let same = 0;
      for (let n = 0; n < 1000; n++) {
        const form = literalForm(random);
        const lead = spell(tokensOf(random() < 0.5 ? 'SELECT 1 AS one ,' : 'SELECT'), random);
        const text = `${lead} ${form} ${spell(tokensOf('AS f'), random)}`;
        // Not proven (validate refuses it), or refused when the engine writes it: nothing of it runs as a read.
        if (!classifyMysql(text).readOnly) { refused++; continue; }
        const ours = regenerateMysql(text, here);
        if ('error' in ours) { refused++; continue; }
        const author = await rows(text);
        if (author instanceof Error) continue; // the server refuses the author's text: nothing of it ran
        assert.deepEqual(await rows(ours.text), author, `${JSON.stringify(text)} as ${ours.text}`);
        same++;
      }
      assert.ok(refused > 100 && same > 100, `refused ${refused}, the same rows ${same}`);
    });

    it('generated conditional comments (versions about the server\'s and MariaDB\'s 50700–99999 skip, quotes and */ inside): each is refused, or gives the server\'s rows', async () => {
      // MariaDB skips a plain /*!N for 50700 ≤ N ≤ 99999, and a skipped comment ends at its first */ whatever
      // the quotes: the engine read both otherwise until stop 66 (SELECT 1 /*!50700 + 1 */ was 2 through it, 1 here).
      const random = rng(SEED + 3);
      const pick = <T>(xs: T[]): T => xs[Math.floor(random() * xs.length)]!;
      const versions = ['', '40100', '50000', '50699', '50700', '57999', '80036', '99999', '100000', String(here.version), String(here.version + 1), '999999'];
      const pieces = [' + 1', ' , 2', " , 'a*/b'", " , 'x'", ' - 3', ' , "*/"', ' * 2', " , '/*'"];
      let refused = 0;
      let same = 0;
      let skippedHere = 0;
      for (let n = 0; n < 600; n++) {
        const open = `/*${random() < 0.3 ? 'M' : ''}!${pick(versions)}`;
        const body = Array.from({ length: 1 + Math.floor(random() * 2) }, () => pick(pieces)).join('');
        const text = `SELECT 1${pick([' ', ''])}${open}${body} */ AS x`;
        if (!classifyMysql(text).readOnly) { refused++; continue; }
        const ours = regenerateMysql(text, here);
        if ('error' in ours) { refused++; continue; }
        const author = await rows(text);
        if (author instanceof Error) continue; // the server refuses the author's text: nothing of it ran
        assert.deepEqual(await rows(ours.text), author, `${JSON.stringify(text)} as ${ours.text}`);
        if (/^\/\*!5[7-9]|^\/\*![6-9]\d{4}\b/.test(open)) skippedHere++;
        same++;
      }
      assert.ok(refused > 50 && same > 200 && skippedHere > 20, `refused ${refused}, the same rows ${same} (${skippedHere} MariaDB skips)`);
    });

    it('through the session: a spelling with a comment before ( runs as the engine\'s text, not as a stored function', async () => {
      // The database's own COUNT: the author's text reaches it, the engine's does not.
      await conn.query(`CREATE FUNCTION \`${server.database}\`.\`COUNT\`(a INT) RETURNS INT RETURN 4242`);
      const text = 'SELECT COUNT/* c */(1) AS n';
      const author = await rows(`USE \`${server.database}\``).then(() => rows(text));
      assert.deepEqual(author, [[4242]], 'the author\'s text calls the stored function');
      const session = await openSession(parseUrl(server.url()), { timeoutMs: 5000, signal: AbortSignal.timeout(10_000) });
      try {
        const r = await session.query(text, [], { readOnly: true, signal: new AbortController().signal });
        assert.deepEqual(r.rows, [{ n: 1 }]);
      } finally {
        await session.close();
      }
    });
  });
});
