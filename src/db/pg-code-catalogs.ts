// The catalogs whose rows name code the server runs, and the columns that name it (issue #45): what the session's
// first question reads of PostgreSQL's own rows (db/pg-catalog-hooks.ts), and what is compared, by name, of the
// rows initdb's scripts made (db/pg-builtin-rows.ts). One list for both, so that a catalog added here is asked
// about in both ranges (a probe of stop 80: the snowball template, made by initdb, was in neither comparison).

/**
 * Each catalog: the code (and the rows of other catalogs) its rows name, what a row is called, and its own key.
 * `since`: the first major with the columns. `anyRow`: a row someone created counts too (a default conversion
 * someone made converts every message of a session whose encodings it names, from the login on). `key`
 * undefined: the catalog has no OID of its own (pg_ts_config_map: its configuration's).
 */
export interface Catalog { name: string; what: string; key: string; code: string[]; since?: number; anyRow?: boolean; body?: string[] }
export const CATALOGS: readonly Catalog[] = [
  // And what a built-in runs (its language, C symbol or SQL body): only compared with a fresh install's (body).
  { name: 'pg_proc', what: 'support function of', key: 'oid', code: ['prosupport'], body: ['prolang', 'prosrc', 'probin'] },
  // A SQL-standard body (BEGIN ATOMIC, RETURN: 46 built-ins, round(numeric) and lpad among them), which the server
  // runs instead of prosrc (a stop-68 probe rewrote round(numeric)'s in place to terminate sessions).
  { name: 'pg_proc', what: 'SQL-standard body of', key: 'oid', code: [], body: ['prosqlbody'], since: 14 },
  // How a call of a built-in runs besides its body: an argument's default (a superuser's CREATE OR REPLACE of
  // make_interval gave `years` a default that terminated a session, filled in for `make_interval(days => 1)`: a
  // probe of stop 70), its settings (proconfig), and its signature and kind.
  { name: 'pg_proc', what: 'argument defaults, settings or signature of', key: 'oid', code: [],
    body: ['proargdefaults', 'proconfig', 'prosecdef', 'proisstrict', 'proretset', 'prorettype', 'proargtypes', 'provariadic', 'prokind'] },
  // The negator and commutator too: the planner rewrites NOT (a >= b) with >='s negator (the engine's own check did).
  { name: 'pg_operator', what: 'function, estimator, negator or commutator of the operator', key: 'oid', code: ['oprcode', 'oprrest', 'oprjoin', 'oprnegate', 'oprcom'] },
  // The type's functions, and the types it is made of (an array's element type's input runs for '{…}'::int4[]).
  { name: 'pg_type', what: 'function or element type of the type', key: 'oid',
    code: ['typinput', 'typoutput', 'typreceive', 'typsend', 'typmodin', 'typmodout', 'typanalyze', 'typelem', 'typbasetype', 'typarray'] },
  { name: 'pg_type', what: 'subscripting function of the type', key: 'oid', code: ['typsubscript'], since: 14 },
  { name: 'pg_cast', what: 'function of the cast', key: 'oid', code: ['castfunc'] },
  { name: 'pg_aggregate', what: 'function of the aggregate', key: 'aggfnoid',
    code: ['aggtransfn', 'aggfinalfn', 'aggcombinefn', 'aggserialfn', 'aggdeserialfn', 'aggmtransfn', 'aggminvtransfn', 'aggmfinalfn'] },
  // Operator families: the hash, comparison and sort support functions and the operators a plan of a built-in type uses.
  { name: 'pg_amproc', what: 'support function of the operator family member', key: 'oid', code: ['amproc'] },
  { name: 'pg_amop', what: 'operator of the operator family member', key: 'oid', code: ['amopopr'] },
  { name: 'pg_am', what: 'handler of the access method', key: 'oid', code: ['amhandler'] },
  { name: 'pg_range', what: 'function of the range type', key: 'rngtypid', code: ['rngsubdiff', 'rngcanonical'] },
  { name: 'pg_language', what: 'handler of the language', key: 'oid', code: ['lanplcallfoid', 'laninline', 'lanvalidator'] },
  { name: 'pg_conversion', what: 'function of the encoding conversion', key: 'oid', code: ['conproc'], anyRow: true },
  // Text search: `'disk full' @@ 'disk'` parses with the configuration's parser and dictionaries.
  { name: 'pg_ts_parser', what: 'function of the text search parser', key: 'oid', code: ['prsstart', 'prstoken', 'prsend', 'prsheadline', 'prslextype'] },
  { name: 'pg_ts_template', what: 'function of the text search template', key: 'oid', code: ['tmplinit', 'tmpllexize'] },
  { name: 'pg_ts_dict', what: 'template of the text search dictionary', key: 'oid', code: ['dicttemplate'] },
  { name: 'pg_ts_config', what: 'parser of the text search configuration', key: 'oid', code: ['cfgparser'] },
  { name: 'pg_ts_config_map', what: 'dictionary of the text search configuration', key: 'mapcfg', code: ['mapdict'] },
];

/** The catalogs whose columns a server of `major` has (0: unknown, the oldest columns only). */
export const catalogsOf = (major: number): Catalog[] => CATALOGS.filter((c) => (c.since ?? 0) <= major);

/** The catalog whose row a code column names, where not pg_proc's (a function). */
export const NAMES_ROW_OF: Readonly<Record<string, string>> = {
  typelem: 'pg_type', typbasetype: 'pg_type', typarray: 'pg_type', oprnegate: 'pg_operator', oprcom: 'pg_operator',
  amopopr: 'pg_operator', dicttemplate: 'pg_ts_template', cfgparser: 'pg_ts_parser', mapdict: 'pg_ts_dict',
};

/** The catalog whose row a key names: the row's own catalog for `oid`, else the one it belongs to. */
export const KEY_ROW_OF: Readonly<Record<string, string>> = { aggfnoid: 'pg_proc', rngtypid: 'pg_type', mapcfg: 'pg_ts_config' };
