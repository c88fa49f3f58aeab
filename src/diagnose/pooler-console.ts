// The pooler's own side (issue #48): a client whose first query waits behind PgBouncer is either in a full pool or
// at a database PgBouncer holds PAUSEd. The login and the wait look the same; only the pooler's console tells
// them apart (SHOW DATABASES' paused column, SHOW POOLS' waiting clients). Diagnose asks it with the URL's own
// credentials, which it answers for users in admin_users or stats_users; otherwise the finding says what it could
// not see, instead of advising a bigger pool.
import { lookupError } from '../db/errors/table.js';
import { CLIENT_LOGIN_TIMEOUT } from '../db/errors/clients.js';
import type { StepResult } from '../executors/types.js';
import type { Redactor } from '../secrets/redactor.js';
import { ProbeRunner } from './probe-runner.js';
import type { Check } from './types.js';

/** The URL with the console's database (pgbouncer), the same user and password; undefined if not a URL. */
function consoleUrl(url: string): string | undefined {
  try {
    const u = new URL(url);
    u.pathname = '/pgbouncer';
    return u.toString();
  } catch {
    return undefined;
  }
}

/** The login ended at PgBouncer's own client_login_timeout, read by the error table's row (a PAUSE ends a held
 *  login with it too, so the console is asked as for a wait). */
export function poolerLoginTimedOut(login: StepResult): boolean {
  return lookupError({ code: login.details?.sqlState, message: login.error })?.name === CLIENT_LOGIN_TIMEOUT;
}

/** The login check of a pooler-wait-timeout, told paused (database-closed) or full from the console. */
export async function withPoolerConsole(login: Check, url: string, database: string, timeoutMs: number, redactor: Redactor): Promise<Check> {
  const at = consoleUrl(url);
  if (!at) return login;
  const runner = new ProbeRunner(at, timeoutMs, redactor);
  try {
    const dbs = await runner.sql('SHOW DATABASES');
    // Unreadable: the finding (waitedFinding) says what the port's quick answer means; the summary, what was not seen.
    if (dbs.status !== 'ok' || !dbs.rows) {
      return { ...login, details: { ...login.details, poolerConsole: 'unreadable' },
        summary: `${login.summary}. PgBouncer's console did not answer this user (${dbs.error ?? dbs.status}): a database it holds PAUSEd looks the same as a full pool; SHOW DATABASES as a user in admin_users or stats_users tells` };
    }
    const row = dbs.rows.find((r) => r.name === database);
    const pools = (await runner.sql('SHOW POOLS')).rows?.filter((r) => r.database === database) ?? [];
    const waiting = pools.reduce((n, r) => n + Number(r.cl_waiting ?? 0), 0);
    const active = pools.reduce((n, r) => n + Number(r.sv_active ?? 0), 0);
    const details = { ...login.details, poolerConsole: { paused: Number(row?.paused ?? 0), disabled: Number(row?.disabled ?? 0), clientsWaiting: waiting, serversActive: active, poolSize: Number(row?.pool_size ?? 0) } };
    if (Number(row?.paused) === 1 || Number(row?.disabled) === 1) {
      const state = Number(row?.paused) === 1 ? 'PAUSEd' : 'DISABLEd';
      return { ...login, details, classification: 'database-closed',
        summary: `database-closed: PgBouncer holds database ${database} ${state} (SHOW DATABASES): clients log in and their queries wait, whatever the pool's size. Ask who paused it (a maintenance, a failover), then ${state === 'PAUSEd' ? 'RESUME' : 'ENABLE'} ${database} on the console` };
    }
    // The console answered: this is PgBouncer, and the login waited in its queue (or, timed out by PgBouncer itself,
    // for a server login that does not come: that class stays).
    const queue = `PgBouncer's console: database ${database} is not paused; ${waiting} clients wait, ${active} server connections active of a pool of ${String(row?.pool_size ?? '?')}`;
    return { ...login, details, classification: login.classification === 'pooler-backend-down' ? 'pooler-backend-down' : 'pooler-wait-timeout', summary: `${login.summary}. ${queue}` };
  } finally {
    await runner.close();
  }
}
