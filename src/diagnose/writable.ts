// Layer 6, writable: a login that works can still reach a server that takes no writes: a standby the
// application's URL points at after a failover, or read-only set on the server, database or role. A
// connect alone never shows it (the application's first write does), so diagnose asks the server.
import type { ConnectionInfo } from '../db/url.js';
import type { ProbeRunner } from './probe-runner.js';
import type { Check } from './types.js';

// default_transaction_read_only, not transaction_read_only: this session is the runbook's own READ ONLY one.
const PG_WRITABLE = `SELECT pg_is_in_recovery() AS in_recovery, current_setting('default_transaction_read_only') AS read_only`;
// Both servers answer this; MySQL adds super_read_only. innodb_read_only is a whole read-only instance. The global
// tx_read_only (transaction_read_only on MariaDB 11.1+ and MySQL 8) is every new session's default: the
// application's writes fail with 1792 while read_only is off (a probe of stop 71: the read-only runbook ended
// resolved so).
const MY_WRITABLE = `SHOW GLOBAL VARIABLES WHERE Variable_name IN ('read_only', 'super_read_only', 'innodb_read_only', 'tx_read_only', 'transaction_read_only')`;

export async function checkWritable(info: ConnectionInfo, runner: ProbeRunner): Promise<Check> {
  const r = await runner.sql(info.engine === 'postgres' ? PG_WRITABLE : MY_WRITABLE);
  if (r.status !== 'ok' || !r.rows) return { layer: 'writable', status: 'skipped', summary: `could not ask whether the server takes writes: ${r.error ?? r.status}` };
  const why = info.engine === 'postgres' ? pgReadOnly(r.rows[0] ?? {}) : mysqlReadOnly(r.rows);
  if (!why) return { layer: 'writable', status: 'ok', classification: 'ok', summary: 'the server takes writes (not a standby, not read-only)' };
  return { layer: 'writable', status: 'failed', classification: 'read-only-server', summary: `read-only-server: ${why}`, details: { reason: why } };
}

function pgReadOnly(row: Record<string, unknown>): string | undefined {
  if (row.in_recovery === true) return 'the server is a standby in recovery (pg_is_in_recovery() is true): writes fail with 25006';
  if (row.read_only === 'on') return 'default_transaction_read_only is on for this database or role: writes fail with 25006';
  return undefined;
}

function mysqlReadOnly(rows: Record<string, unknown>[]): string | undefined {
  const on = rows.filter((r) => /^(ON|1)$/i.test(String(r.Value ?? r.VALUE))).map((r) => String(r.Variable_name ?? r.VARIABLE_NAME));
  return on.length ? `${on.join(', ')} ${on.length > 1 ? 'are' : 'is'} ON: writes fail with 1290 (1836 for innodb_read_only, 1792 for a read-only transaction)` : undefined;
}
