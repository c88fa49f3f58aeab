// The application's own connect timeout, as its client reads it from the URL: a login that takes longer works for
// the engine and fails for the application, and a client that walks a name's addresses (libpq, the MariaDB client)
// gives each of them this long (executors/probes/address-walk.ts).
import { libpqInt } from './libpq-integers.js';
import type { ConnectionInfo } from './url.js';

/** libpq reads connect_timeout (else PGCONNECT_TIMEOUT) in seconds, less than 2 as 2 and 0 or less as none;
 *  mysql2's connectTimeout is milliseconds, the MariaDB/MySQL C client's connect_timeout seconds. */
export function clientTimeout(info: ConnectionInfo, env: Record<string, string | undefined> = {}): { ms: number; from: string } | undefined {
  if (info.engine === 'postgres') {
    const [from, value] = info.params.connect_timeout !== undefined ? ['connect_timeout', info.params.connect_timeout] : ['PGCONNECT_TIMEOUT', env.PGCONNECT_TIMEOUT];
    const libpq = value === undefined ? undefined : libpqInt(value);
    return libpq !== undefined && libpq > 0 ? { ms: Math.max(2, libpq) * 1000, from: `${from}=${value!.trim()}` } : undefined;
  }
  const mysql = Number(info.params.connectTimeout);
  if (mysql > 0) return { ms: mysql, from: `connectTimeout=${info.params.connectTimeout}` };
  const c = Number(info.params.connect_timeout);
  return c > 0 ? { ms: c * 1000, from: `connect_timeout=${info.params.connect_timeout}` } : undefined;
}
