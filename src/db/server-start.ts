// When a MySQL/MariaDB server started: the sessions' records (server-session.ts) and the targets' fingerprints
// (executors/fingerprint.ts) both ask it. Its own file: the fingerprint must not load mysql2 to know the text.
import type { ServerFlavour } from './session.js';

/** When the server started, in whole seconds since the epoch (now less its uptime; ±1 s between two asks). */
export function serverStartSql(flavour: ServerFlavour): string {
  const table = flavour === 'mysql' ? 'performance_schema.global_status' : 'information_schema.GLOBAL_STATUS';
  return `SELECT UNIX_TIMESTAMP() - CAST(VARIABLE_VALUE AS SIGNED) AS started FROM ${table} WHERE VARIABLE_NAME = 'Uptime'`;
}
