// The whole connection-error table, and the one lookup classify() uses: by the server's error number,
// then by the code (SQLSTATE, Node's, OpenSSL's, the driver's), then by text for errors without a code.
import type { Classification } from '../../common/classification.js';
import { CLIENT_ROWS, PGBOUNCER_ROWS, TLS_TEXT_ROWS } from './clients.js';
import { MYSQL_ROWS } from './mysql.js';
import { POSTGRES_CLASSES, POSTGRES_ROWS } from './postgres.js';
import type { ErrorRow } from './row.js';

export type { ErrorFamily, ErrorRow } from './row.js';

export const ERROR_TABLE: readonly ErrorRow[] = [...POSTGRES_ROWS, ...PGBOUNCER_ROWS, ...MYSQL_ROWS, ...CLIENT_ROWS, ...TLS_TEXT_ROWS];

const BY_CODE = new Map<string, ErrorRow[]>();
for (const row of ERROR_TABLE) {
  if (row.code) BY_CODE.set(row.code, [...(BY_CODE.get(row.code) ?? []), row]);
}
const TEXT_ROWS = ERROR_TABLE.filter((r) => !r.code);

export interface ErrorFields { code?: unknown; errno?: unknown; message?: unknown; detail?: unknown }

/** The row an error is, or undefined. Among rows of one code, one whose text matches wins over the plain one. */
export function lookupError(e: ErrorFields): ErrorRow | undefined {
  const text = `${typeof e.message === 'string' ? e.message : ''} ${typeof e.detail === 'string' ? e.detail : ''}`;
  // mysql2 puts the server's number in errno; Node puts negative libuv numbers there.
  if (typeof e.errno === 'number' && e.errno > 0) {
    const row = pick(BY_CODE.get(String(e.errno)), text);
    if (row) return row;
  }
  if (typeof e.code === 'string' && e.code) {
    const row = pick(BY_CODE.get(e.code), text);
    if (row) return row;
  }
  return TEXT_ROWS.find((r) => r.text?.test(text));
}

/**
 * MariaDB's own name for a number MariaDB and MySQL give two meanings (4150, 4151), where mysql2 names it from
 * MySQL's list (a bulk-load parser error): the row whose text matches says which it is. Undefined otherwise.
 */
export function serverCodeName(e: ErrorFields): string | undefined {
  if (typeof e.errno !== 'number' || e.errno <= 0 || typeof e.code !== 'string') return undefined;
  const row = lookupError(e);
  return row?.family === 'mariadb' && row.text && row.code === String(e.errno) && row.name !== e.code ? row.name : undefined;
}

/** A SQLSTATE the table does not list, by its class (08 connection, 28 authorization, …). */
export function sqlStateClass(code: unknown): Classification | undefined {
  return typeof code === 'string' && /^[0-9][0-9A-Z]{4}$/.test(code) ? POSTGRES_CLASSES[code.slice(0, 2)] : undefined;
}

function pick(rows: ErrorRow[] | undefined, text: string): ErrorRow | undefined {
  if (!rows) return undefined;
  return rows.find((r) => r.text?.test(text)) ?? rows.find((r) => !r.text);
}
