// A probe of stop 73: on MariaDB a gated step's `SET sql_mode = 'NO_BACKSLASH_ESCAPES'` held for the next gated
// step, whose gate showed an UPDATE of note 1 while the server, reading `\'` as a backslash and a closing quote,
// ran it with the rest commented out: every note changed. `SET NAMES binary` did the same through mysql2, which
// follows the character_set_client the server reports and then encoded Ч (U+0427) as 0x27, a quote. The gate shows
// the text as the engine reads it (utf8mb4, no lexing modes); every destructive step now runs after the session is
// set back to that, read back, and mysql2's encoder set back to UTF-8 (also where the server stopped reporting).
// Generated: each setting a gated step may leave (sql_mode, SET NAMES with and without the server reporting it),
// then gated UPDATEs, each of one row, whose reading that setting would change; the rows are checked on the server.
// And mysql2 left writing latin1 on a session that no longer reports (a raw connection: the engine's pin is reported
// while tracking is on) writes UTF-8 again after writeUtf8.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import mysql from 'mysql2/promise';
import { writeUtf8 } from '../../src/db/mysql-encoder.js';
import { adminQuery } from '../db/helpers.js';
import { rng } from '../helpers/rng.js';
import { cli, scratch, writeRunbook } from './helpers.js';

const MODES = ['NO_BACKSLASH_ESCAPES', 'ANSI_QUOTES', 'PIPES_AS_CONCAT', 'ANSI', 'ORACLE'];
const CHARSETS = ['binary', 'latin1', 'sjis', 'big5', 'gbk'];

/** What a gated step leaves on the session. Reported, mysql2 follows the charset the server reads (and writes what
 *  the charset lacks as `?`); `untracked`, the server stops reporting character_set_client first, and mysql2 writes
 *  UTF-8 that the server reads as another charset. */
const SETTINGS: { name: string; set: string }[] = [
  ...MODES.map((m) => ({ name: `sql_mode ${m}`, set: `SET sql_mode = '${m}'` })),
  ...CHARSETS.flatMap((c) => [
    { name: `SET NAMES ${c}`, set: `SET NAMES ${c}` },
    { name: `SET NAMES ${c}, untracked`, set: `SET session_track_system_variables = '', NAMES ${c}` },
  ]),
];

/** Characters before `\'`: their code point's low byte a quote or a backslash (what a latin1 or binary encoder
 *  keeps), or their UTF-8 ending in a byte that sjis, big5 or gbk reads as the first of two (it eats the backslash). */
function characters(seed: number, n: number): string[] {
  const next = rng(seed);
  const pick = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const lowByte = () => String.fromCodePoint(pick(0x01, 0x9f) * 0x100 + (next() < 0.5 ? 0x27 : 0x5c));
  const twoBytes = () => String.fromCodePoint(pick(0x80, 0x7ff));
  const cjk = () => String.fromCodePoint(pick(0x4e00, 0x9fff));
  return ['Ч', 'ħ', 'Ŝ', 'Á', '吧', 'ا', ...Array.from({ length: n }, (_, i) => [lowByte, twoBytes, cjk][i % 3]!())];
}

/** Gated UPDATEs of one row each: the text, and the body that row gets as the gate reads the text. */
function updates(chars: string[]): { query: (id: number) => string; body: string }[] {
  return [
    ...chars.map((c) => ({ query: (id: number) => String.raw`UPDATE notes SET body = 'fixed ${c}\' -- ' WHERE id = ${id}`, body: `fixed ${c}' -- ` })),
    { query: (id: number) => `UPDATE notes SET body = 'quoted' WHERE id = ${id} OR "body" <> 'body'`, body: 'quoted' },
    { query: (id: number) => `UPDATE notes SET body = 'piped' WHERE id = ${id} OR (1 || 0) = 10`, body: 'piped' },
  ];
}

describe('MariaDB: what a gated step left on the session does not change what the next gated step runs', () => {
  let server: LabServer;
  const table = () => `\`${server.database}\`.notes`;
  before(async () => {
    server = await startMariadb();
    await adminQuery(server, `CREATE TABLE ${table()} (id INT PRIMARY KEY, body VARCHAR(100)) CHARACTER SET utf8mb4`);
  });
  after(() => server?.stop());

  for (const [seed, setting] of SETTINGS.entries()) {
    it(`${setting.name}: each UPDATE after it changes its own row, to what the gate showed`, async (t) => {
      const steps = updates(characters(seed + 73, 6));
      await adminQuery(server, `DELETE FROM ${table()}`);
      for (let id = 1; id <= steps.length + 1; id++) await adminQuery(server, `INSERT INTO ${table()} VALUES (?, ?)`, [id, `note ${id}`]);
      const step = (id: string, query: string) => [`  - id: ${id}`, '    destructive: true', `    sql: { query: ${JSON.stringify(query)} }`];
      const file = writeRunbook(scratch(t), 'left', [
        'name: left', 'title: A setting, then an update, each time', 'connections:', `  db: { url: ${JSON.stringify(server.url())} }`, 'steps:',
        ...steps.flatMap((u, i) => [...step(`set-${i}`, setting.set), ...step(`update-${i}`, u.query(i + 1))]),
        '  - { id: done, end: resolved }', ''].join('\n'));
      const r = await cli(['run', file, '--plain', '--no-transcript', '--yes']);
      const out = r.stdout + r.stderr;
      const rows = await adminQuery(server, `SELECT id, body FROM ${table()} ORDER BY id`);
      const expected = [...steps.map((u, i) => ({ id: i + 1, body: u.body })), { id: steps.length + 1, body: `note ${steps.length + 1}` }];
      assert.deepEqual(rows, expected, out);
      assert.equal(r.code, 0, out);
    });
  }

  it('mysql2 left writing latin1 where the server no longer reports: writeUtf8 makes it write UTF-8', async () => {
    const conn = await mysql.createConnection({ uri: server.url(), charset: 'utf8mb4' });
    try {
      await conn.query('SET NAMES latin1'); // reported: mysql2 writes latin1 from here
      await conn.query("SET session_track_system_variables = ''");
      await conn.query('SET NAMES utf8mb4'); // not reported: the server reads UTF-8, mysql2 still writes latin1
      writeUtf8(conn);
      const [rows] = await conn.query("SELECT 'fixed Ч' AS body, @@character_set_client AS cs");
      assert.deepEqual(rows, [{ body: 'fixed Ч', cs: 'utf8mb4' }]);
    } finally {
      await conn.end();
    }
  });
});
