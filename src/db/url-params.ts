// The parameters a connection URL may carry, as an allowlist. A parameter changes where a client connects
// (libpq's hostaddr, service), as whom (passfile), or how the session reads SQL (options, target_session_attrs):
// a URL whose parameter runbook does not read would send the application one way and runbook another. So each
// parameter is either read here exactly as the application's driver reads it, or known to change none of that
// (a client's name, timeouts, pool sizing), or the URL is refused naming it, before anything connects.
import type { Engine } from '../common/engine-scheme.js';

/** Read by runbook (url.ts, ssl-options.ts) as libpq, node-postgres and mysql2 read them. */
export const READ = [
  'host', 'port', 'user', 'password', 'dbname', 'database', 'socket', 'socketPath',
  'sslmode', 'ssl-mode', 'sslMode', 'ssl', 'sslrootcert', 'ssl-ca', 'sslca', 'sslcert', 'ssl-cert', 'sslkey', 'ssl-key',
  'ssl_min_protocol_version', 'ssl_max_protocol_version',
];

/** Not read, and harmless so: they name the client or tune its timeouts and pool, never the server reached, the
 *  login or how a statement is read (runbook sets its own timeouts and pins its session: docs/decisions.md). On
 *  PostgreSQL, libpq's integer options only with a value libpq reads (libpq-integers.ts). */
export const INERT: Record<Engine | 'any', string[]> = {
  any: ['application_name', 'connect_timeout', 'connection_limit', 'pool_timeout', 'socket_timeout'],
  postgres: ['fallback_application_name', 'keepalives', 'keepalives_idle', 'keepalives_interval', 'keepalives_count',
    'tcp_user_timeout', 'pgbouncer', 'statement_cache_size'],
  mysql: ['connectTimeout', 'timezone', 'dateStrings', 'supportBigNumbers', 'bigNumberStrings', 'decimalNumbers'],
  mariadb: ['connectTimeout', 'timezone', 'dateStrings', 'supportBigNumbers', 'bigNumberStrings', 'decimalNumbers'],
};

/** A character set is how the server reads the statement's bytes: only the UTF-8 ones, which runbook uses too. */
const UTF8 = /^utf8(mb[34])?$/i;

/** The first parameter of `params` that runbook neither reads nor knows to be harmless, with why; else undefined. */
export function unreadParameter(params: Record<string, string>, engine: Engine): string | undefined {
  const inert = new Set([...INERT.any, ...INERT[engine]]);
  for (const [key, value] of Object.entries(params)) {
    if (READ.includes(key) || inert.has(key)) continue;
    if (key === 'charset' && engine !== 'postgres' && UTF8.test(value)) continue;
    return `the URL parameter '${key}' is not one runbook reads: it may change the server reached, the login or how `
      + 'SQL is read, so runbook would act elsewhere than your application; remove it (docs/executors.md lists the '
      + 'parameters read, and those ignored as harmless)';
  }
  return undefined;
}
