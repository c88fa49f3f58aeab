// Holding a MySQL/MariaDB read's relations still from their check to the read's end (issue #45). The checks are
// queries of their own: a table swapped for a view by RENAME TABLE between the check and the statement ran the
// view's function in the read (66 of 150 reads, against a DDL loop), and so did a server view replaced in place.
// Two holds, neither of which runs a view's code (test/hardening/sql-mariadb-hold-probe.test.ts):
// - A base table: a statement that succeeds inside a transaction keeps the metadata locks on what it opened
//   until the transaction ends, and DDL waits for them (one that fails releases them). The probe opens the table,
//   reads no row, and no view can pass it: MariaDB refuses an index hint on a view (1176) before its definition
//   runs, where a view under `LIMIT 0` ran a DETERMINISTIC function.
// - A view of the server's own (mysql.user): nothing opens a view inside a transaction without preparing its
//   definition, which may run a function. LOCK TABLES … READ holds a view and everything it reads without running
//   it, but commits the transaction: such a read takes the lock first, then checks, then runs outside one, its
//   statement read-only by itself (`tx_read_only=1`).
import { PinRefusal } from './pin-refusal.js';
import type { RelationRow } from './mysql-relations-check.js';
import type { MysqlRelation } from '../language/sql/mysql-relations.js';
import type { ReadRelation } from '../language/sql/mysql-read-relations.js';

/** The server's "key does not exist" for an index hint on a view. */
const HINT_ON_VIEW = 1176;
/** The account may not (LOCK TABLES, or SELECT on what a server view reads for it). */
const DENIED = new Set([1044, 1142, 1143]);

const quoted = (name: string): string => `\`${name.replaceAll('`', '``')}\``;
const relationText = ([schema, name]: MysqlRelation): string => `${schema === undefined ? '' : `${quoted(schema)}.`}${quoted(name)}`;
const named = (r: RelationRow): string => `${String(r.s)}.${String(r.n)}`;
const errnoOf = (err: unknown): unknown => (err as { errno?: unknown }).errno;

/** The probe that opens a base table (a row's, or a relation as the read writes it), reads no row, and fails on
 *  anything else. Unqualified, the name is the session's database's, as the read resolves it. */
export const holdSql = (r: RelationRow | MysqlRelation): string =>
  `SELECT 1 FROM ${Array.isArray(r) ? relationText(r) : relationText([String(r.s), String(r.n)])} USE INDEX () LIMIT 0`;

/** The row information_schema gave for a relation the read writes, if any (names compared as the server does
 *  where lower_case_table_names is 0: exactly). */
export const answered = (rows: RelationRow[], [schema, name]: MysqlRelation): boolean =>
  rows.some((r) => String(r.n) === name && (r.a === null || r.a === undefined ? schema === undefined : String(r.a) === schema));

/**
 * What a failed probe means: a view where a base table was (or where none was shown) is refused; a probe the
 * account may not run holds nothing (false: the read fails on it in turn, or a server view reads it for the
 * account, and that read is held by LOCK TABLES); any other error (1146: it does not exist) is the read's own.
 */
export function holdFailed(err: unknown, what: string): false {
  const errno = errnoOf(err);
  if (errno === HINT_ON_VIEW) throw new PinRefusal(`${what} became a view while the engine checked it (another session changed it): not run as a read`);
  if (typeof errno === 'number' && DENIED.has(errno)) return false;
  throw err;
}

/** LOCK TABLES for every relation the read writes, under each alias it gives it (the server requires that),
 *  but information_schema's, which is not locked (its name is the server's in any case); undefined when none is
 *  left. Under the lock the server opens nothing else, so a relation missed here fails the read (1100). */
export function lockSql(refs: ReadRelation[]): string | undefined {
  const entries = new Set(refs.filter(({ relation: [schema] }) => schema?.toLowerCase() !== 'information_schema')
    .map(({ relation, alias }) => `${relationText(relation)}${alias === undefined ? '' : ` AS ${quoted(alias)}`} READ`));
  return entries.size ? `LOCK TABLES ${[...entries].join(', ')}` : undefined;
}

/** The account may not lock what the read reads: the read is refused, saying what lets it. */
export function lockFailed(err: unknown, view: string): never {
  const errno = errnoOf(err);
  if (typeof errno !== 'number' || !DENIED.has(errno)) throw err;
  const schema = view.split('.')[0];
  throw new PinRefusal(`it reads ${view}, a view of the server's own, which the engine holds still with LOCK TABLES while it checks and reads it, and this account may not (${String((err as Error).message)}; GRANT LOCK TABLES ON ${schema}.* to it lets it): not run as a read`);
}

const key = (r: RelationRow): string => JSON.stringify([r.s, r.n, r.t, r.e, r.d, r.w, r.own, r.a].map((v) => (v === null || v === undefined ? null : String(v))));

/** Throws unless two answers about the same names, before and after the probes, are the same. */
export function sameRelations(before: RelationRow[], after: RelationRow[]): void {
  const was = new Set(before.map(key));
  const changed = after.find((r) => !was.delete(key(r))) ?? before.find((r) => was.has(key(r)));
  if (changed) throw new PinRefusal(`${named(changed)} changed while the engine checked it (another session changed it): not run as a read`);
}
