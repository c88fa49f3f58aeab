// Where a MySQL/MariaDB `--` comment starts, as the server decides it: only before an ASCII space or control
// character. The classifier's lexer also took JavaScript's \s (U+00A0, U+2028, U+3000, U+FEFF, …), so in
// `SELECT 1 --<U+00A0>, GET_LOCK('app', 0)` it hid what the server ran: the step validated as a read and the
// server took the application's named lock for the session, which the read-only statement does not stop.
// Differential over every character the two could disagree on, asked of the lab's MariaDB with the pinned
// session settings; then the named case, shown taking the lock through a plain connection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import mysql from 'mysql2/promise';
import { startMariadb, type LabServer } from '../../src/lab/index.js';
import { PIN_SQL } from '../../src/db/mysql-pin.js';
import { lexMysql } from '../../src/language/sql/mysql-lexer.js';
import { classifySql } from '../../src/language/sql/index.js';

/** ASCII (but quotes and what starts another comment), every character JavaScript's \s takes, and a few others. */
const CHARS = [
  ...Array.from({ length: 0x80 }, (_, c) => String.fromCharCode(c)).filter((c) => !`'"\`*/#\n\0`.includes(c)),
  ...Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).filter((c) => c.charCodeAt(0) > 0x7f && /\s/.test(c)),
  '\u0085', '\u200b', '\u00ad', '\u2060', '\u180e',
];

describe('MariaDB: a -- comment starts where the server starts it', () => {
  let server: LabServer;
  let conn: mysql.Connection;
  before(async () => {
    server = await startMariadb();
    conn = await mysql.createConnection({ uri: server.adminUrl(), charset: 'utf8mb4' });
    await conn.query(PIN_SQL);
  });
  after(async () => {
    await conn?.end().catch(() => undefined);
    await server?.stop();
  });

  it('for every character after --, the lexer keeps the rest of the line as code whenever the server runs it', async () => {
    let serverCode = 0;
    for (const c of CHARS) {
      const text = `SELECT 1 --${c}, 42 AS hidden\nFROM (SELECT 1 AS \`${c}\`) t`; // ${c} a column when it is no comment
      let ran: boolean;
      try {
        const [, fields] = await conn.query(text) as [unknown, mysql.FieldPacket[]];
        ran = fields.some((f) => f.name === 'hidden');
      } catch {
        continue; // the server refused the text: nothing of it ran
      }
      if (ran) serverCode++;
      const seen = lexMysql(text).statements.join(';').includes('42 AS hidden');
      assert.equal(seen, ran, `U+${c.charCodeAt(0).toString(16).padStart(4, '0')}: the server ${ran ? 'runs' : 'skips'} the rest of the line, the lexer ${seen ? 'reads' : 'skips'} it`);
    }
    assert.ok(serverCode >= 10, `the server read the rest as code after ${serverCode} characters (the corpus is real)`);
  });

  it('the named case: the server takes the lock; the classifier no longer calls the text a read', async () => {
    const text = "SELECT 1 --\u00a0, GET_LOCK('runbook_probe_app', 0) AS hidden\nFROM (SELECT 1 AS `\u00a0`) t";
    const other = await mysql.createConnection({ uri: server.adminUrl() });
    try {
      await conn.query(text);
      const [rows] = await other.query("SELECT IS_USED_LOCK('runbook_probe_app') AS holder") as [Array<{ holder: unknown }>, unknown];
      assert.notEqual(rows[0]!.holder, null, 'the hidden GET_LOCK ran');
      await conn.query("SELECT RELEASE_LOCK('runbook_probe_app')");
    } finally {
      await other.end();
    }
    assert.equal(classifySql(text, 'mysql').readOnly, false);
  });
});
