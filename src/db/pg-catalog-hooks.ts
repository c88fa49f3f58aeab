// PostgreSQL's own catalog rows given code someone created (issue #45, a probe of stop 66). A superuser can hang
// code on PostgreSQL's own objects without creating one of them: a planner support function on a built-in
// (`ALTER FUNCTION pg_catalog.current_setting(text) SUPPORT f`: f runs whenever a query calling it is planned,
// the engine's own pin queries included), a selectivity estimator on a built-in operator (`ALTER OPERATOR =
// (int8, int4) SET (RESTRICT = f)`: f runs when a WHERE clause using it is planned), a type's binary I/O or
// typmod functions, a cast's or an aggregate's functions. f is usually `LANGUAGE internal` bound to any C
// symbol of the server (pg_terminate_backend, pg_advisory_lock_int8), so it passes as "the server's own code".
//
// The question is asked before the engine plans anything else on a session, so it must not be one the hooks
// answer themselves: no function call, operator, WHERE clause, join, sort or GREATEST (each is a place the planner
// calls a support function or an estimator, or the executor an operator family's comparison or sort support, which
// can be edited in place too: a probe of stop 66 hooked the first version's ORDER BY through oid_ops), only plain
// columns and casts PostgreSQL makes by relabelling (regproc to oid), asked after pg_cast's own rows, which say
// how the server makes those casts. Every row of each catalog comes back, a few
// thousand, once per session, and is judged here. What is left: the types' own output functions (oidout), which
// only an UPDATE of pg_type's output column could change.
import type { CopyRow, CopyTable } from './pg-copy-out.js';
import { builtinRowsDigest, freshRows, INITDB_MADE, INITDB_MADE_SQL, initdbMadeChanged, initdbMadeDigest, initdbMadeSql } from './pg-builtin-rows.js';
import { type Catalog, CATALOGS, catalogsOf } from './pg-code-catalogs.js';
import { userMadeOid as userMade } from './pg-pin-sql.js';

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

const oid = (column: string): string => `${column}::pg_catalog.oid`;

/** Every row of one catalog: its key and each OID it names, plain columns (relabelled to oid), nothing else. */
const rowsSql = (c: Catalog): string => `SELECT ${[...[c.key, ...c.code].map((col, i) => `${oid(col)} AS c${i}`), ...(c.body ?? []).map((col, i) => `${col} AS b${i}`)].join(', ')} FROM pg_catalog.${c.name}`;

/** How a question is named among a fresh install's digests, and the columns of its rows besides the key. */
export const questionName = (c: Catalog): string => `${c.name}(${[...c.code, ...(c.body ?? [])].join(',')})`;
const rowColumns = (c: Catalog): string[] => [...c.code.map((_, k) => `c${k + 1}`), ...(c.body ?? []).map((_, k) => `b${k}`)];

/** Each question of `major` with its digest: what test/hardening/sql-pg-builtin-rows.test.ts records of a fresh server. */
export async function catalogDigests(query: Query, major: number): Promise<Record<string, string>> {
  const catalogs = catalogsOf(major);
  const results = await query(catalogs.map(rowsSql).join(';\n')) as unknown as { rows: Record<string, unknown>[] }[];
  const initdb = await query(underCatalogPath(INITDB_MADE_SQL)) as unknown as { rows: Record<string, unknown>[] }[];
  return { ...Object.fromEntries(catalogs.map((c, i) => [questionName(c), builtinRowsDigest(results[i]!.rows, rowColumns(c))])), [INITDB_MADE]: initdbMadeDigest(initdb[1]!.rows) };
}

/** Statements asked under pg_catalog's search path (PostgreSQL's functions print names qualified as the path makes
 *  them visible), the session's own put back after: their answers are the 2nd to the (n+1)th. */
const underCatalogPath = (...sql: string[]): string => ['SET search_path = pg_catalog, pg_temp', ...sql, 'RESET search_path'].join(';\n');

/** What one catalog's rows say, for the operator: a row someone created that the server may run for every message
 *  of a session, a built-in row given code someone created, or built-in rows edited in place (the digest). */
function rowsProblem(c: Catalog, rows: Record<string, unknown>[], major: number): string | undefined {
  const row = rows.find((r) => (c.anyRow || !userMade(r.c0)) && c.code.some((_, k) => userMade(r[`c${k + 1}`])));
  if (row) {
    const code = c.code.map((_, k) => row[`c${k + 1}`]).find(userMade);
    if (userMade(row.c0)) return `the server has a ${c.what.replace(/^function of the /, '')} someone created (OID ${String(row.c0)}), which it may run for every message of a session`;
    return `PostgreSQL's own ${c.name} row ${String(row.c0)} was given code someone created (OID ${String(code)}, a ${c.what} it)`;
  }
  if (freshRows(major, questionName(c), builtinRowsDigest(rows, rowColumns(c))) !== false) return undefined;
  return `PostgreSQL's own ${c.name} rows are not those of a fresh PostgreSQL ${major}: one was edited in place (its ${[...c.code, ...(c.body ?? [])].join(', ')}), and the server runs what the row now names`;
}

/** The question for the newest major the engine knows (tests ask it directly): one result per catalog. */
export const HOOKS_SQL = catalogsOf(Infinity).map(rowsSql).join(';\n');

/** Login event triggers (PostgreSQL 17+): their code ran when the engine logged in, before anything was asked.
 *  Columns as they are (name to text is a cast by a function). */
const LOGIN_SQL = 'SELECT e.evtname AS name, e.evtevent AS event, e.evtenabled AS enabled FROM pg_catalog.pg_event_trigger e';

const UNDEFINED_COLUMN = '42703';

const CASTS = CATALOGS.find((c) => c.name === 'pg_cast')!;

/** pg_cast's columns its question reads, asked by COPY in the session's first message (pg-first-question.ts): a
 *  SELECT of pg_cast there would be planned before anything said the planner runs nothing of someone's over it. */
export const CAST_COLUMNS: CopyTable = { table: `pg_catalog.${CASTS.name}`, columns: [CASTS.key, ...CASTS.code] };

/** CAST_COLUMNS' rows as its question's (c0 the key, c1 the function), for catalogHooks. */
export const castRows = (rows: readonly CopyRow[]): Record<string, unknown>[] => rows.map((r) => Object.fromEntries(r.map((v, i) => [`c${i}`, v])));

/**
 * What of PostgreSQL's own catalog rows names code someone created, said for the operator; undefined when
 * nothing does. Asked on a fresh session, before the engine's first query of its own, with the major and pg_cast's
 * rows the session's first message read (pg-first-question.ts).
 */
export async function catalogHooks(query: Query, { major, casts }: { major: number; casts: Record<string, unknown>[] }): Promise<string | undefined> {
  // pg_cast first, on its own: the rest casts regproc columns to oid, and the server runs whatever function
  // pg_cast's row for that pair names (a probe of stop 69 pointed it at a plpgsql function, which terminated a
  // session before the answer that named it was judged). Its own rows were read by COPY: nothing cast, nothing planned.
  const castProblem = rowsProblem(CASTS, casts, major);
  if (castProblem) return castProblem;
  const catalogs = catalogsOf(major).filter((c) => c !== CASTS);
  const results = await query(catalogs.map(rowsSql).join(';\n')).then((r) => (Array.isArray(r) ? r : [r]) as { rows: Record<string, unknown>[] }[], (err: unknown) => {
    // A server before PostgreSQL 12 has no support functions (prosupport): no read is proven there (the engine
    // reads 15's to 18's grammars), and its own queries are asked as before.
    if ((err as { code?: unknown }).code === UNDEFINED_COLUMN) return undefined;
    throw err;
  });
  for (const [i, c] of (results ? catalogs : []).entries()) {
    const edited = rowsProblem(c, results![i]!.rows, major);
    if (edited) return edited;
  }
  // Only now, PostgreSQL's own rows below 12000 known to be a fresh install's, may a question call its functions.
  // PostgreSQL's functions print names qualified as the search path makes them visible: the role's own path (a
  // hostile schema first) would change the deparsed text, so the question reads under pg_catalog's, then the
  // session's own is put back (RESET: the role's, the database's or the login's, as before).
  const initdbSql = initdbMadeSql(major);
  const answers = await query(initdbSql ? underCatalogPath(initdbSql, LOGIN_SQL) : LOGIN_SQL) as unknown as { rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[];
  const [initdb, logins] = Array.isArray(answers) ? [answers[1]!, answers[2]!] : [undefined, answers];
  const changed = initdb && initdbMadeChanged(major, initdb.rows);
  if (changed) return changed;
  const login = logins.rows.find((r) => r.event === 'login' && r.enabled !== 'D');
  if (login) return `the server runs code someone attached to logging in (the event trigger ${String(login.name)}): it ran when the engine logged in`;
  return undefined;
}
