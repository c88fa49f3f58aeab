// The server side of a destructive SQL step, recorded before its statement is sent, so that a resume after a
// crash can ask the server whether that session still runs. It cannot commit (COMMIT is sent only after the
// result arrives; db/pg-session.ts), but while it runs it holds its locks, and a statement that is not
// transactional (DDL on MariaDB/MySQL commits on its own; VACUUM, a procedure's own COMMIT) goes on to its end:
// a second copy beside it is what "never twice" rules out.
import type { Session } from './session.js';

/** A server session as the transcript records it (the `step-session` line, without its step). */
export interface ServerSessionId {
  engine: 'postgres' | 'mysql' | 'mariadb';
  /** PostgreSQL backend pid; MySQL/MariaDB connection id. */
  backend: number;
  /** PostgreSQL: the backend's start (epoch seconds, as the server prints them); MySQL/MariaDB: the server's. */
  started: string;
  /** The server's own identity (as in target-identified): a session is only looked for on the same server. */
  server: string;
}

/** What the server says of a recorded session that still runs. */
export interface LiveSession { id: ServerSessionId; state: string; query: string }

/** MySQL and MariaDB give their start as now less uptime, in whole seconds: two asks may differ by one. */
const START_SLACK_S = 2;

/** The recorded sessions that still run on the server `session` is connected to (asked through it). */
export async function liveSessions(session: Session, recorded: ServerSessionId[], signal: AbortSignal): Promise<LiveSession[]> {
  const out: LiveSession[] = [];
  for (const id of recorded) {
    const live = session.flavour === 'postgres' ? await livePg(session, id, signal) : await liveMysql(session, id, signal);
    if (live) out.push(live);
  }
  return out;
}

async function livePg(session: Session, id: ServerSessionId, signal: AbortSignal): Promise<LiveSession | undefined> {
  const r = await session.query(
    // format(), not ::text: a cast to text is one a superuser can plant (issue #45).
    "SELECT state, pg_catalog.left(query, 120) AS query FROM pg_catalog.pg_stat_activity WHERE pid OPERATOR(pg_catalog.=) $1 AND pg_catalog.format('%s', extract(epoch FROM backend_start)) OPERATOR(pg_catalog.=) $2",
    [id.backend, id.started], { readOnly: true, signal });
  const row = r.rows[0];
  return row ? { id, state: String(row.state ?? '?'), query: String(row.query ?? '') } : undefined;
}

async function liveMysql(session: Session, id: ServerSessionId, signal: AbortSignal): Promise<LiveSession | undefined> {
  const now = await session.serverSession(signal);
  if (Math.abs(Number(now.started) - Number(id.started)) > START_SLACK_S) return undefined; // restarted since: gone
  const r = await session.query('SELECT COMMAND AS state, LEFT(INFO, 120) AS query FROM information_schema.PROCESSLIST WHERE ID = ?',
    [id.backend], { readOnly: true, signal });
  const row = r.rows[0];
  return row ? { id, state: String(row.state ?? '?'), query: String(row.query ?? '') } : undefined;
}

/** One line per session: "PostgreSQL backend 4711 (active: UPDATE acct SET …)". */
export function describeLive(live: LiveSession[]): string {
  const name = { postgres: 'PostgreSQL backend', mysql: 'MySQL connection', mariadb: 'MariaDB connection' };
  return live.map((l) => `${name[l.id.engine]} ${l.id.backend} (${l.state}${l.query ? `: ${oneLine(l.query)}` : ''})`).join(', ');
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, 80);
