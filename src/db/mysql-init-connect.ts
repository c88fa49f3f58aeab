// MariaDB/MySQL's init_connect (a probe of stop 68): a statement the server runs at every login of an account
// without CONNECTION ADMIN (SUPER before MariaDB 10.5.2 and MySQL 8; only CONNECTION ADMIN counts here, as
// SUPER no longer implies it from MariaDB 11.0), before the client sends anything, with the account's rights and those of a
// definer-rights routine it calls. An owner set `init_connect = 'CALL app_db.p()'`, whose procedure killed another
// session, raised max_connections and committed a row at each login of the engine: a proven read's, the dry run's
// of pool-exhausted (three logins), diagnose's. Nothing before the login can ask about it. So after the login the
// session asks, in the same round trip as the server's version, and when it ran (the account does not skip it)
// and is not one of the settings below, the engine sends nothing more on that server in this run, not even a read
// nor in a dry run, and later logins to it are refused before they connect (refused-servers.ts).

/** The session's first question: the server's version, init_connect, and whether this account skips it. */
export const INIT_CONNECT_SQL = `SELECT VERSION() AS version, @@GLOBAL.init_connect AS init_connect,
  (SELECT COUNT(*) FROM information_schema.USER_PRIVILEGES
    WHERE GRANTEE = CONCAT('''', SUBSTRING_INDEX(CURRENT_USER(), '@', 1), '''@''', SUBSTRING_INDEX(CURRENT_USER(), '@', -1), '''')
      AND PRIVILEGE_TYPE IN ('CONNECTION ADMIN', 'CONNECTION_ADMIN')) AS skips`;

// What an init_connect may say and still be only the session's character set, time zone or SQL mode (which the
// engine pins again right after): `SET NAMES utf8mb4`, `SET time_zone = '+00:00'`. Nothing else is read.
const NAME = `'?[A-Za-z0-9_]+'?`;
const SETTING = new RegExp(`^SET\\s+(?:NAMES\\s+${NAME}(?:\\s+COLLATE\\s+${NAME})?|(?:SESSION\\s+|@@(?:SESSION\\.)?)?`
  + `(?:character_set_client|character_set_connection|character_set_results|collation_connection|time_zone|sql_mode)\\s*=\\s*'[^'\\\\;]*')$`, 'i');

/** Why the engine sends nothing on a server whose init_connect ran at this login; undefined when none ran. */
export function initConnectRefusal(row: { init_connect?: unknown; skips?: unknown } | undefined): string | undefined {
  const text = String(row?.init_connect ?? '').trim();
  if (!text || Number(row?.skips) > 0) return undefined;
  if (text.split(';').map((s) => s.trim()).filter(Boolean).every((s) => SETTING.test(s))) return undefined;
  const shown = text.length > 80 ? `${text.slice(0, 79)}…` : text;
  return `the server runs init_connect ('${shown}') at every login of an account without CONNECTION ADMIN, with that account's rights: `
    + 'it ran when the engine logged in, as at every login of the application, so the engine sends nothing more on this server '
    + '(not even a read, nor in a dry run); clear init_connect, or connect as an account that skips it';
}
