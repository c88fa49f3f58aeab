// The connection limits that apply to this login, beside the server's: PostgreSQL's role and database
// CONNECTION LIMIT, MariaDB/MySQL's per-account MAX_USER_CONNECTIONS and the global max_user_connections.
// A server with free slots can still refuse this application every one (53300 "too many connections for
// role", 1203/1226), and diagnose's own session holds one of them while it looks.
import { accountDefinition, accountOption } from './mysql-account.js';
import type { ProbeRunner } from './probe-runner.js';

export interface LoginLimit { what: string; used: number; limit: number }

// Sessions of the role and of the database, against their limits (-1: none). This session is among them.
const PG_LIMITS = `SELECT r.rolconnlimit AS role_limit, d.datconnlimit AS db_limit, current_user AS role, current_database() AS db,
  (SELECT count(*)::int FROM pg_stat_activity a WHERE a.usename = current_user AND a.backend_type = 'client backend') AS role_used,
  (SELECT count(*)::int FROM pg_stat_activity a WHERE a.datname = current_database() AND a.backend_type = 'client backend') AS db_used
  FROM pg_roles r, pg_database d WHERE r.rolname = current_user AND d.datname = current_database()`;
// Without PROCESS, an account sees its own threads only: exactly the ones its limit counts.
const MY_OWN = `SELECT COUNT(*) AS used, CURRENT_USER() AS account, @@max_user_connections AS global_limit
  FROM information_schema.PROCESSLIST WHERE USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1)`;

export async function pgLoginLimits(runner: ProbeRunner): Promise<LoginLimit[]> {
  const row = (await runner.sql(PG_LIMITS)).rows?.[0];
  if (!row) return [];
  const limits: LoginLimit[] = [];
  if (Number(row.role_limit) >= 0) limits.push({ what: `role ${String(row.role)}'s CONNECTION LIMIT`, used: Number(row.role_used), limit: Number(row.role_limit) });
  if (Number(row.db_limit) >= 0) limits.push({ what: `database ${String(row.db)}'s CONNECTION LIMIT`, used: Number(row.db_used), limit: Number(row.db_limit) });
  return limits;
}

export async function mysqlLoginLimits(runner: ProbeRunner): Promise<LoginLimit[]> {
  const own = (await runner.sql(MY_OWN)).rows?.[0];
  if (!own) return [];
  const used = Number(own.used);
  const limits: LoginLimit[] = [];
  const account = accountOption(await accountDefinition(runner), 'MAX_USER_CONNECTIONS');
  // The account's own limit applies where set; the global one where it is not (0 means none).
  if (account > 0) limits.push({ what: `account ${String(own.account)}'s MAX_USER_CONNECTIONS`, used, limit: account });
  else if (Number(own.global_limit) > 0) limits.push({ what: 'max_user_connections (per account)', used, limit: Number(own.global_limit) });
  return limits;
}
