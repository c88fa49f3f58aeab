// The application's own connect timeout, as its client reads it from the URL: a login that takes longer works for
// the engine and fails for the application.
import type { ConnectionInfo } from './url.js';

/** libpq reads connect_timeout in seconds and treats less than 2 as 2; mysql2's connectTimeout is milliseconds. */
export function clientTimeout(info: ConnectionInfo): { ms: number; from: string } | undefined {
  const libpq = Number(info.params.connect_timeout);
  if (info.engine === 'postgres' && libpq > 0) return { ms: Math.max(2, libpq) * 1000, from: `connect_timeout=${info.params.connect_timeout}` };
  const mysql = Number(info.params.connectTimeout);
  if (info.engine !== 'postgres' && mysql > 0) return { ms: mysql, from: `connectTimeout=${info.params.connectTimeout}` };
  return undefined;
}
