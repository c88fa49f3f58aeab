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
// LOCK TABLES … READ keeps every other session's writes to what it names waiting, and the read decides how long
// (SLEEP is a proven read; so is a slow join). So a read held that way may name the server's own tables only (an
// application's table beside mysql.user, even in a subquery that never runs, had its INSERTs wait for the whole
// read: refused before any lock is taken, appRelation), and runs under a time limit (HOLD_LIMIT_MS): what it keeps
// waiting meanwhile is account administration (GRANT, CREATE USER, SET PASSWORD wait for mysql.global_priv).
import { diagnosed } from './classify.js';
import { PinRefusal } from './pin-refusal.js';
import { isBaseTable, type RelationRow } from './mysql-relations-check.js';
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
  // Counted, not a set: two generated columns of one table may have the same expression (the same row twice).
  const was = new Map<string, number>();
  for (const r of before) was.set(key(r), (was.get(key(r)) ?? 0) + 1);
  const take = (r: RelationRow): boolean => { const n = was.get(key(r)) ?? 0; was.set(key(r), n - 1); return n > 0; };
  const changed = after.find((r) => !take(r)) ?? before.find((r) => (was.get(key(r)) ?? 0) > 0);
  if (changed) throw new PinRefusal(`${named(changed)} changed while the engine checked it (another session changed it): not run as a read`);
}

/** How long a read held by LOCK TABLES may run (the step's own timeout when shorter): the server's statement
 *  limit (MariaDB max_statement_time, which stops SLEEP; MySQL's MAX_EXECUTION_TIME for a SELECT), and the
 *  engine's KILL QUERY a second later for anything that limit does not reach. A read of mysql.user takes
 *  milliseconds; one that takes this long is reported as cut off, never with its rows. */
export const HOLD_LIMIT_MS = 5000;

/** Schemas whose tables LOCK TABLES may hold for a read, named exactly as the server names them (`MYSQL` is an
 *  author's database where names are case-sensitive); information_schema is never locked (lockSql). */
const SERVER_SCHEMAS = new Set(['mysql', 'sys', 'performance_schema']);

/** The first relation the lock would take outside the server's own schemas, as `schema.name`; an unqualified
 *  one is the session's database's (`database`; null: none, and the server refuses the name itself). */
export function appRelation(refs: ReadRelation[], database: string | null): string | undefined {
  for (const { relation: [schema, name] } of refs) {
    if (schema?.toLowerCase() === 'information_schema') continue;
    const resolved = schema ?? database;
    if (resolved === null) continue;
    if (!SERVER_SCHEMAS.has(resolved)) return `${resolved}.${name}`;
  }
  return undefined;
}

/** A read of a server view that names an application's table: refused before anything is locked. */
export const appLockRefusal = (view: string, app: string): PinRefusal =>
  new PinRefusal(`it reads ${view}, a view of the server's own, which the engine holds still with LOCK TABLES … READ on every table the read names, and it also names ${app}: it would lock the application's table ${app} against writes while it runs; read the server view in a step of its own: not run as a read`);

/** A server view whose definition reads a table outside the server's own schemas (an administrator's view,
 *  checked under the lock), or whose tables the engine cannot parse out (undefined): the statement does not run. */
export function ownTablesOnly(view: string, reads: MysqlRelation[] | undefined): void {
  if (!reads) throw new PinRefusal(`it reads ${view}, a view in the server's own schema, and the engine's parse of its definition does not say which tables the lock the engine holds it with would hold: not run as a read`);
  const app = reads.find(([schema]) => schema === undefined || (schema.toLowerCase() !== 'information_schema' && !SERVER_SCHEMAS.has(schema)));
  if (app) throw new PinRefusal(`it reads ${view}, a view in the server's own schema whose definition reads ${app.filter(Boolean).join('.')}, outside the server's own schemas: the lock the engine holds the view with would keep that table's writes waiting while the read runs: not run as a read`);
}

/** The server's own statement limit: MariaDB's max_statement_time, MySQL's MAX_EXECUTION_TIME. */
export const isStatementTimeout = (err: unknown): boolean => errnoOf(err) === 1969 || errnoOf(err) === 3024;

/** Why a read is held for a bounded time: a view of the server's own under LOCK TABLES, or a table of an engine
 *  that locks the whole table while a statement reads it (tableLocking). */
export type HeldBy = { view: string } | { table: string };

/** A held read that ran as long as the hold may last: a timeout that says which limit, with the server's error
 *  (none when it returned anyway: SLEEP and BENCHMARK give a value when stopped). */
export function holdTimedOut(err: unknown, by: HeldBy, limitMs: number): Error {
  const why = 'view' in by
    ? `it reads ${by.view}, a view of the server's own, which the engine holds with LOCK TABLES … READ while the read runs, and stops such a read after ${limitMs / 1000} s so that the server's own tables are not held longer (account changes wait for them); read the tables the view reads directly, which needs no lock`
    : `it reads ${by.table}, whose engine locks the whole table while a statement reads it, and the engine stops such a read after ${limitMs / 1000} s so that the server's own tables are not held longer (account changes wait for them)`;
  return diagnosed(err ?? new Error('the read ran past the hold\'s time limit'), 'timeout', why);
}

/** The one engine whose plain reads take no lock that keeps a write waiting (consistent reads, MVCC). */
const ROW_VERSIONED = 'innodb';
/** MERGE: its rows are other tables', named by its UNION, anywhere on the server (one in mysql read an
 *  application's table, and LOCK TABLES locked that too). */
const MERGE = 'mrg_myisam';

/**
 * The first base table among the rows whose engine locks whole tables while a statement reads it (Aria, MyISAM,
 * MEMORY, CSV …: anything but InnoDB; the server's own tables in mysql are Aria on MariaDB), as
 * `schema.name (the Engine engine)`; undefined when there is none. Such a read keeps every write to the table
 * waiting for the whole statement (a SLEEP beside mysql.global_priv kept SET PASSWORD waiting; beside an Aria
 * application table, the application's UPDATE). An application's such table is refused, naming it and its engine;
 * a MERGE table anywhere; the server's own (mysql, sys) are read under the hold's time limit, without SLEEP or
 * BENCHMARK (slowCall). Vouching does not cover it: safe_because speaks for the text, not for the lock.
 */
export function tableLocking(rows: RelationRow[]): string | undefined {
  let found: string | undefined;
  for (const r of rows) {
    if (!isBaseTable(r)) continue;
    const engine = r.e === null || r.e === undefined ? '' : String(r.e);
    if (engine.toLowerCase() === ROW_VERSIONED) continue;
    const what = `${named(r)} (${engine ? `the ${engine} engine` : 'an engine not shown'})`;
    if (engine.toLowerCase() === MERGE) {
      throw new PinRefusal(`it reads ${named(r)}, a MERGE table (${engine}), whose rows are other tables' (its UNION may name any database's), which a read locks whole while it runs: not run as a read`);
    }
    if (Number(r.own) !== 1) {
      throw new PinRefusal(`it reads ${what}, which locks the whole table while a statement reads it: the application's writes to ${named(r)} would wait for the whole read (only InnoDB reads without such a lock): not run as a read`);
    }
    found ??= what;
  }
  return found;
}

/** Functions whose only use in a read is to make it last: refused where the read holds a lock (a table-locking
 *  engine's table, LOCK TABLES), so that not even back-to-back polls (a wait step) keep the lock held. */
const SLOW = new Set(['SLEEP', 'BENCHMARK']);

/** The first call of SLEEP or BENCHMARK in the text the engine sends (comments gone; a string's text skipped;
 *  a backquoted name is the built-in too). */
export function slowCall(sql: string): string | undefined {
  const text = sql.replace(/'(?:[^'\\]|\\.|'')*'|"(?:[^"\\]|\\.|"")*"/g, "''");
  for (const m of text.matchAll(/(`(?:[^`]|``)*`|[A-Za-z_$][\w$]*)\s*\(/g)) {
    const name = m[1]!.replace(/^`|`$/g, '').replaceAll('``', '`').toUpperCase();
    if (SLOW.has(name)) return name;
  }
  return undefined;
}

/** A held read that calls SLEEP or BENCHMARK: refused before it runs. */
export const slowCallRefusal = (call: string, by: HeldBy): PinRefusal =>
  new PinRefusal(`it calls ${call}() in a read of ${'view' in by ? `${by.view}, a view of the server's own that the engine holds with LOCK TABLES … READ` : `${by.table}, which locks the whole table while a statement reads it`}: writes to it (account administration) would wait for as long as the read chose to last: not run as a read`);
