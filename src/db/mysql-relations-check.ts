// What a MySQL/MariaDB read names, as the server resolves it: a view runs its definition, and a stored function
// it calls may take a named lock (GET_LOCK), sleep or set session state inside the read-only transaction, which
// stops writes only; a table of an engine that is not a plain store (CONNECT, FEDERATED, SPIDER …) reaches another
// server or file. An allowlist, as on PostgreSQL (pg-pin-sql.ts): a read may name base tables of the reviewed
// engines, and the server's own schemas; anything else is not known to be read-only (safe_because may vouch for
// it). Unqualified names are resolved in the session's database, as the statement will be. The server's own
// schemas hold views an administrator may add or replace: there a view's own definition must be a proven read.
import { mysqlRelations, type MysqlRelation } from '../language/sql/mysql-relations.js';
import { classifyViewDefinition } from '../language/sql/index.js';
import { PinRefusal } from './pin-refusal.js';

/**
 * Schemas the server makes up itself: it refuses any object created there (tested), so what they hold is the
 * server's own and is not asked about.
 */
const VIRTUAL = ['information_schema', 'performance_schema'];
/** Schemas that hold the server's own views (mysql.user on MariaDB, sys's) and any an administrator adds: a view
 *  there counts as the server's own only when its code is proven a read (checkServerView). */
const SERVER_OWN = ['mysql', 'sys'];
/**
 * A name qualified with one of the server's virtual schemas, written exactly as the server names it (unqualified:
 * the session's database decides). Database names are case-sensitive where lower_case_table_names is 0 (Linux):
 * `SYS` and `Mysql` are an author's databases, and their views ran unchecked when this compared in any case.
 * Another spelling is asked about, and the server's answer is judged by the schema it names (relationsQuery).
 */
export const isVirtualSchema = (schema: string | undefined): boolean => schema !== undefined && VIRTUAL.includes(schema);

/** Storage engines that only store rows here. */
const PLAIN = new Set(['innodb', 'aria', 'myisam', 'memory', 'sequence', 'csv', 'archive', 'mrg_myisam', 'blackhole']);

/**
 * The query and its values: which of the named relations are views or tables of another engine. One SELECT per
 * schema (unqualified names: the session's database), each with the schema by equality, which the server's
 * information_schema uses to look in that schema only (a read may name many words: each is a possible name).
 * information_schema compares names in any case: a row is the server's own only when the schema it stands in is
 * named exactly as the server's (BINARY), so `SYS` matches the real sys where names fold, and is judged otherwise.
 * Each row says which schema its name was asked in (`a`), so a name the read writes can be matched to its answer.
 * Views' code is asked about apart (viewsQuery): joined here, information_schema.VIEWS opened every view of the
 * server for each read (5 ms where this takes 0.1).
 */
export function relationsQuery(relations: MysqlRelation[]): { sql: string; values: (string | null)[] } {
  const bySchema = new Map<string | undefined, string[]>();
  for (const [schema, name] of relations) bySchema.set(schema, [...(bySchema.get(schema) ?? []), name]);
  const parts: string[] = [];
  const values: (string | null)[] = [];
  for (const [schema, names] of bySchema) {
    parts.push(`SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, TABLE_TYPE AS t, ENGINE AS e,
      BINARY TABLE_SCHEMA IN (${SERVER_OWN.map(() => '?').join(', ')}) AS own, ${schema === undefined ? 'NULL' : '?'} AS a
      FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ${schema === undefined ? 'DATABASE()' : '?'} AND BINARY TABLE_SCHEMA NOT IN (${VIRTUAL.map(() => '?').join(', ')})
      AND TABLE_NAME IN (${names.map(() => '?').join(', ')})`);
    const asked = schema === undefined ? [] : [schema];
    values.push(...SERVER_OWN, ...asked, ...asked, ...VIRTUAL, ...names);
  }
  return { sql: parts.join('\nUNION ALL\n'), values };
}

/** information_schema's TABLE_TYPE of a table that stores rows: MariaDB's system-versioned table is one (its past
 *  rows kept beside), and was refused as "a view" (a probe of stop 74). A SEQUENCE, a VIEW and anything else not. */
const BASE_TABLE_TYPES = new Set(['BASE TABLE', 'SYSTEM VERSIONED']);
export const isBaseTable = (r: RelationRow): boolean => BASE_TABLE_TYPES.has(String(r.t).toUpperCase());

/** What a relation that is not a base table is, as a refusal names it: `a view`, `a sequence`. */
const kindOf = (r: RelationRow): string => `a ${String(r.t ?? 'relation of a type not shown').toLowerCase()}`;

/**
 * The generated columns of base tables a read reaches, each with its expression as the server keeps it: asked
 * only once the tables are held (mysql-hold.ts), by exact schema and name. information_schema.COLUMNS opens and
 * prepares what it names, and preparing a view evaluates its constants: a view named like a word of the read
 * (an alias, the fingerprint's `h`) with `LIKE … ESCAPE f()` ran f, a KILL, when this question named every word
 * of the read (a probe of stop 69). A held name is a base table until the read's transaction ends.
 */
export function generatedQuery(tables: RelationRow[]): { sql: string; values: string[] } {
  const one = `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, GENERATION_EXPRESSION AS e FROM information_schema.COLUMNS
    WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND BINARY TABLE_SCHEMA = ? AND BINARY TABLE_NAME = ? AND GENERATION_EXPRESSION <> ''`;
  return { sql: tables.map(() => one).join('\nUNION ALL\n'), values: tables.flatMap((t) => [String(t.s), String(t.n), String(t.s), String(t.n)]) };
}

/** Throws PinRefusal for a generated column whose expression is not proven a read (rows of generatedQuery). */
export function checkGenerated(rows: RelationRow[]): void {
  for (const r of rows) checkGeneratedColumn(`${String(r.s)}.${String(r.n)}`, typeof r.e === 'string' ? r.e : '');
}

/** The definition and definer of each view among the rows, each looked up by its exact schema and name. */
export function viewsQuery(views: RelationRow[]): { sql: string; values: string[] } {
  const one = 'SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d, DEFINER AS w FROM information_schema.VIEWS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND BINARY TABLE_SCHEMA = ? AND BINARY TABLE_NAME = ?';
  return { sql: views.map(() => one).join('\nUNION ALL\n'), values: views.flatMap((v) => [String(v.s), String(v.n), String(v.s), String(v.n)]) };
}

/** The rows, each view's with its definition and definer (none when the account may not see them). */
export function withDefinitions(rows: RelationRow[], definitions: RelationRow[]): RelationRow[] {
  return rows.map((r) => {
    if (isBaseTable(r)) return r;
    const found = definitions.find((d) => String(d.s) === String(r.s) && String(d.n) === String(r.n));
    return { ...r, d: found?.d, w: found?.w };
  });
}

export interface RelationRow { s?: unknown; n?: unknown; t?: unknown; e?: unknown; d?: unknown; w?: unknown; own?: unknown; a?: unknown }
/** A view in one of the server's own schemas, with its definition as the server keeps it ('' when not shown) and
 *  its definer ('user@host'). */
export interface ServerView { what: string; schema: string; definition: string; definer: string }

/** The accounts a fresh install's views in mysql and sys are defined by: MariaDB's, MySQL's. */
const SERVER_DEFINERS = new Set(['mariadb.sys@localhost', 'mysql.sys@localhost']);

/**
 * Throws PinRefusal for a view or a table of an engine not reviewed, unless the step vouches for it. A view in
 * the server's own schemas is handed back, vouched or not: its code decides (checkServerView).
 */
export function checkRelations(rows: RelationRow[], vouched: boolean): ServerView[] {
  const views: ServerView[] = [];
  for (const r of rows) {
    const what = `${String(r.s)}.${String(r.n)}`;
    const view = !isBaseTable(r);
    if (view && Number(r.own) === 1) {
      views.push({ what, schema: String(r.s), definition: typeof r.d === 'string' ? r.d : '', definer: typeof r.w === 'string' ? r.w : '' });
      continue;
    }
    if (vouched) continue;
    if (view && String(r.t).toUpperCase() === 'VIEW') {
      throw new PinRefusal(`it reads ${what}, a view: the server runs its definition, and a stored function there may act (a lock, a sleep), so it is not known to be read-only: not run as a read`);
    }
    if (view) throw new PinRefusal(`it reads ${what}, ${kindOf(r)}, not a base table the engine has reviewed reading: not known to be read-only: not run as a read`);
    if (!PLAIN.has(String(r.e).toLowerCase())) {
      throw new PinRefusal(`it reads ${what}, a table of the ${String(r.e)} engine, which may reach another server or file: not known to be read-only: not run as a read`);
    }
  }
  return views;
}

/**
 * A generated column is code the server runs for each row a read reaches (a probe of stop 69: a virtual column
 * `DEFAULT(a)` over `NEXTVAL(s1)` crashed MariaDB at a dry run's plain SELECT; `CONVERT_TZ(…, email)` opened a
 * time zone table an administrator had made FEDERATED, and left a thread nobody could kill). Its expression, as the
 * server keeps it, must be proven a read by the same classifier as the read's own text.
 */
function checkGeneratedColumn(what: string, expression: string): void {
  const verdict = expression.trim() ? classifyViewDefinition(`SELECT ${expression}`) : { readOnly: false, why: 'not shown to this account' };
  if (!verdict.readOnly) {
    throw new PinRefusal(`it reads ${what}, whose generated column the server computes as it reads each row, and its expression (${expression.slice(0, 120) || 'not shown'}) is not proven a read (${verdict.why ?? 'not read-only'}): not run as a read`);
  }
}

/**
 * A view in mysql or sys is the server's own (mysql.user on MariaDB) only when it is defined by the account a
 * fresh install defines them by, and its definition, as the server keeps it, is itself proven a read: an
 * administrator can create one there, or replace mysql.user, with any definer (that account's name too), and a
 * function it calls then runs inside every read of it (issue #45). Vouching does not cover it: it is not the
 * author's code. Gives back the relations the definition reads, to be asked about in turn.
 */
export function checkServerView(view: ServerView): MysqlRelation[] {
  const refuse = (why: string) => new PinRefusal(`it reads ${view.what}, a view in the server's own schema whose definition ${why}; a view there counts as the server's own only when its code is proven a read (safe_because cannot vouch for it): not run as a read`);
  if (view.definition.trim() === '') throw refuse(`this account cannot see (GRANT SHOW VIEW ON ${view.schema}.* to it lets the engine read it)`);
  if (!SERVER_DEFINERS.has(view.definer)) {
    throw new PinRefusal(`it reads ${view.what}, a view in the server's own schema defined by ${view.definer || 'an account not shown'}, not by the server (${[...SERVER_DEFINERS].join(' or ')}) (safe_because cannot vouch for it): not run as a read`);
  }
  const verdict = classifyViewDefinition(view.definition);
  if (!verdict.readOnly) throw refuse(`is not proven a read (${verdict.why ?? 'not read-only'})`);
  const relations = mysqlRelations(view.definition);
  if (!relations) throw refuse('cannot be read');
  // A name the definition leaves unqualified is the view's own schema's (the server stores them qualified).
  return relations.map(([schema, name]): MysqlRelation => [schema ?? view.schema, name]).filter(([schema]) => !isVirtualSchema(schema));
}
