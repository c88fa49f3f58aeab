// PostgreSQL's own catalog rows, compared with a fresh install of the server's major (a probe of stop 68): a
// superuser can point a built-in operator's function (`UPDATE pg_operator SET oprcode = 'pg_terminate_backend
// (int4,int8)'::regprocedure`) or a built-in cast's (`castfunc` to pg_cancel_backend) at another of the server's
// own functions, or edit a built-in's C symbol or SQL body (`prosrc`). Each still names code PostgreSQL made, so
// asking who made it passes; the server runs whatever the row names, in a proven read and in the engine's own
// login query. Rows of a major's own catalogs do not change within the major (their contents are fixed with its
// catalog version, the same in every build and minor release), so a digest of them per major says whether any
// was edited. Only rows below OID 12000: those come from PostgreSQL's source files (genbki), numbered the same in
// every install; initdb's scripts make the rest, whose OIDs depend on the order and number of what it makes.
import { createHash } from 'node:crypto';
import { FRESH_CATALOG_DIGESTS } from './pg-fresh-catalogs.js';
import { type Catalog, catalogsOf, KEY_ROW_OF, NAMES_ROW_OF } from './pg-code-catalogs.js';

/** Below this OID a row comes from PostgreSQL's source files (FirstUnpinnedObjectId). */
export const FIRST_INITDB_OID = 12000;

/** One catalog question's rows: the key is c0; `columns` are the others, in order. */
export function builtinRowsDigest(rows: readonly Record<string, unknown>[], columns: readonly string[]): string {
  const lines = rows.filter((r) => Number(r.c0) < FIRST_INITDB_OID).map((r) => [r.c0, ...columns.map((c) => r[c])].map(digestText).join('\t'));
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 32);
}

/** A column's text as digested. A stored expression (an argument default) without its `:location`, the offset of
 *  its text in the script that made it: a minor release may move it, and the digest is per major. */
const digestText = (v: unknown): string => (v === null ? '\\N' : String(v).replace(/ :location -?\d+/g, ''));

/** Whether the rows are a fresh install's; undefined when the engine has no digest for this major or question. */
export function freshRows(major: number, question: string, digest: string): boolean | undefined {
  const expected = FRESH_CATALOG_DIGESTS[major]?.[question];
  return expected === undefined ? undefined : expected === digest;
}

// What initdb's scripts make (OIDs 12000–16383: information_schema and its functions and domains, the system
// views and their functions, the text search dictionaries), numbered by the order and number of what initdb made
// before them (the operating system's collations among it): compared by name, as PostgreSQL's own functions deparse
// them. A stop-68 probe repointed information_schema._pg_char_max_length at the C symbol pg_stat_reset, and a read
// of information_schema.columns wiped the database's statistics. Asked only once the rows below 12000 are known to
// be a fresh install's, since this question calls PostgreSQL's functions and operators (every name qualified). It
// goes in one round trip with the login-trigger question: a login on a slow path has no round trip to spare. Not
// the system views (deparsing them cost 19 of its 22 ms): the stored code of every view a read names is read at
// the read (pg-pin-sql.ts), PostgreSQL's own included.
const IN_RANGE = (oid: string) => `${oid} OPERATOR(pg_catalog.>=) ${FIRST_INITDB_OID}::pg_catalog.oid AND ${oid} OPERATOR(pg_catalog.<) 16384::pg_catalog.oid`;
const J = (a: string, b: string) => `${a} OPERATOR(pg_catalog.=) ${b}`;
/** The reg* type that prints a row of a catalog by name: cheaper than pg_identify_object (a probe's measure: 1 ms
 *  against 14 for 532 configuration mappings), which names the rest. Neither is translated (pg_describe_object is:
 *  a server with another lc_messages would never match the digest). */
const REG_TYPE: Readonly<Record<string, string>> = { pg_proc: 'regprocedure', pg_type: 'regtype', pg_operator: 'regoperator', pg_ts_dict: 'regdictionary', pg_ts_config: 'regconfig' };
const named = (oid: string, catalog: string) => (REG_TYPE[catalog] ? `pg_catalog.format('%s', ${oid}::pg_catalog.${REG_TYPE[catalog]})`
  : `(pg_catalog.pg_identify_object('pg_catalog.${catalog}'::pg_catalog.regclass::pg_catalog.oid, ${oid}, 0)).identity`);

/** A row an OID column names: below 12000 by number (the same in every install), above by its name (initdb numbers
 *  its objects by the order and number of what it made before them). */
const byName = (value: string, catalog: string) => `CASE WHEN ${value}::pg_catalog.oid OPERATOR(pg_catalog.<) ${FIRST_INITDB_OID}::pg_catalog.oid
     THEN pg_catalog.format('%s', ${value}::pg_catalog.oid) ELSE ${named(`${value}::pg_catalog.oid`, catalog)} END`;

/** Every code column of every row initdb's scripts made, in each catalog whose rows name code (pg-code-catalogs.ts),
 *  by name: the lines above compare what initdb made by hand-picked columns, and a probe of stop 80 pointed the
 *  snowball template's lexize function (the dictionary of every language's configuration, english the default)
 *  at pg_stat_reset: `'disk full' @@ 'disk'`, a proven read of the application's role, reset the statistics in a
 *  dry run. */
const initdbCode = (catalogs: readonly Catalog[]): string[] => catalogs.filter((c) => c.code.length).map((c) => {
  const key = named(`r.${c.key}::pg_catalog.oid`, c.key === 'oid' ? c.name : KEY_ROW_OF[c.key]!);
  const code = c.code.map((col) => byName(`r.${col}`, NAMES_ROW_OF[col] ?? 'pg_proc'));
  return `SELECT '${c.name}(${c.code.join(',')})', ${key}, pg_catalog.concat_ws(' | ', ${code.join(', ')})
   FROM pg_catalog.${c.name} r WHERE ${IN_RANGE(`r.${c.key}::pg_catalog.oid`)}`;
});

export const INITDB_MADE_SQL = [
  `SELECT 'function' AS k, pg_catalog.format('%s.%s(%s)', n.nspname, p.proname, pg_catalog.pg_get_function_identity_arguments(p.oid)) AS name,
     pg_catalog.md5(pg_catalog.concat_ws(' | ', l.lanname, p.prosrc, p.probin, pg_catalog.pg_get_function_sqlbody(p.oid), p.prosupport::pg_catalog.regproc,
       p.provolatile, p.prosecdef, p.proconfig, pg_catalog.pg_get_function_arguments(p.oid), p.prokind, p.proisstrict, p.proretset)) AS body
   FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON ${J('n.oid', 'p.pronamespace')} JOIN pg_catalog.pg_language l ON ${J('l.oid', 'p.prolang')}
   WHERE ${IN_RANGE('p.oid')}`,
  `SELECT 'type', pg_catalog.format_type(t.oid, NULL), pg_catalog.concat_ws(' | ', t.typinput::pg_catalog.regproc, t.typoutput::pg_catalog.regproc,
     t.typreceive::pg_catalog.regproc, t.typsend::pg_catalog.regproc, t.typmodin::pg_catalog.regproc, t.typmodout::pg_catalog.regproc,
     t.typanalyze::pg_catalog.regproc, t.typsubscript::pg_catalog.regproc, pg_catalog.format_type(t.typelem, NULL), pg_catalog.format_type(t.typbasetype, NULL))
   FROM pg_catalog.pg_type t WHERE ${IN_RANGE('t.oid')}`,
  `SELECT 'constraint', pg_catalog.format('%s on %s%s', c.conname, pg_catalog.format_type(c.contypid, NULL), c.conrelid::pg_catalog.regclass), pg_catalog.pg_get_constraintdef(c.oid)
   FROM pg_catalog.pg_constraint c WHERE ${IN_RANGE('c.oid')}`,
  `SELECT 'cast', pg_catalog.format('%s as %s', pg_catalog.format_type(c.castsource, NULL), pg_catalog.format_type(c.casttarget, NULL)), c.castfunc::pg_catalog.regprocedure::pg_catalog.text
   FROM pg_catalog.pg_cast c WHERE ${IN_RANGE('c.oid')}`,
  `SELECT 'operator', o.oid::pg_catalog.regoperator::pg_catalog.text, o.oprcode::pg_catalog.regproc::pg_catalog.text FROM pg_catalog.pg_operator o WHERE ${IN_RANGE('o.oid')}`,
  `SELECT 'dictionary', d.dictname::pg_catalog.text, pg_catalog.concat_ws(' | ', t.tmplname, d.dictinitoption) FROM pg_catalog.pg_ts_dict d
   JOIN pg_catalog.pg_ts_template t ON ${J('t.oid', 'd.dicttemplate')} WHERE ${IN_RANGE('d.oid')}`,
  `SELECT 'configuration', c.cfgname::pg_catalog.text, p.prsname::pg_catalog.text FROM pg_catalog.pg_ts_config c
   JOIN pg_catalog.pg_ts_parser p ON ${J('p.oid', 'c.cfgparser')} WHERE ${IN_RANGE('c.oid')}`,
  `SELECT 'mapping', pg_catalog.format('%s %s %s', c.cfgname, m.maptokentype, m.mapseqno), d.dictname::pg_catalog.text FROM pg_catalog.pg_ts_config_map m
   JOIN pg_catalog.pg_ts_config c ON ${J('c.oid', 'm.mapcfg')} JOIN pg_catalog.pg_ts_dict d ON ${J('d.oid', 'm.mapdict')} WHERE ${IN_RANGE('m.mapcfg')}`,
  ...initdbCode(catalogsOf(14)),
].join('\nUNION ALL\n');

/** The question's key among a major's digests. */
export const INITDB_MADE = 'initdb-made';

/** The question, when the engine has a fresh install's digests for the major (else nothing says its calls are
 *  safe, and it is not asked). */
export const initdbMadeSql = (major: number): string | undefined => (FRESH_CATALOG_DIGESTS[major]?.[INITDB_MADE] !== undefined ? INITDB_MADE_SQL : undefined);

/** The digest of the question's rows (asked under `search_path = pg_catalog, pg_temp`: its names print so). */
export function initdbMadeDigest(rows: readonly Record<string, unknown>[]): string {
  const lines = rows.map((r) => [r.k, r.name, r.body].map((v) => (v === null ? '\\N' : String(v))).join('\t'));
  return createHash('sha256').update(lines.sort().join('\n')).digest('hex').slice(0, 32);
}

/** Why the session refuses when what initdb's scripts made is not a fresh install's; undefined when it is. */
export function initdbMadeChanged(major: number, rows: readonly Record<string, unknown>[]): string | undefined {
  if (FRESH_CATALOG_DIGESTS[major]?.[INITDB_MADE] === initdbMadeDigest(rows)) return undefined;
  return `PostgreSQL's own objects made by initdb (information_schema, the system views and their functions, text search dictionaries) are not those of a fresh PostgreSQL ${major}: one was edited in place, and the server runs what it now says`;
}
