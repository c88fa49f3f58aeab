// PostgreSQL's own catalog rows given code someone created (issue #45, a probe of stop 66). A superuser can hang
// code on PostgreSQL's own objects without creating one of them: a planner support function on a built-in
// (`ALTER FUNCTION pg_catalog.current_setting(text) SUPPORT f`: f runs whenever a query calling it is planned,
// the engine's own pin queries included), a selectivity estimator on a built-in operator (`ALTER OPERATOR =
// (int8, int4) SET (RESTRICT = f)`: f runs when a WHERE clause using it is planned), a type's binary I/O or
// typmod functions, a cast's or an aggregate's functions. f is usually `LANGUAGE internal` bound to any C
// symbol of the server (pg_terminate_backend, pg_advisory_lock_int8), so it passes as "the server's own code".
//
// The question is asked before the engine plans anything else on a session, so it must not be one the hooks
// answer themselves: no function call, operator, WHERE clause or join (each is a place the planner calls a
// support function or an estimator), only columns, casts PostgreSQL makes by relabelling (regproc to oid),
// GREATEST (evaluated by the type's comparison, costed as one operator, never asking a support function) and a
// sort. Each catalog's largest OID of code comes back; only when one is someone's (an extension's operators
// and types have their own) are that catalog's rows all read, still without a WHERE, and judged here.
import { FIRST_USER_OID } from './pg-pin-sql.js';

type Query = (sql: string) => Promise<{ rows: Record<string, unknown>[] }>;

const oid = (column: string): string => `${column}::pg_catalog.oid`;
const greatest = (columns: string[]): string => (columns.length === 1 ? oid(columns[0]!) : `GREATEST(${columns.map(oid).join(', ')})`);

/**
 * Each catalog: the code its rows name, what a row is called, and how one is shown (its own OID). `since`: the
 * first major with the columns. `anyRow`: a row someone created counts too (a default conversion someone made
 * converts every message of a session whose encodings it names, from the login on).
 */
interface Catalog { name: string; what: string; key: string; code: string[]; since?: number; anyRow?: boolean }
const CATALOGS: readonly Catalog[] = [
  { name: 'pg_proc', what: 'support function of', key: 'oid', code: ['prosupport'] },
  { name: 'pg_operator', what: 'function or estimator of the operator', key: 'oid', code: ['oprcode', 'oprrest', 'oprjoin'] },
  { name: 'pg_type', what: 'I/O or typmod function of the type', key: 'oid', code: ['typinput', 'typoutput', 'typreceive', 'typsend', 'typmodin', 'typmodout', 'typanalyze'] },
  { name: 'pg_type', what: 'subscripting function of the type', key: 'oid', code: ['typsubscript'], since: 14 },
  { name: 'pg_cast', what: 'function of the cast', key: 'oid', code: ['castfunc'] },
  { name: 'pg_aggregate', what: 'function of the aggregate', key: 'aggfnoid',
    code: ['aggtransfn', 'aggfinalfn', 'aggcombinefn', 'aggserialfn', 'aggdeserialfn', 'aggmtransfn', 'aggminvtransfn', 'aggmfinalfn'] },
  // Operator families: the hash and comparison functions and the operators a plan of a built-in type uses.
  { name: 'pg_amproc', what: 'support function of the operator family member', key: 'oid', code: ['amproc'] },
  { name: 'pg_amop', what: 'operator of the operator family member', key: 'oid', code: ['amopopr'] },
  { name: 'pg_am', what: 'handler of the access method', key: 'oid', code: ['amhandler'] },
  { name: 'pg_range', what: 'function of the range type', key: 'rngtypid', code: ['rngsubdiff', 'rngcanonical'] },
  { name: 'pg_language', what: 'handler of the language', key: 'oid', code: ['lanplcallfoid', 'laninline', 'lanvalidator'] },
  { name: 'pg_conversion', what: 'function of the encoding conversion', key: 'oid', code: ['conproc', 'oid'], anyRow: true },
];

/** The catalogs whose columns a server of `major` has (0: unknown, the oldest columns only). */
const catalogsOf = (major: number): Catalog[] => CATALOGS.filter((c) => (c.since ?? 0) <= major);

/** One row per catalog: the largest OID of code any of its rows names. */
export const hooksSql = (catalogs: readonly Catalog[]): string => catalogs.map((c) =>
  `(SELECT ${CATALOGS.indexOf(c)} AS i, ${greatest([...c.code])} AS x FROM pg_catalog.${c.name} ORDER BY 2 DESC LIMIT 1)`).join(' UNION ALL ');

/** The question for the newest major the engine knows (tests ask it directly). */
export const HOOKS_SQL = hooksSql(catalogsOf(Infinity));

/** Every row of one catalog: its own OID and the largest OID of code it names. */
const rowsSql = (c: Catalog): string => `SELECT ${oid(c.key)} AS o, ${greatest([...c.code])} AS x FROM pg_catalog.${c.name}`;

/** Login event triggers (PostgreSQL 17+): their code ran when the engine logged in, before anything was asked.
 *  Columns as they are (name to text is a cast by a function). */
const LOGIN_SQL = 'SELECT e.evtname AS name, e.evtevent AS event, e.evtenabled AS enabled FROM pg_catalog.pg_event_trigger e';

const userMade = (v: unknown): boolean => Number(v) >= FIRST_USER_OID;
const UNDEFINED_COLUMN = '42703';

/**
 * What of PostgreSQL's own catalog rows names code someone created, said for the operator; undefined when
 * nothing does. Asked on a fresh session, before the engine's first query of its own.
 */
export async function catalogHooks(query: Query): Promise<string | undefined> {
  // SHOW is not planned: nothing can hook it.
  const major = Math.floor(Number((await query('SHOW server_version_num')).rows[0]?.server_version_num ?? 0) / 10000);
  const largest = await query(hooksSql(catalogsOf(major))).then((r) => r.rows, (err: unknown) => {
    // A server before PostgreSQL 12 has no support functions (prosupport): no read is proven there (the engine
    // reads 15's to 18's grammars), and its own queries are asked as before.
    if ((err as { code?: unknown }).code === UNDEFINED_COLUMN) return [];
    throw err;
  });
  for (const row of largest) {
    if (!userMade(row.x)) continue;
    const c = CATALOGS[Number(row.i)]!;
    const hooked = (await query(rowsSql(c))).rows.find((r) => (c.anyRow || !userMade(r.o)) && userMade(r.x));
    if (!hooked) continue;
    if (userMade(hooked.o)) return `the server has a ${c.what.replace(/^function of the /, '')} someone created (OID ${String(hooked.o)}), which it may run for every message of a session`;
    return `PostgreSQL's own ${c.name} row ${String(hooked.o)} was given code someone created (OID ${String(hooked.x)}, a ${c.what} it)`;
  }
  const login = (await query(LOGIN_SQL)).rows.find((r) => r.event === 'login' && r.enabled !== 'D');
  if (login) return `the server runs code someone attached to logging in (the event trigger ${String(login.name)}): it ran when the engine logged in`;
  return undefined;
}
