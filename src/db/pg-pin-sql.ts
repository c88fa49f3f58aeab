// The SQL that pins a PostgreSQL read (db/pg-pin.ts). It is sent in the same simple-protocol message as BEGIN,
// so the server lexes all of it under the session's settings as they are before the pin: it is ASCII only
// (every client encoding reads ASCII alike) and holds no backslash (standard_conforming_strings on or off read
// it alike). The search_path statement runs under the role's own path, which may put a hostile schema first:
// every function, operator and type it names is qualified with pg_catalog.
import { SETTINGS_READ_BACK_SQL } from './pg-unpinned-settings.js';

/** What the pin sets, and what current_setting() must then say. */
export const PINNED = {
  standard_conforming_strings: 'on',
  backslash_quote: 'safe_encoding',
  client_encoding: 'UTF8',
  // The engine's own text differs from the author's where these read them differently: an IN list it writes as
  // `= ANY ('{"x",NULL}')` holds the string 'NULL' under array_nulls = off, and `x = NULL` is `x IS NULL` under
  // transform_null_equals = on only as a bare `=`, never as the OPERATOR(pg_catalog.=) it sends (a probe: the
  // screen showed 1 where the text reads 0). Pinned to PostgreSQL's defaults: the standard reading, everywhere.
  array_nulls: 'on',
  transform_null_equals: 'off',
  // The values a statement returns, as node-postgres parses them and the screen shows them: a role's
  // extra_float_digits = -15 printed a lag of 149 as 1e+02, read as 100, and the run routed on it; a DateStyle of
  // 'SQL, DMY' turned dates round (a probe of stop 72). PostgreSQL's defaults, and money in the C locale.
  extra_float_digits: '1',
  datestyle: 'ISO, MDY',
  intervalstyle: 'postgres',
  bytea_output: 'hex',
  lc_monetary: 'C',
  // A role may set these on itself: the server then logs each statement's tree or plan, a bind parameter folded
  // into it as a constant, its bytes in clear (a secret given to a step reached the log so: a probe of stop 73).
  debug_print_parse: 'off',
  debug_print_rewritten: 'off',
  debug_print_plan: 'off',
  // Who the session is: the URL's user. A database's owner (no superuser) may `ALTER DATABASE … SET role` to their
  // own role, and every session there, a superuser's too, then ran as it: pg_stat_activity hid the other roles'
  // sessions, a full server read 0 of 17 used and the run ended resolved (a probe of stop 73). 'none' is the
  // session user (SET ROLE NONE).
  role: 'none',
  // What a read's values are, set on the role by its owner (no superuser needed): gin_fuzzy_search_limit = 10 made
  // a count over a GIN index 6 of 2,500; to_char's separators and month names follow lc_numeric and lc_time, xml's
  // bytes xmlbinary, a timestamp's zone abbreviation timezone_abbreviations, quote_ident() quote_all_identifiers
  // (a probe of stop 75). PostgreSQL's defaults (C for the locales, as lc_monetary). Any other setting away from its
  // default is refused where not reviewed (pg-unpinned-settings.ts).
  gin_fuzzy_search_limit: '0',
  lc_numeric: 'C',
  lc_time: 'C',
  xmlbinary: 'base64',
  xmloption: 'content',
  timezone_abbreviations: 'Default',
  quote_all_identifiers: 'off',
} as const;

/** A read's transaction: READ ONLY, and READ COMMITTED whatever the role's default_transaction_isolation. Under
 *  SERIALIZABLE a read-only transaction still joins the server's read/write dependency tracking, and a probe's
 *  read made an application's serializable transaction fail at commit as the pivot of a cycle (its INSERT lost).
 *  READ COMMITTED takes no predicate locks, and each statement of the read sees what is committed when it starts:
 *  the checks that follow a relation's lock (pg-pin-relations.ts) read the definitions the statement will run, where
 *  under REPEATABLE READ they read the transaction's first snapshot while the planner read the catalog as it is now
 *  (a view replaced meanwhile ran unchecked: test/hardening/sql-pg-ddl-race.test.ts). Read back. */
export const BEGIN_READ = 'BEGIN ISOLATION LEVEL READ COMMITTED READ ONLY';
export const READ_ISOLATION = 'read committed';

export const SET_PINNED = Object.entries(PINNED).map(([k, v]) => `SET LOCAL ${k} = '${v}'`);

/** The same settings for the session, sent as a message of their own before a destructive step's: the server
 *  converts and lexes a message's text with the settings in force when it arrives, and a trigger of an earlier
 *  gated step had set client_encoding to SJIS, so a gate showing one UPDATE ran an UPDATE of every row and a
 *  DELETE (0x81 0x5C: the backslash eaten, the quote closed; a probe of stop 72). */
export const SESSION_PINNED = Object.entries(PINNED).map(([k, v]) => `SET ${k} = '${v}'`).join('; ');

/** A value as text by its type's own output function, an oid from text by oid's own input function: never a cast
 *  (regclass, regprocedure, regtype and regoperator have none to text, nor text to oid, so a superuser can create
 *  one, and it would run inside these very queries, before the client reads the planted-objects answer). */
export const asText = (expr: string) => `pg_catalog.format('%s', ${expr})`;
export const asOid = (expr: string) => `pg_catalog.oidin(pg_catalog.textout(${expr}))`;
/** A stored tree's text with every run of whitespace one space (the server's node reader skips any run of it). */
export const spaced = (tree: string) => `pg_catalog.regexp_replace(${tree}::pg_catalog.text, '[[:space:]]+', ' ', 'g')`;

/** pg_catalog's namespace oid: fixed by initdb in every version. */
export const CATALOG = 11;
export const eq = 'OPERATOR(pg_catalog.=)';
/** pg_proc's own oid (its pg_class row), fixed by initdb in every version. */
const PG_PROC_CLASS = '1255::pg_catalog.oid';
export const ne = 'OPERATOR(pg_catalog.<>)';

/**
 * search_path = pg_catalog, then the role's own schemas (so that unqualified tables still resolve as the role
 * expects) except those holding a function or operator named like one of pg_catalog's with other argument types
 * (it could win overload resolution: `public.length(varchar)` beats `pg_catalog.length(text)` for a varchar),
 * more defaults or another variadic; an exact twin (pgcrypto's gen_random_uuid()) loses to pg_catalog's, which
 * comes first. Then pg_temp, which is never searched for functions or operators and last for relations and types.
 */
export const PATH_SQL = `SELECT pg_catalog.set_config('search_path', pg_catalog.array_to_string(ARRAY(
  SELECT p.name FROM (
    SELECT 0::pg_catalog.int8 AS i, 'pg_catalog'::pg_catalog.text AS name
    UNION ALL
    SELECT s.i, pg_catalog.quote_ident(n.nspname)
    FROM pg_catalog.unnest(pg_catalog.current_schemas(false)) WITH ORDINALITY AS s(name, i)
    JOIN pg_catalog.pg_namespace n ON n.nspname ${eq} s.name
    WHERE n.oid ${ne} ${CATALOG} AND n.oid ${ne} pg_catalog.pg_my_temp_schema()
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_proc f WHERE f.pronamespace ${eq} n.oid
        AND EXISTS (SELECT FROM pg_catalog.pg_proc b WHERE b.proname ${eq} f.proname AND b.pronamespace ${eq} ${CATALOG})
        AND NOT EXISTS (SELECT FROM pg_catalog.pg_proc b WHERE b.proname ${eq} f.proname AND b.pronamespace ${eq} ${CATALOG}
          AND b.proargtypes ${eq} f.proargtypes AND b.provariadic ${eq} f.provariadic AND f.pronargdefaults OPERATOR(pg_catalog.<=) b.pronargdefaults))
      AND NOT EXISTS (SELECT FROM (SELECT o.* FROM pg_catalog.pg_operator o WHERE o.oprnamespace ${eq} n.oid OFFSET 0) o -- the schema's few first
        WHERE EXISTS (SELECT FROM pg_catalog.pg_operator b WHERE b.oprname ${eq} o.oprname AND b.oprnamespace ${eq} ${CATALOG})
        AND NOT EXISTS (SELECT FROM pg_catalog.pg_operator b WHERE b.oprname ${eq} o.oprname AND b.oprnamespace ${eq} ${CATALOG}
          AND b.oprleft ${eq} o.oprleft AND b.oprright ${eq} o.oprright))
    UNION ALL
    SELECT 9223372036854775807, 'pg_temp') p ORDER BY p.i), ', '), true) AS path`;

/** The first OID initdb leaves to objects created later (FirstNormalObjectId): below it, PostgreSQL's own. */
export const FIRST_USER_OID = 16384;
/** An OID as the server sent it (text): one someone created, or one of PostgreSQL's own. Not a number: neither. */
export const userMadeOid = (v: unknown): boolean => /^\d+$/.test(String(v)) && Number(v) >= FIRST_USER_OID;
export const builtinOid = (v: unknown): boolean => /^\d+$/.test(String(v)) && Number(v) < FIRST_USER_OID;
export const userMade = (oid: string) => `${oid} OPERATOR(pg_catalog.>=) ${FIRST_USER_OID}::pg_catalog.oid`;
/** PostgreSQL's own: written as <, never as NOT (>=), which the planner rewrites with >='s negator (a probe of
 *  stop 66 pointed that negator at its own operator, and this very check ran it). */
export const ownOid = (oid: string) => `${oid} OPERATOR(pg_catalog.<) ${FIRST_USER_OID}::pg_catalog.oid`;

/** Code that is not the server's own: written in SQL or a procedural language; `LANGUAGE internal` that someone
 *  created (`CREATE FUNCTION … LANGUAGE internal AS 'pg_terminate_backend'` gives any of the server's own C
 *  functions a new name and signature: a probe of stop 66 bound one into integer_ops as an in_range support
 *  function); and `LANGUAGE c` that someone created outside an extension (`… LANGUAGE c AS '$libdir/pg_prewarm',
 *  'autoprewarm_dump_now'` binds any symbol of any library the server ships, under any name: a probe of stop 67).
 *  The server's own is PostgreSQL's internal and C functions, and the C functions of an installed extension (its
 *  script made them: pg_trgm's operator classes over text). Written without NOT over an operator (see ownOid). */
const notServerCode = (p: string) => `((${p}.prolang ${ne} 12 OR ${userMade(`${p}.oid`)}) AND (${p}.prolang ${ne} 13 OR (${userMade(`${p}.oid`)} AND NOT EXISTS (
    SELECT FROM pg_catalog.pg_depend d WHERE d.classid ${eq} ${PG_PROC_CLASS} AND d.objid ${eq} ${p}.oid AND d.deptype ${eq} 'e'))))`;

/** PostgreSQL's own catalog rows given code someone created, in place (db/pg-catalog-hooks.ts asks the same
 *  when a session opens, without anything these could take over; here, before each read, for a change since). */
const madeCode = (columns: string[]) => columns.map((c) => userMade(`${c}::pg_catalog.oid`)).join(' OR ');
const inPlaceHooks = [
  `SELECT 'support function of a built-in' AS what, pg_catalog.format('%s', p.oid::pg_catalog.regprocedure) AS shown FROM pg_catalog.pg_proc p
  WHERE ${ownOid('p.oid')} AND ${madeCode(['p.prosupport'])}`,
  `SELECT 'function, estimator, negator or commutator of a built-in operator', pg_catalog.format('%s', o.oid::pg_catalog.regoperator) FROM pg_catalog.pg_operator o
  WHERE ${ownOid('o.oid')} AND (${madeCode(['o.oprcode', 'o.oprrest', 'o.oprjoin', 'o.oprnegate', 'o.oprcom'])})`,
  `SELECT 'function or element type of a built-in type', pg_catalog.format('%s', t.oid::pg_catalog.regtype) FROM pg_catalog.pg_type t
  WHERE ${ownOid('t.oid')} AND (${madeCode(['t.typinput', 't.typoutput', 't.typreceive', 't.typsend', 't.typmodin', 't.typmodout', 't.typanalyze', 't.typsubscript', 't.typelem', 't.typbasetype', 't.typarray'])})`,
  `SELECT 'function of a built-in cast', pg_catalog.format('(%s AS %s)', pg_catalog.format_type(k.castsource, NULL), pg_catalog.format_type(k.casttarget, NULL))
  FROM pg_catalog.pg_cast k WHERE ${ownOid('k.oid')} AND ${madeCode(['k.castfunc'])}`,
  `SELECT 'function of a built-in aggregate', pg_catalog.format('%s', a.aggfnoid::pg_catalog.regprocedure) FROM pg_catalog.pg_aggregate a
  WHERE ${ownOid('a.aggfnoid::pg_catalog.oid')} AND (${madeCode(['a.aggtransfn', 'a.aggfinalfn', 'a.aggcombinefn', 'a.aggserialfn', 'a.aggdeserialfn', 'a.aggmtransfn', 'a.aggminvtransfn', 'a.aggmfinalfn'])})`,
  // What the session's first question also asks (db/pg-catalog-hooks.ts), asked again for a change since.
  `SELECT 'member of a built-in operator family', pg_catalog.format('%s', a.amproc::pg_catalog.regprocedure) FROM pg_catalog.pg_amproc a WHERE ${ownOid('a.oid')} AND ${madeCode(['a.amproc'])}`,
  `SELECT 'member of a built-in operator family', pg_catalog.format('%s', o.amopopr::pg_catalog.regoperator) FROM pg_catalog.pg_amop o WHERE ${ownOid('o.oid')} AND ${madeCode(['o.amopopr'])}`,
  `SELECT 'handler of a built-in access method', pg_catalog.format('%s', m.amname) FROM pg_catalog.pg_am m WHERE ${ownOid('m.oid')} AND ${madeCode(['m.amhandler'])}`,
  `SELECT 'function of a built-in range type', pg_catalog.format('%s', g.rngtypid::pg_catalog.regtype) FROM pg_catalog.pg_range g WHERE ${ownOid('g.rngtypid::pg_catalog.oid')} AND (${madeCode(['g.rngsubdiff', 'g.rngcanonical'])})`,
  `SELECT 'handler of a built-in language', pg_catalog.format('%s', l.lanname) FROM pg_catalog.pg_language l WHERE ${ownOid('l.oid')} AND (${madeCode(['l.lanplcallfoid', 'l.laninline', 'l.lanvalidator'])})`,
  `SELECT 'encoding conversion', pg_catalog.format('%s', c.conname) FROM pg_catalog.pg_conversion c WHERE ${madeCode(['c.conproc'])}`,
  `SELECT 'text search parser', pg_catalog.format('%s', x.prsname) FROM pg_catalog.pg_ts_parser x WHERE ${ownOid('x.oid')} AND (${madeCode(['x.prsstart', 'x.prstoken', 'x.prsend', 'x.prsheadline', 'x.prslextype'])})`,
  `SELECT 'text search template', pg_catalog.format('%s', x.tmplname) FROM pg_catalog.pg_ts_template x WHERE ${ownOid('x.oid')} AND (${madeCode(['x.tmplinit', 'x.tmpllexize'])})`,
  `SELECT 'text search dictionary', pg_catalog.format('%s', x.dictname) FROM pg_catalog.pg_ts_dict x WHERE ${ownOid('x.oid')} AND ${madeCode(['x.dicttemplate'])}`,
  `SELECT 'text search configuration', pg_catalog.format('%s', x.cfgname) FROM pg_catalog.pg_ts_config x WHERE ${ownOid('x.oid')} AND ${madeCode(['x.cfgparser'])}`,
  `SELECT 'text search configuration', pg_catalog.format('%s', x.mapcfg::pg_catalog.regconfig) FROM pg_catalog.pg_ts_config_map x WHERE ${ownOid('x.mapcfg')} AND ${madeCode(['x.mapdict'])}`,
].join('\n  UNION ALL ');

/** The functions a type's values and names go through: a type someone created whose function is not the server's
 *  own runs it wherever the server meets the type, a type name parsed from a string included (a probe of stop 67:
 *  `to_regtype('evil.tm(3)')` and `'evil.tm(3)'::regtype` ran a plpgsql typmod input function, dry and real). One
 *  index lookup per column and type someone created. */
const TYPE_FUNCTIONS = ['typinput', 'typoutput', 'typreceive', 'typsend', 'typmodin', 'typmodout', 'typanalyze'];
const typeCode = TYPE_FUNCTIONS.map((c) => `SELECT t.oid AS t, p.oid AS p, '${c}' AS what FROM pg_catalog.pg_type t
    JOIN pg_catalog.pg_proc p ON p.oid ${eq} t.${c}::pg_catalog.oid WHERE ${userMade('t.oid')} AND ${notServerCode('p')}`).join('\n    UNION ALL ');

/**
 * Objects someone created where every read resolves names by the server's own rules (issue #45): a function,
 * operator or type inside pg_catalog (an exact-type overload there wins over PostgreSQL's own), a cast between
 * two of PostgreSQL's types (`CREATE CAST (bigint AS text) WITH FUNCTION …` runs on `count(*)::text`, and an
 * implicit one without any cast written), or a support function or operator added to an operator family over
 * PostgreSQL's types (`ALTER OPERATOR FAMILY integer_ops USING btree ADD FUNCTION 3 (int8, int4) f(…)`: the
 * planner calls f for `ORDER BY x RANGE BETWEEN 1 PRECEDING …` on a bigint; a family's operators also make
 * clauses the text does not hold) — over any types, unless its code is C (an extension's): a class someone
 * made the default for their own type runs its code wherever the type is sorted, grouped or compared. Also
 * code hung on PostgreSQL's own rows in place (inPlaceHooks), an access method whose handler is not C (its
 * handler runs when a relation of it is opened), and a login event trigger (PostgreSQL 17: it
 * ran when the engine logged in). A read on a server holding one is not proven. One row, or none.
 */
export const PLANTED_SQL = `SELECT x.kind, x.shown FROM (
  SELECT 'cast' AS kind, pg_catalog.format('(%s AS %s)', pg_catalog.format_type(k.castsource, NULL), pg_catalog.format_type(k.casttarget, NULL)) AS shown
  FROM pg_catalog.pg_cast k WHERE ${userMade('k.oid')} AND ${ownOid('k.castsource')} AND ${ownOid('k.casttarget')}
  UNION ALL SELECT 'function', pg_catalog.format('%s', p.oid::pg_catalog.regprocedure) FROM pg_catalog.pg_proc p WHERE p.pronamespace ${eq} ${CATALOG} AND ${userMade('p.oid')}
  UNION ALL SELECT 'operator', pg_catalog.format('%s', o.oid::pg_catalog.regoperator) FROM pg_catalog.pg_operator o WHERE o.oprnamespace ${eq} ${CATALOG} AND ${userMade('o.oid')}
  UNION ALL SELECT 'type', pg_catalog.format('%s', t.oid::pg_catalog.regtype) FROM pg_catalog.pg_type t WHERE t.typnamespace ${eq} ${CATALOG} AND ${userMade('t.oid')}
  UNION ALL SELECT 'text search configuration', pg_catalog.format('pg_catalog.%s', c.cfgname) FROM pg_catalog.pg_ts_config c WHERE c.cfgnamespace ${eq} ${CATALOG} AND ${userMade('c.oid')}
  UNION ALL SELECT 'text search dictionary', pg_catalog.format('pg_catalog.%s', d.dictname) FROM pg_catalog.pg_ts_dict d WHERE d.dictnamespace ${eq} ${CATALOG} AND ${userMade('d.oid')}
  UNION ALL SELECT 'text search template', pg_catalog.format('pg_catalog.%s', m.tmplname) FROM pg_catalog.pg_ts_template m WHERE m.tmplnamespace ${eq} ${CATALOG} AND ${userMade('m.oid')}
  UNION ALL SELECT 'text search parser', pg_catalog.format('pg_catalog.%s', r.prsname) FROM pg_catalog.pg_ts_parser r WHERE r.prsnamespace ${eq} ${CATALOG} AND ${userMade('r.oid')}
  UNION ALL SELECT 'type function', pg_catalog.format('%s (its %s function %s)', y.t::pg_catalog.regtype, y.what, y.p::pg_catalog.regprocedure) FROM (${typeCode}) y
  UNION ALL SELECT 'operator family member', pg_catalog.format('%s for (%s, %s) in %s', a.amproc::pg_catalog.regprocedure,
    pg_catalog.format_type(a.amproclefttype, NULL), pg_catalog.format_type(a.amprocrighttype, NULL), f.opfname)
  FROM pg_catalog.pg_amproc a JOIN pg_catalog.pg_opfamily f ON f.oid ${eq} a.amprocfamily JOIN pg_catalog.pg_proc p ON p.oid ${eq} a.amproc
  WHERE ${userMade('a.oid')} AND ${notServerCode('p')}
  UNION ALL SELECT x.what, x.shown FROM (${inPlaceHooks}) x
  UNION ALL SELECT 'access method', pg_catalog.format('%s (its handler %s)', m.amname, m.amhandler::pg_catalog.regprocedure)
  FROM pg_catalog.pg_am m JOIN pg_catalog.pg_proc p ON p.oid ${eq} m.amhandler WHERE ${userMade('m.oid')} AND ${notServerCode('p')}
  UNION ALL SELECT 'login event trigger', pg_catalog.format('%s', e.evtname) FROM pg_catalog.pg_event_trigger e
  WHERE e.evtevent OPERATOR(pg_catalog.=) 'login' AND e.evtenabled ${ne} 'D'
  UNION ALL SELECT 'operator family member', pg_catalog.format('%s in %s', o.amopopr::pg_catalog.regoperator, f.opfname)
  FROM pg_catalog.pg_amop o JOIN pg_catalog.pg_opfamily f ON f.oid ${eq} o.amopfamily
    JOIN pg_catalog.pg_operator r ON r.oid ${eq} o.amopopr JOIN pg_catalog.pg_proc p ON p.oid ${eq} r.oprcode
  WHERE ${userMade('o.oid')} AND ${notServerCode('p')}
) x LIMIT 1`;

/** Read back under the pin: a server or pooler that took a SET without applying it is caught here. */
export const READ_BACK_SQL = `SELECT ${[...Object.keys(PINNED), 'search_path', 'default_text_search_config', 'transaction_isolation'].map((k) => `pg_catalog.current_setting('${k}') AS ${k}`).join(', ')}${SETTINGS_READ_BACK_SQL}`;

/** A name as a literal whatever it holds: a quoted identifier, hex-encoded (the message stays ASCII, no quotes). */
export function hexName(parts: string[]): string {
  const quoted = parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');
  return `'${Buffer.from(quoted, 'utf8').toString('hex')}'`;
}

/**
 * What each relation a read names resolves to under the pinned path, as the server resolves it: its position in
 * `relations` (from 1), OID, kind, schema and name. A name that resolves to nothing has no row.
 */
export function resolvedSql(relations: string[][]): string {
  return `SELECT x.i, ${asText('c.oid')} AS oid, ${asText('c.relkind')} AS kind, n.nspname::pg_catalog.text AS schema, c.relname::pg_catalog.text AS name
FROM pg_catalog.unnest(ARRAY[${relations.map(hexName).join(', ')}]::pg_catalog.text[]) WITH ORDINALITY AS x(h, i)
JOIN pg_catalog.pg_class c ON c.oid ${eq} pg_catalog.to_regclass(pg_catalog.convert_from(pg_catalog.decode(x.h, 'hex'), 'UTF8'))
JOIN pg_catalog.pg_namespace n ON n.oid ${eq} c.relnamespace`;
}

/** The fields of a stored query tree (pg_node_tree) that name code: functions, operators, types, sample methods. */
const CODE_FIELDS = 'funcid|aggfnoid|winfnoid|opfuncid|hashfuncid|negfuncid|opno|resulttype|tsmhandler';
/** Its fields that list the types values are read into (outfuncs.c: TableFunc, RangeTblFunction, RangeTblEntry,
 *  CommonTableExpr, SetOperationStmt). */
const TYPE_LISTS = 'coltypes|funccoltypes|ctecoltypes|colTypes';
/** Its fields that give one value's type (outfuncs.c): a constant's, a column's, a row's, a function's or an
 *  operator's result, an array's and its elements', a CASE's, GREATEST's, a parameter's, an aggregate's, a
 *  window function's, and the type a JSON_VALUE or a JSON_TABLE column coerces to (typid). */
const VALUE_TYPES = 'typid|consttype|vartype|row_typeid|funcresulttype|opresulttype|array_typeid|element_typeid|casetype|minmaxtype|paramtype|aggtype|wintype';

/**
 * The code the server will run for the relations a read names that the text does not show: what the SELECT
 * rules of views (recursively through the views and tables they read, and inheritance children), row-level
 * security policies (and the relations a policy reads), virtual generated columns, and what the planner
 * folds (index expressions and predicates, statistics expressions, partition keys, CHECK constraints) call,
 * read from the stored trees by OID — the server's own resolution, whatever the names say — and the code of their columns' types
 * (through domains, arrays, composites, ranges and multiranges): a domain's CHECK runs when a literal is coerced
 * to it (`array_position(ARRAY[col], 'x')`), a range's subtype_diff when the planner estimates `col && '[1,2)'`
 * from the column's statistics (even in EXPLAIN), and a base type or a range's operator class outside
 * pg_catalog is an extension's or a superuser's C code. pg_depend cannot be used for code: it records no
 * dependency on pg_catalog's objects. Rows: kind (function, operator, domain, type, foreign table), shown, bare
 * name, builtin, known (a cast, an operator's function or a range's diff or canonical function), the
 * relation whose stored code calls it, and planned (only the planner folds it: IMMUTABLE code of constants).
 * PostgreSQL's own relations are read too: a superuser can replace a view of pg_catalog in place (same
 * columns, same OID) or give an information_schema table a policy or a column type.
 */
/** The types a type `t` is made of, one level: a domain's base, an array's element, a composite's attributes, a
 *  range's subtype, a multirange's range (14+). */
const madeOf = (t: string): string => `LATERAL (
    SELECT ${t}.typbasetype WHERE ${t}.typtype ${eq} 'd'
    UNION ALL SELECT ${t}.typelem WHERE ${t}.typelem ${ne} 0
    UNION ALL SELECT a.atttypid FROM pg_catalog.pg_attribute a
      WHERE ${t}.typrelid ${ne} 0 AND a.attrelid ${eq} ${t}.typrelid AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
    UNION ALL SELECT g.rngsubtype FROM pg_catalog.pg_range g WHERE g.rngtypid ${eq} ${t}.oid
    UNION ALL SELECT d.refobjid FROM pg_catalog.pg_depend d WHERE ${t}.typtype ${eq} 'm' -- a multirange's range (14+; no column before)
      AND d.classid ${eq} 'pg_catalog.pg_type'::pg_catalog.regclass AND d.objid ${eq} ${t}.oid AND d.refclassid ${eq} 'pg_catalog.pg_type'::pg_catalog.regclass) n(oid)`;

/** The CTEs of what a read's relations reach: `named` (as resolved now), `rels` (and the relations their views,
 *  policies and inheritance children read, recursively), `kinds` (their relkinds) and `types` (their columns' and
 *  row types, and what those are made of). For WITH RECURSIVE; shared with the after-check (pg-watch-sql.ts). */
export function reachedCtes(relations: string[][]): string {
  const names = relations.map(hexName).join(', ');
  return `named(oid) AS (
  SELECT pg_catalog.to_regclass(pg_catalog.convert_from(pg_catalog.decode(x, 'hex'), 'UTF8'))
  FROM pg_catalog.unnest(ARRAY[${names}]::pg_catalog.text[]) x
), rels(oid) AS (
  SELECT c.oid FROM pg_catalog.pg_class c JOIN named ON c.oid ${eq} named.oid
  UNION
  SELECT e.oid FROM rels, LATERAL (
    SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent ${eq} rels.oid
    UNION ALL
    SELECT d.refobjid FROM pg_catalog.pg_rewrite r JOIN pg_catalog.pg_depend d
      ON d.classid ${eq} 'pg_catalog.pg_rewrite'::pg_catalog.regclass AND d.objid ${eq} r.oid
      AND d.refclassid ${eq} 'pg_catalog.pg_class'::pg_catalog.regclass
    WHERE r.ev_class ${eq} rels.oid AND r.ev_type ${eq} '1'
    UNION ALL
    SELECT d.refobjid FROM pg_catalog.pg_policy p JOIN pg_catalog.pg_depend d
      ON d.classid ${eq} 'pg_catalog.pg_policy'::pg_catalog.regclass AND d.objid ${eq} p.oid
      AND d.refclassid ${eq} 'pg_catalog.pg_class'::pg_catalog.regclass
    WHERE p.polrelid ${eq} rels.oid
    UNION ALL -- and the relations the stored trees themselves read, by OID: the server expands a view from its rule's
    -- tree and never asks pg_depend, which is only a record (a superuser deleted a row of it, and a view's base
    -- table's policy went unread: a probe of stop 70)
    SELECT ${asOid('m[1]')} FROM pg_catalog.pg_rewrite r, pg_catalog.regexp_matches(${spaced('r.ev_action')}, ':relid ([1-9][0-9]*)', 'g') m
    WHERE r.ev_class ${eq} rels.oid AND r.ev_type ${eq} '1'
    UNION ALL
    SELECT ${asOid('m[1]')} FROM pg_catalog.pg_policy p, pg_catalog.regexp_matches(${spaced('p.polqual')}, ':relid ([1-9][0-9]*)', 'g') m
    WHERE p.polrelid ${eq} rels.oid AND p.polqual IS NOT NULL) e(oid)
), kinds(oid, relkind) AS (
  SELECT c.oid, c.relkind FROM rels JOIN pg_catalog.pg_class c ON c.oid ${eq} rels.oid
), types(oid, rel) AS (
  SELECT a.atttypid, kinds.oid FROM kinds JOIN pg_catalog.pg_attribute a ON a.attrelid ${eq} kinds.oid AND a.attnum OPERATOR(pg_catalog.>) 0 AND NOT a.attisdropped
  UNION -- the relation's own row type: a whole-row reference (\`t1::text\`, \`length(t1)\`) has it, and its owner may give it casts
  SELECT c.reltype, kinds.oid FROM kinds JOIN pg_catalog.pg_class c ON c.oid ${eq} kinds.oid WHERE c.reltype ${ne} 0
  UNION
  SELECT n.oid, types.rel FROM types JOIN pg_catalog.pg_type t ON t.oid ${eq} types.oid, ${madeOf('t')}
)`;
}

export function dependenciesSql(relations: string[][]): string {
  // PostgreSQL's own: in pg_catalog or information_schema AND made by initdb (a superuser can create a view in
  // information_schema, or a function in pg_catalog: issue #45).
  const builtin = (ns: string) => `(${ns} ${eq} ANY (ARRAY[${CATALOG}::pg_catalog.oid, 'information_schema'::pg_catalog.regnamespace::pg_catalog.oid]) AND ${ownOid(ns.replace(/\.\w+$/, '.oid'))})`;
  return `WITH RECURSIVE ${reachedCtes(relations)}, trees(tree, rel, planned) AS (
  SELECT x.tree, kinds.oid, x.planned FROM kinds, LATERAL (
    SELECT r.ev_action, false FROM pg_catalog.pg_rewrite r
    WHERE r.ev_class ${eq} kinds.oid AND r.ev_type ${eq} '1' AND kinds.relkind ${eq} 'v' -- a materialized view's query is not run by a read
    UNION ALL
    SELECT p.polqual, false FROM pg_catalog.pg_policy p WHERE p.polrelid ${eq} kinds.oid AND p.polqual IS NOT NULL
    UNION ALL
    SELECT a.adbin, false FROM pg_catalog.pg_attrdef a JOIN pg_catalog.pg_attribute t ON t.attrelid ${eq} a.adrelid AND t.attnum ${eq} a.adnum
    WHERE a.adrelid ${eq} kinds.oid AND t.attgenerated ${eq} 'v'
    -- What the planner folds for every relation it reads, in a plain SELECT and in EXPLAIN alike: an IMMUTABLE
    -- function of constants there runs at plan time. Index expressions and predicates (a materialized view's
    -- too), extended statistics' expressions, partition keys, and CHECK constraints (constraint exclusion).
    -- Only IMMUTABLE code is folded: a built-in there is PostgreSQL's own and acts on nothing (planned).
    UNION ALL
    SELECT y.tree, true FROM pg_catalog.pg_index i, LATERAL (VALUES (i.indexprs), (i.indpred)) y(tree)
    WHERE i.indrelid ${eq} kinds.oid AND y.tree IS NOT NULL
    UNION ALL
    SELECT s.stxexprs, true FROM pg_catalog.pg_statistic_ext s WHERE s.stxrelid ${eq} kinds.oid AND s.stxexprs IS NOT NULL
    UNION ALL
    SELECT k.partexprs, true FROM pg_catalog.pg_partitioned_table k WHERE k.partrelid ${eq} kinds.oid AND k.partexprs IS NOT NULL
    UNION ALL
    SELECT k.conbin, true FROM pg_catalog.pg_constraint k WHERE k.conrelid ${eq} kinds.oid AND k.contype ${eq} 'c') x(tree, planned)
  UNION ALL
  SELECT k.conbin, types.rel, false FROM types JOIN pg_catalog.pg_constraint k ON k.contypid ${eq} types.oid WHERE k.contype ${eq} 'c'
), texts(tree, rel, planned) AS ( -- each tree's text with its whitespace as one space: the server's reader skips any
  -- run of it, and a field followed by a newline hid a call from a pattern that wanted one space (a probe of stop 70)
  SELECT ${spaced('t.tree')}, t.rel, t.planned FROM trees t
), refs(field, oid, rel, planned) AS (
  SELECT 'funcid', f.oid, types.rel, false FROM types JOIN pg_catalog.pg_range g ON g.rngtypid ${eq} types.oid,
    LATERAL (VALUES (g.rngsubdiff::pg_catalog.oid), (g.rngcanonical::pg_catalog.oid)) f(oid) WHERE f.oid ${ne} 0
  UNION ALL -- a cast from or to a user type (its owner may create one): \`col::text\`, to_json(col) call it
  SELECT 'funcid', k.castfunc, types.rel, false FROM types JOIN pg_catalog.pg_type t ON t.oid ${eq} types.oid AND NOT ${builtin('t.typnamespace')}
    JOIN pg_catalog.pg_cast k ON (k.castsource ${eq} t.oid OR k.casttarget ${eq} t.oid) AND k.castfunc ${ne} 0
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_depend d ON d.objid ${eq} p.oid -- made by CREATE TYPE (a multirange's constructor)
      AND d.classid ${eq} 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype ${eq} 'i' WHERE p.oid ${eq} k.castfunc AND p.prolang ${eq} 12)
  UNION ALL -- a column whose values' type the server decides per row (a pseudo-type: pg_stats' most_common_vals and
  -- histogram_bounds are anyarray) may hold values of a type someone created: to_json(most_common_vals) called the
  -- owner's mood to json cast per element (a probe of stop 70). Every such cast counts, as for a column of the type.
  SELECT 'funcid', k.castfunc, types.rel, false FROM types JOIN pg_catalog.pg_type a ON a.oid ${eq} types.oid AND a.typtype ${eq} 'p'
    JOIN pg_catalog.pg_cast k ON k.castfunc ${ne} 0 JOIN pg_catalog.pg_type t ON (t.oid ${eq} k.castsource OR t.oid ${eq} k.casttarget) AND NOT ${builtin('t.typnamespace')}
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_depend d ON d.objid ${eq} p.oid
      AND d.classid ${eq} 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype ${eq} 'i' WHERE p.oid ${eq} k.castfunc AND p.prolang ${eq} 12)
  UNION ALL
  SELECT m[1], ${asOid('m[2]')}, t.rel, t.planned FROM texts t, pg_catalog.regexp_matches(t.tree, ':(${CODE_FIELDS}) ([0-9]+)', 'g') m
  UNION ALL
  SELECT 'opno', ${asOid("pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.btrim(m[1]), ' '))")}, t.rel, t.planned
  FROM texts t, pg_catalog.regexp_matches(t.tree, ':opnos [(]o([ 0-9]+)[)]', 'g') m
  UNION ALL
  -- Types the executor reads values into, listed: XMLTABLE's and JSON_TABLE's columns, a function's column
  -- definition list, a CTE's or a set operation's columns. A domain's CHECK runs there (a probe of stop 68: a
  -- view over XMLTABLE(… COLUMNS x public.dx) terminated a session, dry and real, as the application's role).
  SELECT 'resulttype', ${asOid("pg_catalog.unnest(pg_catalog.string_to_array(pg_catalog.btrim(m[1]), ' '))")}, t.rel, t.planned
  FROM texts t, pg_catalog.regexp_matches(t.tree, ':(?:${TYPE_LISTS}) [(]o([ 0-9]+)[)]', 'g') m
  UNION ALL -- JSON_VALUE(… RETURNING t), JSON_TABLE's columns (17+): the type a value is coerced to; and the type
  -- of every value in the tree (a constant's, a column's, a row's, a result's): to_json() and the like call a
  -- cast from it (a probe of stop 69: a view of \`to_json('happy'::mood)\`, mood's cast to json the role's own)
  SELECT 'resulttype', ${asOid('m[1]')}, t.rel, t.planned FROM texts t, pg_catalog.regexp_matches(t.tree, ':(?:${VALUE_TYPES}) ([0-9]+)', 'g') m
), treetypes(oid, rel) AS ( -- what those are made of, as for a column's type: a domain inside dx[], a composite or
  -- a range runs its CHECK when a value is read into them (a probe of stop 68: \`('{1}')::dx[]\` in a view)
  SELECT r.oid, r.rel FROM refs r WHERE r.field ${eq} 'resulttype'
  UNION
  SELECT n.oid, tt.rel FROM treetypes tt JOIN pg_catalog.pg_type t ON t.oid ${eq} tt.oid, ${madeOf('t')}
), allrefs(field, oid, rel, planned) AS (
  SELECT * FROM refs
  UNION ALL -- a cast from or to a user type a tree holds a value of, as for a column's type above
  SELECT 'funcid', k.castfunc, tt.rel, false FROM treetypes tt JOIN pg_catalog.pg_type t ON t.oid ${eq} tt.oid AND NOT ${builtin('t.typnamespace')}
    JOIN pg_catalog.pg_cast k ON (k.castsource ${eq} t.oid OR k.casttarget ${eq} t.oid) AND k.castfunc ${ne} 0
    WHERE NOT EXISTS (SELECT FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_depend d ON d.objid ${eq} p.oid
      AND d.classid ${eq} 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.deptype ${eq} 'i' WHERE p.oid ${eq} k.castfunc AND p.prolang ${eq} 12)
)
SELECT DISTINCT 'function' AS kind, ${asText('p.oid::pg_catalog.regprocedure')} AS shown, p.proname::pg_catalog.text AS bare,
  ${builtin('p.pronamespace')} AS builtin,
  -- = ANY inside OR: each list is hashed once, not scanned for every function (pg_operator has no index on oprcode)
  -- PostgreSQL's own casts, operators and ranges only: the application's role can make any built-in an operator's
  -- function (CREATE OPERATOR … FUNCTION = pg_catalog.ts_rewrite), which made it "known" (a probe of stop 66).
  (p.oid ${eq} ANY (SELECT k.castfunc FROM pg_catalog.pg_cast k WHERE ${ownOid('k.oid')})
    OR p.oid ${eq} ANY (SELECT o.oprcode::pg_catalog.oid FROM pg_catalog.pg_operator o WHERE ${ownOid('o.oid')})
    OR p.oid ${eq} ANY (SELECT g.rngsubdiff::pg_catalog.oid FROM pg_catalog.pg_range g WHERE ${ownOid('g.rngtypid::pg_catalog.oid')}
      UNION ALL SELECT g.rngcanonical::pg_catalog.oid FROM pg_catalog.pg_range g WHERE ${ownOid('g.rngtypid::pg_catalog.oid')})) AS known,
  ${asText('r.rel::pg_catalog.regclass')} AS rel, r.planned
FROM allrefs r JOIN pg_catalog.pg_proc p ON p.oid ${eq} r.oid WHERE r.field ${ne} 'opno' AND r.field ${ne} 'resulttype'
UNION
SELECT 'operator', ${asText('o.oid::pg_catalog.regoperator')}, o.oprname::pg_catalog.text, false, false, ${asText('r.rel::pg_catalog.regclass')}, false
FROM allrefs r JOIN pg_catalog.pg_operator o ON o.oid ${eq} r.oid WHERE r.field ${eq} 'opno' AND NOT ${builtin('o.oprnamespace')}
UNION
SELECT 'domain', ${asText('t.oid::pg_catalog.regtype')}, t.typname::pg_catalog.text, false, false, ${asText('r.rel::pg_catalog.regclass')}, false
FROM treetypes r JOIN pg_catalog.pg_type t ON t.oid ${eq} r.oid WHERE t.typtype ${eq} 'd' AND NOT ${builtin('t.typnamespace')}
UNION
SELECT 'type', ${asText('t.oid::pg_catalog.regtype')}, t.typname::pg_catalog.text, false, false, ${asText('r.rel::pg_catalog.regclass')}, false
FROM (SELECT oid, rel FROM types UNION SELECT oid, rel FROM treetypes) r JOIN pg_catalog.pg_type t ON t.oid ${eq} r.oid WHERE NOT ${builtin('t.typnamespace')}
  AND (t.typtype ${eq} 'b' AND NOT EXISTS (SELECT FROM pg_catalog.pg_type e WHERE e.typarray ${eq} t.oid) OR EXISTS (SELECT FROM pg_catalog.pg_range g JOIN pg_catalog.pg_opclass c ON c.oid ${eq} g.rngsubopc
    WHERE g.rngtypid ${eq} t.oid AND NOT ${builtin('c.opcnamespace')}))
UNION
SELECT 'foreign table', ${asText('m.oid::pg_catalog.regclass')}, '', false, false, ${asText('m.oid::pg_catalog.regclass')}, false
FROM kinds m WHERE m.relkind ${eq} 'f'
UNION -- a type someone created that a value the read reaches has (a domain is read as its base): JSON conversion
-- looks up its cast as it runs (language/sql/pg-json-conversions.ts); and a column of a pseudo-type, whose values'
-- types the server decides per row (pg_stats' anyarray). bare: the type's OID.
SELECT 'value type', ${asText('t.oid::pg_catalog.regtype')}, ${asText('t.oid')}, false, false, ${asText('r.rel::pg_catalog.regclass')}, false
FROM (SELECT oid, rel FROM types UNION SELECT oid, rel FROM treetypes) r JOIN pg_catalog.pg_type t ON t.oid ${eq} r.oid
WHERE ${userMade('t.oid')} AND t.typtype ${ne} 'd' OR t.typtype ${eq} 'p' AND r.oid ${eq} ANY (SELECT types.oid FROM types)
UNION -- a named relation with a child in this statement's own snapshot, the one whose code was read above: any other
-- is written ONLY (a child attached later, or detached and attached again between two statements, is never read)
SELECT 'parent', ${asText('n.oid')}, '', false, false, '', false
FROM named n WHERE EXISTS (SELECT FROM pg_catalog.pg_inherits i WHERE i.inhparent ${eq} n.oid)`;
}

/**
 * Which of the names a read calls (unqualified, or qualified with pg_catalog) are pg_catalog's functions: the
 * server's own answer, under the pinned path, where pg_catalog comes first and a schema overloading its names
 * is left out, so such a call runs the built-in.
 */
export function builtinCallsSql(names: string[]): string {
  return `SELECT DISTINCT p.proname::pg_catalog.text AS name FROM pg_catalog.pg_proc p
WHERE p.pronamespace ${eq} ${CATALOG} AND p.proname::pg_catalog.text ${eq} ANY (${textArray(names)})`;
}

/**
 * The functions a name in attribute position could call (`t.f` and `(t).f` are f(t) when t has no column f):
 * named so, in a schema the pinned path searches (pg_catalog included), callable with one argument, and taking
 * a row there (a composite, a domain, or a pseudo-type: record, anyelement, "any"), or variadic. Rows: shown
 * (its signature, schema-qualified), bare name, builtin (pg_catalog's, made by initdb).
 */
export function attributeCallsSql(names: string[]): string {
  return `SELECT x.kind, x.shown, x.schema, x.bare, x.builtin FROM (
SELECT 'function' AS kind, ${asText('p.oid::pg_catalog.regprocedure')} AS shown, n.nspname::pg_catalog.text AS schema, p.proname::pg_catalog.text AS bare,
  (p.pronamespace ${eq} ${CATALOG} AND ${ownOid('p.oid')}) AS builtin
FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid ${eq} p.pronamespace
WHERE p.proname::pg_catalog.text ${eq} ANY (${textArray(names)})
  AND n.nspname ${eq} ANY (pg_catalog.current_schemas(true))
  AND p.pronargs OPERATOR(pg_catalog.>=) 1
  AND (p.provariadic ${ne} 0 OR p.pronargs OPERATOR(pg_catalog.-) p.pronargdefaults OPERATOR(pg_catalog.<=) 1
    AND EXISTS (SELECT FROM pg_catalog.pg_type t WHERE t.oid ${eq} p.proargtypes[0] AND (t.typtype ${eq} 'c' OR t.typtype ${eq} 'd' OR t.typtype ${eq} 'p')))
UNION ALL -- where no function fits exactly, (x).name is a conversion to a type of that name: a domain's CHECK runs, and
-- a value of a type someone created meets its casts (to_json((t).mood) ran the owner's mood to json cast: stop 70)
SELECT 'type', ${asText('t.oid::pg_catalog.regtype')}, n.nspname::pg_catalog.text, t.typname::pg_catalog.text, false
FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid ${eq} t.typnamespace
WHERE t.typname::pg_catalog.text ${eq} ANY (${textArray(names)}) AND n.nspname ${eq} ANY (pg_catalog.current_schemas(true))
  AND (t.typtype ${eq} 'd' OR ${userMade('t.oid')} AND EXISTS (SELECT FROM pg_catalog.pg_cast k
    WHERE (k.castsource ${eq} t.oid OR k.casttarget ${eq} t.oid) AND k.castfunc ${ne} 0))
) x ORDER BY x.builtin, x.shown`;
}

/** Names as a text[] whatever they hold: hex-encoded, so the message stays ASCII and quote-free. */
export const textArray = (names: string[]) =>
  `ARRAY[${names.map((n) => `pg_catalog.convert_from(pg_catalog.decode('${Buffer.from(n, 'utf8').toString('hex')}', 'hex'), 'UTF8')`).join(', ')}]::pg_catalog.text[]`;
