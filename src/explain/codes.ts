// The codes an error text carries, in the spellings the client stacks and server logs use: a SQLSTATE, a
// MySQL/MariaDB error number, Node's socket codes. Each leads to a row of the connection-error table, the one
// diagnose and the executors classify with (db/errors/).
import { lookupError, sqlStateClass, type ErrorRow } from '../db/errors/table.js';
import type { Classification } from '../common/classification.js';

export interface CodeHit { classification: Classification; why: string; row?: ErrorRow; engine?: 'postgres' | 'mysql'; server: boolean }

const SQLSTATE = [
  /SQLSTATE\s*[[(:=]?\s*'?([0-9A-Z]{5})\b/,          // PHP SQLSTATE[08006], Go (SQLSTATE 53300), psql VERBOSITY
  /SQL ?[Ss]tate:?\s*'?([0-9A-Z]{5})\b/,              // PgJDBC "SQL State: 53300"
  /\bpgcode[=:]\s*'?([0-9A-Z]{5})\b/,                // psycopg2 e.pgcode
  /"state_code":"([0-9A-Z]{5})"/,                   // PostgreSQL jsonlog
  /,"(?:FATAL|ERROR|PANIC)","([0-9A-Z]{5})",/,      // PostgreSQL csvlog
  /\bcode: '([0-9A-Z]{5})'/,                        // node-postgres's error, inspected
];
const MYSQL_NUMBER = [
  /\bERROR (\d{4}) \([0-9A-Z]{5}\)/,     // the mariadb / mysql client
  /\bError (\d{4}) \([0-9A-Z]{5}\)/,     // go-sql-driver/mysql
  /\((\d{4}), ["']/,                     // PyMySQL / mysqlclient: OperationalError(1040, 'Too many connections')
  /\berrno:? (\d{4})\b/,                 // mysql2 inspected
  /\[(\d{4})\] /,                        // PHP PDO: SQLSTATE[HY000] [1040] Too many connections
  /\(errno: (\d{4})\)/,
];
const NODE_CODE = /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|EPIPE|ECONNABORTED|EADDRNOTAVAIL)\b/;

/**
 * The class as the application met it. `not-read-only` is the engine's own read-only session refusing a runbook
 * step's write; an application that gets a read-only transaction (PostgreSQL 25006, MySQL 1792) has a server, a
 * database or a role that takes no writes: a standby after a failover, or default_transaction_read_only /
 * transaction_read_only set. That is read-only-server, and the read-only runbook.
 */
function asApplication(c: Classification): Classification {
  return c === 'not-read-only' ? 'read-only-server' : c;
}

function firstMatch(patterns: RegExp[], text: string): string | undefined {
  for (const p of patterns) { const m = p.exec(text); if (m) return m[1]; }
  return undefined;
}

/** The SQLSTATE in the text, classified by the table (then by its class). */
export function sqlStateHit(text: string): CodeHit | undefined {
  const code = firstMatch(SQLSTATE, text);
  if (!code || /^(HY000|42000|00000)$/.test(code)) return undefined; // MySQL's catch-alls say nothing: its number does
  // A wrapper's 08006 over libpq's own words (PHP PDO: "SQLSTATE[08006] [7] connection to server … failed: …") is
  // the wrapper's code for any failed connect: libpq's words say which.
  if (code === '08006' && /connection to server .* failed:/.test(text)) return undefined;
  const row = lookupError({ code, message: text });
  const found = row?.classification ?? sqlStateClass(code);
  if (!found || found === 'other') return undefined;
  const classification = asApplication(found);
  return { classification, why: `SQLSTATE ${code}${row ? ` (${row.name})` : ''}`, ...(row ? { row } : {}), engine: 'postgres', server: true };
}

/** The MySQL/MariaDB error number in the text: server errors below 2000, the client library's from 2000. */
export function mysqlNumberHit(text: string): CodeHit | undefined {
  const n = firstMatch(MYSQL_NUMBER, text);
  if (!n) return undefined;
  const row = lookupError({ errno: Number(n), message: text });
  if (!row || row.classification === 'other') return undefined;
  return { classification: asApplication(row.classification), why: `MySQL/MariaDB error ${n} (${row.name})`, row, engine: 'mysql', server: Number(n) < 2000 };
}

/** Node's socket or resolver code (node-postgres, mysql2 and anything on Node print them). */
export function nodeCodeHit(text: string): CodeHit | undefined {
  const code = NODE_CODE.exec(text)?.[1];
  if (!code) return undefined;
  const row = lookupError({ code, message: text });
  return row ? { classification: row.classification, why: `${code} (Node.js)`, row, server: false } : undefined;
}
