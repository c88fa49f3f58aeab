// Where the application was connecting, as far as the error text says: host, port, database, user. Read from
// the shapes the client stacks print (libpq's "connection to server at", JDBC URLs, Go's "dial tcp", Node's
// "connect ECONNREFUSED", MySQL's "Access denied for user 'u'@'h'").
import type { Facts } from './finding.js';

type Pick = (m: RegExpExecArray) => Facts;
const RULES: [RegExp, Pick][] = [
  [/(?:postgres(?:ql)?|mysql|mariadb):\/\/(?:([^:@/\s]+)(?::[^@/\s]*)?@)?([\w.-]+|\[[0-9a-f:]+\])(?::(\d+))?(?:\/([\w.-]+))?/i,
    (m) => ({ ...(m[1] ? { user: m[1] } : {}), host: m[2]!, ...(m[3] ? { port: m[3] } : {}), ...(m[4] ? { database: m[4] } : {}) })],
  [/jdbc:(?:postgresql|mariadb|mysql):\/\/([\w.-]+)(?::(\d+))?\/([\w.-]+)/, (m) => ({ host: m[1]!, ...(m[2] ? { port: m[2] } : {}), database: m[3]! })],
  [/connection to server at "([^"]+)"(?: \([^)]*\))?, port (\d+)/, (m) => ({ host: m[1]!, port: m[2]! })],
  // PgJDBC "Connection to h:p refused", MariaDB Connector/J "address=(host=h)(port=p)", asyncpg's "Connect call
  // failed ('h', p)".
  [/Connection to ([\w.-]+|\[[0-9a-f:]+\]):(\d+) refused/, (m) => ({ host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2]! })],
  [/address=\(host=([\w.:-]+)\)\(port=(\d+)\)/, (m) => ({ host: m[1]!, port: m[2]! })],
  [/Connect call failed \('([\w.:-]+)', (\d+)\)/, (m) => ({ host: m[1]!, port: m[2]! })],
  // asyncpg: 'PostgreSQL server at "127.0.0.1:5432" rejected SSL upgrade'.
  [/PostgreSQL server at "([\w.-]+|\[[0-9a-f:]+\]):(\d+)"/, (m) => ({ host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2]! })],
  [/could not connect to server: [^\n]*\n?[^\n]*?on host "([^"]+)"[^\n]*?port (\d+)/, (m) => ({ host: m[1]!, port: m[2]! })],
  [/\bdial tcp ([\w.-]+|\[[0-9a-f:]+\]):(\d+)/, (m) => ({ host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2]! })],
  // Go on a connection it had: "read tcp 10.0.0.5:38000->10.0.0.9:5432: i/o timeout" (the server is after the arrow).
  [/\b(?:read|write) tcp \S+->([\d.]+|\[[0-9a-f:]+\]):(\d+)/, (m) => ({ host: m[1]!.replace(/^\[|\]$/g, ''), port: m[2]! })],
  [/\bconnect E[A-Z]+ ([\d.]+|[0-9a-f:]+):(\d+)/, (m) => ({ host: m[1]!, port: m[2]! })],
  [/getaddrinfo E[A-Z_]+ ([\w.-]+)/, (m) => ({ host: m[1]! })],
  [/(?:MySQL|MariaDB) server (?:on|host) '([\w.-]+)(?::(\d+))?'/, (m) => ({ host: m[1]!, ...(m[2] ? { port: m[2] } : {}) })],
  [/for user "([^"]+)"/, (m) => ({ user: m[1]! })],
  [/(?:role|user) "([^"]+)" (?:does not exist|is not permitted)/, (m) => ({ user: m[1]! })],
  [/Access denied for user '([^']+)'@'([^']*)'/, (m) => ({ user: m[1]! })],
  [/database "([^"]+)"/, (m) => ({ database: m[1]! })],
  [/Unknown database '([^']+)'/, (m) => ({ database: m[1]! })],
  // journalctl's short and short-iso lines and syslog's: "Nov 26 03:12:07 host app[4711]: …".
  [/^(?:[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d|\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d)?) \S+ [^\s[\]]+\[(\d+)\]: /m, (m) => ({ pid: Number(m[1]) })],
];

/** Every fact the record gives; the first rule to give a fact wins. */
export function factsOf(record: string): Facts {
  const facts: Facts = {};
  for (const [re, pick] of RULES) {
    const m = re.exec(record);
    if (!m) continue;
    for (const [k, v] of Object.entries(pick(m))) if (v !== undefined && (facts as Record<string, unknown>)[k] === undefined) (facts as Record<string, unknown>)[k] = v;
  }
  return facts;
}
