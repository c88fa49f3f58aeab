// MariaDB/MySQL's init_connect (probes of stop 68): statements the server runs at every login of an account
// without CONNECTION ADMIN, before the client sends anything, with the account's rights and those of a
// definer-rights routine they call. An owner's `CALL app_db.p()` there killed another session, raised
// max_connections and committed a row at each login of the engine: a proven read's, a dry run's. Nothing can ask
// before a login. After it, the session's own statement counter says what ran: `Questions` counts the statements
// of this session, init_connect's among them. What the engine sent is known, so any more ran at the login, whoever
// the account and whatever init_connect says now (one that erased itself, `SET GLOBAL init_connect = ''` at its
// end, said nothing by the time it was read; an account name with an '@' fooled a privilege lookup). Where they
// are not just the session's character set, time zone or SQL mode (which the pin sets again), the engine sends
// nothing more on that server in this run, nor logs in to it again as that account (refused-servers.ts).

const status = (table: string, name: string) => `(SELECT VARIABLE_VALUE FROM ${table} WHERE VARIABLE_NAME = '${name}')`;
/** The session's first question: the server's version, init_connect as it is now, and the session's statements so far. */
export const INIT_CONNECT_SQL = `SELECT VERSION() AS version, @@GLOBAL.init_connect AS init_connect, ${status('information_schema.SESSION_STATUS', 'QUESTIONS')} AS questions`;
/** The same on MySQL 8, which keeps session status in performance_schema only (asked after the first failed). */
export const INIT_CONNECT_SQL_MYSQL = `SELECT VERSION() AS version, @@GLOBAL.init_connect AS init_connect, ${status('performance_schema.session_status', 'Questions')} AS questions`;

// What an init_connect may say and still be only the session's character set, time zone or SQL mode:
// `SET NAMES utf8mb4`, `SET time_zone = '+00:00'` (an offset: a named zone opens mysql.time_zone*, whatever their
// engine). Nothing else is read.
const NAME = `'?[A-Za-z0-9_]+'?`;
const SESSION = `(?:SESSION\\s+|@@(?:SESSION\\.)?)?`;
const SETTING = new RegExp(`^SET\\s+(?:NAMES\\s+${NAME}(?:\\s+COLLATE\\s+${NAME})?`
  + `|${SESSION}(?:character_set_client|character_set_connection|character_set_results|collation_connection|sql_mode)\\s*=\\s*'[^'\\\\;]*'`
  + `|${SESSION}time_zone\\s*=\\s*'(?:SYSTEM|[+-]\\d{1,2}:\\d{2})')$`, 'i');

/**
 * Why the engine sends nothing on a server whose init_connect ran at this login; undefined when nothing did, or
 * only settings. `sent`: the statements this session sent so far, this question included.
 */
export function initConnectRefusal(row: { init_connect?: unknown; questions?: unknown } | undefined, sent: number): string | undefined {
  const text = String(row?.init_connect ?? '').trim();
  const statements = text.split(';').map((s) => s.trim()).filter(Boolean);
  const counted = row?.questions === null || row?.questions === undefined ? undefined : Number(row.questions);
  // A server that does not count: what init_connect says now is all there is to go by.
  const ran = counted === undefined || !Number.isFinite(counted) ? (statements.length ? statements.length : 0) : counted - sent;
  if (ran <= 0) return undefined;
  if (ran === statements.length && statements.every((s) => SETTING.test(s))) return undefined;
  const now = text ? `'${text.length > 80 ? `${text.slice(0, 79)}…` : text}'` : 'empty now: it changed itself';
  return `the server ran ${ran} statement${ran === 1 ? '' : 's'} of init_connect (${now}) when the engine logged in, with that account's rights, `
    + 'as at every login of the application: the engine sends nothing more on this server (not even a read, nor in a dry run); '
    + 'clear init_connect, or connect as an account with CONNECTION ADMIN, which skips it';
}
