// One reading, by construction, on MySQL and MariaDB: sql_mode decides what a double quote (ANSI_QUOTES), a
// backslash (NO_BACKSLASH_ESCAPES), `||` (PIPES_AS_CONCAT), a space before `(` (IGNORE_SPACE) and whole grammars
// (ORACLE, MSSQL …) mean, and character_set_client how the bytes become characters (gbk, sjis, big5 and cp932
// hold a backslash inside multibyte characters). The classifier (language/sql/mysql-lexer.ts) reads text as a
// server with none of those modes and utf8mb4 would, and the gate shows a destructive step's text so. The session
// is set to exactly that before every step, and read back; `SET STATEMENT sql_mode=… FOR` cannot do it (the
// statement is parsed under the session's mode before the setting applies), so it is the session's own. See
// docs/confirmation.md.
import { PinRefusal } from './pin-refusal.js';
import { valuePinNames, valuePinSql, valueReadBackSql } from './mysql-value-pins.js';
import { variablesReadBackSql } from './mysql-session-variables.js';

/** The common defaults' strictness for what a write would do, and IGNORE_SPACE: without it the server reads a
 *  built-in's name followed by a space or a comment before `(` (`COUNT (1)`, `NOW/**\/()`) as a call of the current
 *  database's stored function of that name, where the classifier reads the built-in. With it, a built-in name is
 *  always the built-in (test/hardening/sql-mariadb-name-space.test.ts). No other mode that changes lexing. */
export const PINNED_SQL_MODE = 'IGNORE_SPACE,STRICT_TRANS_TABLES,ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION';
export const PINNED_CHARSET = 'utf8mb4';

/** No cap on the rows of a SELECT: `sql_select_limit` cuts every top-level SELECT a client sends, the engine's own
 *  questions about what a read opens included (a probe of stop 71: at 1, the relations question answered only its
 *  first table, and a FEDERATED table the read joined logged in to another server; the generated-columns question
 *  its first column, and a virtual DEFAULT over NEXTVAL crashed the server). A root's `SET GLOBAL` or a gated
 *  step's `SET SESSION` set it; the largest value is "none". */
export const NO_SELECT_LIMIT = '18446744073709551615';

export const PIN_SQL = `SET NAMES ${PINNED_CHARSET}, sql_mode = '${PINNED_SQL_MODE}', SESSION sql_select_limit = ${NO_SELECT_LIMIT}`;
export const READ_BACK_SQL = 'SELECT @@SESSION.sql_mode AS mode, @@SESSION.character_set_client AS charset, CAST(@@SESSION.sql_select_limit AS CHAR) AS select_limit';

/** A proven read's isolation level. Under SERIALIZABLE (a server's `SET GLOBAL tx_isolation`, or a destructive
 *  step's `SET SESSION TRANSACTION ISOLATION LEVEL` left on the reused connection) InnoDB turns every plain SELECT
 *  into a locking read: shared row locks that kept an application's UPDATE waiting for the whole read. Under
 *  REPEATABLE READ a plain SELECT is a consistent, non-locking read. Set for the session before every read (the
 *  server has no per-statement form that holds for `START TRANSACTION`), and read back. */
export const PINNED_ISOLATION = 'REPEATABLE-READ';
/** MariaDB names the level tx_isolation (transaction_isolation only from 11.1); MySQL 8 transaction_isolation
 *  (tx_isolation is gone). */
const isolationVariable = (mariadb: boolean): string => (mariadb ? 'tx_isolation' : 'transaction_isolation');

/** MariaDB reads a table's statistics from mysql.table_stats, column_stats and index_stats when it opens the table
 *  afresh (use_stat_tables, PREFERABLY_FOR_QUERIES by default): tables a read does not name, which an
 *  administrator can make FEDERATED (a probe of stop 70: a plain SELECT of the application's table, dry run, ran a
 *  function on another server's view and changed a global). A read plans without them (NEVER). MySQL has none. */
const STAT_TABLES = 'NEVER';

/** Before every read, one round trip: the dialect, the isolation level, (MariaDB) no statistics tables, and the
 *  settings that change a read's values (mysql-value-pins.ts). */
export const readPinSql = (mariadb: boolean): string =>
  `${PIN_SQL}, SESSION ${isolationVariable(mariadb)} = '${PINNED_ISOLATION}'${mariadb ? `, SESSION use_stat_tables = '${STAT_TABLES}'` : ''}${valuePinSql(mariadb)}`;
/** And one to read them back; `variables`: (MariaDB) and every session variable that differs from its default. */
export const readBackSql = (mariadb: boolean, variables = false): string =>
  `${READ_BACK_SQL}, @@SESSION.${isolationVariable(mariadb)} AS isolation${mariadb ? ', @@SESSION.use_stat_tables AS stats' : ''}${valueReadBackSql(mariadb)}${mariadb && variables ? variablesReadBackSql : ''}`;

/** What the read pin sets itself (SET NAMES sets the connection's character sets and collation), and reads back. */
export const readPinNames = (mariadb: boolean): ReadonlySet<string> => new Set([
  'sql_mode', 'character_set_client', 'character_set_connection', 'character_set_results', 'collation_connection',
  'sql_select_limit', isolationVariable(mariadb), ...(mariadb ? ['use_stat_tables'] : []), ...valuePinNames(mariadb),
]);

/** MariaDB: throws PinRefusal unless the session reads back use_stat_tables = NEVER. */
export function checkStatTables(row: { stats?: unknown } | undefined): void {
  const stats = String(row?.stats ?? '');
  if (stats.toUpperCase() !== STAT_TABLES) throw new PinRefusal(`use_stat_tables could not be set to ${STAT_TABLES} (the session has ${stats}), and the server would read mysql's statistics tables, which a read does not name: not run as a read`);
}

/** Throws PinRefusal unless the session reads back REPEATABLE READ. */
export function checkMysqlIsolation(row: { isolation?: unknown } | undefined): void {
  const level = String(row?.isolation ?? '');
  if (level.toUpperCase() !== PINNED_ISOLATION) throw new PinRefusal(`the session's isolation level could not be set to REPEATABLE READ (the session has ${level}), and under another a read may take row locks that keep the application's writes waiting: not run as a read`);
}

const modes = (s: string): string => s.split(',').filter(Boolean).sort().join(',');

type PinRow = { mode?: unknown; charset?: unknown; select_limit?: unknown } | undefined;

/** What the session reads back other than pinned; undefined when it reads back pinned. */
function unpinned(row: PinRow): string | undefined {
  const mode = String(row?.mode ?? '');
  if (modes(mode) !== modes(PINNED_SQL_MODE)) return `sql_mode could not be pinned to ${PINNED_SQL_MODE} (the session has ${mode})`;
  const charset = String(row?.charset ?? '');
  if (charset !== PINNED_CHARSET) return `character_set_client could not be pinned to ${PINNED_CHARSET} (the session has ${charset})`;
  const limit = String(row?.select_limit ?? '');
  if (limit !== NO_SELECT_LIMIT) return `sql_select_limit could not be lifted (the session has ${limit}), and the engine's questions about what a read opens would be answered in part`;
  return undefined;
}

/** Throws PinRefusal unless the session reads back pinned. */
export function checkMysqlPin(row: PinRow): void {
  const why = unpinned(row);
  if (why) throw new PinRefusal(`${why}: not run as a read`);
}

/** What a destructive step that is not run says: the gate showed its text as the pinned session reads it. */
const NOT_AS_SHOWN = 'not run: the server would not read the statement as the gate showed it';

/** Before a destructive step: throws unless the session reads back pinned. */
export function checkGatedPin(row: PinRow): void {
  const why = unpinned(row);
  if (why) throw new Error(`${why}: ${NOT_AS_SHOWN}`);
}

/** A server error while pinning (not a lost connection): the session cannot be pinned. */
export function mysqlPinFailed(err: unknown): unknown {
  const errno = serverErrno(err);
  if (errno === undefined) return err;
  return new PinRefusal(`the session's sql_mode could not be pinned for a read (${errno}: ${String((err as Error).message)}): not run as a read`);
}

/** The same, before a destructive step. */
export function gatedPinFailed(err: unknown): unknown {
  const errno = serverErrno(err);
  if (errno === undefined) return err;
  return new Error(`the session's sql_mode and character set could not be pinned (${errno}: ${String((err as Error).message)}): ${NOT_AS_SHOWN}`);
}

/** A server's error number; undefined for a client-side one (2000+: a lost connection) or none. */
function serverErrno(err: unknown): number | undefined {
  const errno = (err as { errno?: unknown }).errno;
  return typeof errno === 'number' && errno < 2000 ? errno : undefined;
}
