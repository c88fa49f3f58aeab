// Layer 7, pool: connections in use against what applications may have. Only asked once a login works.
import type { ConnectionInfo } from '../db/url.js';
import type { ProbeRunner } from './probe-runner.js';
import type { Check } from './types.js';
import { mysqlLoginLimits, pgLoginLimits } from './login-limits.js';

const PRESSURE_PERCENT = 90;

/** A setting as a number through int4's own input function: a text-to-int cast is one a superuser can plant
 *  (CREATE CAST (text AS integer) WITH FUNCTION …, issue #45). */
const int = (setting: string, missingOk = false) =>
  `pg_catalog.int4in(pg_catalog.textout(pg_catalog.current_setting('${setting}'${missingOk ? ', true' : ''})))`;
const PG_USAGE = `SELECT pg_catalog.count(*)::pg_catalog.int4 AS used, ${int('max_connections')} AS max,
  ${int('max_connections')} OPERATOR(pg_catalog.-) ${int('superuser_reserved_connections')}
    OPERATOR(pg_catalog.-) coalesce(${int('reserved_connections', true)}, 0) AS usable
  FROM pg_catalog.pg_stat_activity WHERE backend_type OPERATOR(pg_catalog.=) 'client backend'`;
// Threads_connected is global and needs no PROCESS privilege, unlike counting the processlist.
const MY_USED = `SHOW GLOBAL STATUS LIKE 'Threads_connected'`;
const MY_MAX = 'SELECT @@max_connections AS max, @@max_user_connections AS max_per_user';

export async function checkHeadroom(info: ConnectionInfo, runner: ProbeRunner): Promise<Check> {
  const usage = info.engine === 'postgres' ? await pgUsage(runner) : await mysqlUsage(runner);
  if ('error' in usage) return { layer: 'pool', status: 'skipped', summary: `could not read connection usage: ${usage.error}` };
  const { used, usable, max } = usage;
  const pct = usable > 0 ? Math.round((100 * used) / usable) : 100;
  const logins = info.engine === 'postgres' ? await pgLoginLimits(runner) : await mysqlLoginLimits(runner);
  const details = { used, max, usable, percent: pct, loginLimits: logins };
  const server = `${used} of ${usable} usable connections in use (max_connections ${max})`;
  const own = logins.map((l) => `${l.used} of ${l.limit} for ${l.what}`);
  const summary = [server, ...own].join('; ') + (own.length ? ' (counting this check\'s own session)' : '');
  // The tightest limit decides: a login limit with one slot left is full once the application reconnects.
  const tight = pct >= PRESSURE_PERCENT || logins.some((l) => l.used >= l.limit || l.limit - l.used <= 1 || (100 * l.used) / l.limit >= PRESSURE_PERCENT);
  if (tight) return { layer: 'pool', status: 'warn', classification: 'ok', summary: `${summary}: nearly full`, details };
  return { layer: 'pool', status: 'ok', classification: 'ok', summary, details };
}

type Usage = { used: number; max: number; usable: number } | { error: string };

async function pgUsage(runner: ProbeRunner): Promise<Usage> {
  const r = await runner.sql(PG_USAGE);
  const row = r.rows?.[0];
  if (r.status !== 'ok' || !row) return { error: r.error ?? 'no rows' };
  return { used: Number(row.used), max: Number(row.max), usable: Number(row.usable) };
}

async function mysqlUsage(runner: ProbeRunner): Promise<Usage> {
  const [used, max] = [await runner.sql(MY_USED), await runner.sql(MY_MAX)];
  const usedRow = used.rows?.[0];
  const maxRow = max.rows?.[0];
  if (used.status !== 'ok' || !usedRow) return { error: used.error ?? 'no rows' };
  if (max.status !== 'ok' || !maxRow) return { error: max.error ?? 'no rows' };
  const limit = Number(maxRow.max);
  return { used: Number(usedRow.Value ?? usedRow.VALUE), max: limit, usable: limit };
}
