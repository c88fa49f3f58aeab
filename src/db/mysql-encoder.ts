// mysql2 writes a statement's text in the character set the server last reported for character_set_client (session
// tracking, after a SET NAMES), and keeps it where the server stops reporting (a session's
// session_track_system_variables = ''). A gated step's `SET NAMES binary` made it write Ч (U+0427) as 0x27, a
// quote, in the next gated step (a probe of stop 73). The pin sets the server's reading back to utf8mb4, read back,
// and a server that still reports says so to mysql2 too; this sets mysql2's writing to match whatever it last
// heard, so that the two readers agree by construction rather than by what the server chose to report.
import mysql from 'mysql2';
import type { Connection as PromiseConnection } from 'mysql2/promise';

type Core = { config: { charsetNumber: number } };

/** After the session reads back utf8mb4: mysql2 writes the next statements in UTF-8 (what mysqlConfig logs in with). */
export function writeUtf8(conn: PromiseConnection): void {
  const core = (conn as unknown as { connection: Core }).connection;
  core.config.charsetNumber = mysql.Charsets.UTF8MB4;
  // Read here: the same table mysql2's Query and Execute packets encode by.
  if (mysql.CharsetToEncoding[core.config.charsetNumber] !== 'utf8') throw new Error('mysql2 would not write the statement in UTF-8');
}
