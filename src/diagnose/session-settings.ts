// Layer session: what the server does to this login's sessions once they work (issue #48). A role's
// statement_timeout cancels the application's queries (57014) and an idle_session_timeout ends its pooled
// connections; neither is a connection failure, and neither shows in a login. So diagnose reads the settings
// the login gets and where they come from (role, database, account, or the whole server), and names them.
import type { Classification } from '../common/classification.js';
import type { ConnectionInfo } from '../db/url.js';
import { accountDefinition, accountOption } from './mysql-account.js';
import type { ProbeRunner } from './probe-runner.js';
import { spokenDuration as duration } from './spoken-duration.js';
import type { Check } from './types.js';

/** A statement limit below this cancels queries an application runs every day. */
const STATEMENT_MS = 1_000;
/** An idle limit below this ends connections a pool keeps idle (HikariCP's idleTimeout, PgBouncer's
 *  server_idle_timeout: 10 min). */
const IDLE_MS = 600_000;
/** An idle-in-transaction limit below this ends a transaction between two of its own statements. */
const IDLE_IN_TRANSACTION_MS = 5_000;

// reset_val: the value the login started with (role, database, server), not this check's own SET LOCAL. Where
// it was set: the most specific pg_db_role_setting row that holds it, as PostgreSQL applies them.
const PG_SETTINGS = `SELECT s.name, s.reset_val AS value, current_user AS role, pg_catalog.current_database() AS database,
  (SELECT CASE WHEN d.setrole <> 0 AND d.setdatabase <> 0 THEN 'role+database' WHEN d.setrole <> 0 THEN 'role' ELSE 'database' END
     FROM pg_catalog.pg_db_role_setting d, pg_catalog.unnest(d.setconfig) AS c(item)
    WHERE pg_catalog.split_part(c.item, '=', 1) = s.name
      AND d.setrole IN (0, (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = current_user))
      AND d.setdatabase IN (0, (SELECT b.oid FROM pg_catalog.pg_database b WHERE b.datname = pg_catalog.current_database()))
    ORDER BY d.setrole <> 0 AND d.setdatabase <> 0 DESC, d.setrole <> 0 DESC LIMIT 1) AS scope
  FROM pg_catalog.pg_settings s
  WHERE s.name IN ('statement_timeout', 'transaction_timeout', 'idle_session_timeout', 'idle_in_transaction_session_timeout')`;
// MariaDB: max_statement_time in seconds (0: none), the account's own (MAX_STATEMENT_TIME, in SHOW CREATE USER)
// or the global one; this check's own statement runs under its step limit (SET STATEMENT), so the session's value
// is not read. wait_timeout ends a non-interactive client's idle connection (seconds). MySQL has no
// max_statement_time: skipped there.
const MY_SETTINGS = 'SELECT @@global.max_statement_time AS global_statement_time, @@wait_timeout AS wait_timeout, CURRENT_USER() AS account';

/** One setting the login gets, in milliseconds, and where it was set ("role app in database app_db"). */
export interface SessionSetting { name: string; ms: number; scope: string }

export async function checkSessionSettings(info: ConnectionInfo, runner: ProbeRunner): Promise<Check> {
  const read = info.engine === 'postgres' ? await pgSettings(runner) : await mysqlSettings(runner);
  if ('error' in read) return { layer: 'session', status: 'skipped', summary: `could not read the session's limits: ${read.error}` };
  const found = judge(read.settings);
  const details = { settings: read.settings };
  const shown = read.settings.filter((s) => s.ms > 0).map((s) => `${s.name} ${duration(s.ms)} (${s.scope})`);
  if (!found) return { layer: 'session', status: 'ok', classification: 'ok', summary: shown.length ? `sessions are limited by ${shown.join(', ')}: none below what an application needs` : 'no statement or idle limit on this login\'s sessions', details };
  return { layer: 'session', status: 'warn', classification: found.classification, summary: `${found.classification}: ${found.why}`, details: { ...details, setting: found.setting } };
}

/** The first setting short enough to break an application, and what it does. */
function judge(settings: SessionSetting[]): { classification: Classification; why: string; setting: SessionSetting } | undefined {
  for (const s of settings) {
    if (s.ms <= 0) continue;
    const at = `${s.name} = ${duration(s.ms)} on ${s.scope}`;
    if ((s.name === 'statement_timeout' || s.name === 'max_statement_time') && s.ms < STATEMENT_MS) {
      return { classification: 'statement-timeout', setting: s, why: `not a connection problem: ${at}: the server cancels every statement that runs longer than ${duration(s.ms)}` };
    }
    if (s.name === 'transaction_timeout' && s.ms < STATEMENT_MS) {
      return { classification: 'session-timeout', setting: s, why: `not a connection problem: ${at}: the server ends the session of any transaction longer than ${duration(s.ms)}` };
    }
    if ((s.name === 'idle_session_timeout' || s.name === 'wait_timeout') && s.ms < IDLE_MS) {
      return { classification: 'session-timeout', setting: s, why: `not a connection problem: ${at}: the server ends a session idle for ${duration(s.ms)}, so a pool's idle connections fail when taken` };
    }
    if (s.name === 'idle_in_transaction_session_timeout' && s.ms < IDLE_IN_TRANSACTION_MS) {
      return { classification: 'session-timeout', setting: s, why: `not a connection problem: ${at}: the server ends a session idle in a transaction for ${duration(s.ms)}` };
    }
  }
  return undefined;
}

type Read = { settings: SessionSetting[] } | { error: string };

async function pgSettings(runner: ProbeRunner): Promise<Read> {
  const r = await runner.sql(PG_SETTINGS);
  if (r.status !== 'ok' || !r.rows) return { error: r.error ?? r.status };
  return { settings: r.rows.map((row) => ({ name: String(row.name), ms: Number(row.value), scope: pgScope(row) })) };
}

function pgScope(row: Record<string, unknown>): string {
  const role = `role ${String(row.role)}`;
  const database = `database ${String(row.database)}`;
  switch (row.scope) {
    case 'role+database': return `${role} in ${database} (ALTER ROLE … IN DATABASE … SET)`;
    case 'role': return `${role} (ALTER ROLE … SET)`;
    case 'database': return `${database} (ALTER DATABASE … SET)`;
    default: return "the server's configuration (postgresql.conf, ALTER SYSTEM) or the URL's options";
  }
}

async function mysqlSettings(runner: ProbeRunner): Promise<Read> {
  const r = await runner.sql(MY_SETTINGS);
  const row = r.rows?.[0];
  if (r.status !== 'ok' || !row) return { error: r.error ?? r.status };
  const own = accountOption(await accountDefinition(runner), 'MAX_STATEMENT_TIME');
  const server = 'the server (SET GLOBAL, my.cnf)';
  return {
    settings: [
      own > 0
        ? { name: 'max_statement_time', ms: Math.round(own * 1000), scope: `account ${String(row.account)} (MAX_STATEMENT_TIME)` }
        : { name: 'max_statement_time', ms: Math.round(Number(row.global_statement_time) * 1000), scope: server },
      { name: 'wait_timeout', ms: Math.round(Number(row.wait_timeout) * 1000), scope: server },
    ],
  };
}
