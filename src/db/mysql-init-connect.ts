// MariaDB/MySQL's init_connect (probes of stop 68): statements the server runs at every login of an account
// without CONNECTION ADMIN, before the client sends anything, with the account's rights and those of a
// definer-rights routine they call. An owner's `CALL app_db.p()` there killed another session, raised
// max_connections and committed a row at each login of the engine: a proven read's, a dry run's. Nothing can ask
// before a login. After it, the session's own counters say what ran: `Questions` counts its statements and `Com_*`
// each kind (the CALL, and what the procedure ran), init_connect's among them, and what the engine sent is known.
// So whoever the account, and whatever init_connect says by then (probes: an account named 'ops@app' fooled a
// privilege lookup; a procedure erased init_connect, or rewrote it to SET NAMES, as it ran), anything more ran at
// the login; a FLUSH STATUS since the engine began to connect leaves nothing to tell, and counts the same. Where
// what ran is more than the session's character set, SQL mode or a time zone offset (which the pin sets again),
// the engine sends nothing more on that server in this run, nor logs in to it again as that account
// (refused-servers.ts).

const status = (table: string, name: string) => `(SELECT VARIABLE_VALUE FROM ${table} WHERE UPPER(VARIABLE_NAME) = '${name}')`;
/** The session's first question: the server's version, init_connect as it is now, the session's statements so far
 *  (all of them, the SETs and SELECTs, every other kind summed), and when the status counters were last reset. */
const question = (session: string, global: string) => `SELECT VERSION() AS version, @@GLOBAL.init_connect AS init_connect,
  ${status(session, 'QUESTIONS')} AS questions, ${status(session, 'COM_SET_OPTION')} AS sets, ${status(session, 'COM_SELECT')} AS selects,
  (SELECT SUM(VARIABLE_VALUE) FROM ${session} WHERE UPPER(VARIABLE_NAME) LIKE 'COM!_%' ESCAPE '!' AND UPPER(VARIABLE_NAME) NOT IN ('COM_SET_OPTION', 'COM_SELECT')) AS others,
  ${status(global, 'UPTIME_SINCE_FLUSH_STATUS')} AS since_flush, ${status(global, 'UPTIME')} AS uptime`;
export const INIT_CONNECT_SQL = question('information_schema.SESSION_STATUS', 'information_schema.GLOBAL_STATUS');
/** The same on MySQL 8, which keeps status in performance_schema only (asked after the first failed). */
export const INIT_CONNECT_SQL_MYSQL = question('performance_schema.session_status', 'performance_schema.global_status');

// What an init_connect may say and still be only the session's character set, time zone or SQL mode:
// `SET NAMES utf8mb4`, `SET time_zone = '+00:00'` (an offset: a named zone opens mysql.time_zone*, whatever their
// engine). Nothing else is read.
const NAME = `'?[A-Za-z0-9_]+'?`;
const SESSION = `(?:SESSION\\s+|@@(?:SESSION\\.)?)?`;
const SETTING = new RegExp(`^SET\\s+(?:NAMES\\s+${NAME}(?:\\s+COLLATE\\s+${NAME})?`
  + `|${SESSION}(?:character_set_client|character_set_connection|character_set_results|collation_connection|sql_mode)\\s*=\\s*'[^'\\\\;]*'`
  + `|${SESSION}time_zone\\s*=\\s*'(?:SYSTEM|[+-]\\d{1,2}:\\d{2})')$`, 'i');

export interface FirstAnswer { init_connect?: unknown; questions?: unknown; sets?: unknown; selects?: unknown; others?: unknown; since_flush?: unknown; uptime?: unknown }

const num = (v: unknown): number | undefined => (v === null || v === undefined || !Number.isFinite(Number(v)) ? undefined : Number(v));

/**
 * Why the engine sends nothing on a server whose init_connect ran at this login; undefined when nothing did, or
 * only settings. `sent`: the statements this session sent so far, this question included (one SET, then SELECTs);
 * `elapsedS`: seconds since the engine began to connect.
 */
export function initConnectRefusal(row: FirstAnswer | undefined, sent: number, elapsedS: number): string | undefined {
  const text = String(row?.init_connect ?? '').trim();
  const statements = text.split(';').map((s) => s.trim()).filter(Boolean);
  const settings = statements.every((s) => SETTING.test(s));
  const [questions, sets, selects, others, sinceFlush, uptime] = [row?.questions, row?.sets, row?.selects, row?.others, row?.since_flush, row?.uptime].map(num);
  // FLUSH STATUS (in a procedure init_connect called) zeroes the counters below: a reset since the engine began
  // to connect leaves nothing to tell what ran (a probe of stop 68).
  if (sinceFlush !== undefined && uptime !== undefined && uptime - sinceFlush >= 1 && sinceFlush <= elapsedS + 1) {
    return refusal('the server\'s status counters were reset (FLUSH STATUS) while the engine logged in, so what ran at the login cannot be told', text);
  }
  if (questions === undefined || sets === undefined || selects === undefined || others === undefined) {
    // Unknown is not nothing: a procedure init_connect called made the session's status question fail
    // (tmp_memory_table_size = 0: information_schema copies it into a temporary table) and rewrote init_connect
    // to a SET, and the fallback's performance_schema, off on MariaDB, answered NULL (a probe of stop 70). What
    // ran at the login cannot be told, whatever init_connect says now.
    return refusal('the server did not say how many statements this session ran at its login (its status could not be read, or it keeps none), so what init_connect ran cannot be told', text);
  }
  const ran = questions - sent;
  const extraSets = Math.max(0, sets - 1);
  const extraSelects = Math.max(0, selects - (sent - 1));
  if (ran <= 0 && extraSets === 0 && extraSelects === 0 && others === 0) return undefined;
  // Settings only: as many SETs as init_connect now says, and nothing else (a procedure that rewrote it to a SET
  // as it ran counted as a CALL and what the CALL ran).
  if (others === 0 && extraSelects === 0 && extraSets === ran && ran === statements.length && settings) return undefined;
  return refusal(`the server ran ${Math.max(ran, 1)} statement${ran > 1 ? 's' : ''} of init_connect when the engine logged in`, text);
}

function refusal(what: string, text: string): string {
  const now = text ? `'${text.length > 80 ? `${text.slice(0, 79)}…` : text}'` : 'empty now: it changed itself';
  return `${what} (init_connect: ${now}), with that account's rights, as at every login of the application: `
    + 'the engine sends nothing more on this server (not even a read, nor in a dry run); '
    + 'clear init_connect, or connect as an account with CONNECTION ADMIN, which skips it';
}
