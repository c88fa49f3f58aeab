// What of the server's secrets a read reaches through relations someone created (issue #45, by flow). The text's
// own reading decides offline which reads are given a secret (language/sql/account-stores.ts, pg-setting-reads.ts):
// pg_authid, primary_conninfo. A view hides that from the text: `CREATE VIEW conn AS SELECT
// reverse(current_setting('primary_conninfo'))`, or a view of pg_authid under another name, granted to the
// application's role, printed the value whole from a proven read (its functions are PostgreSQL's own and read
// only, so the code check passes it). So, as the server resolves it, in the read's transaction after the lock:
// every relation someone created that the read names, and what its stored queries read (views, materialized
// views, whose rows hold what their query read when refreshed, and inheritance children), recursively; a read
// that reaches one of PostgreSQL's relations that hold secrets, or whose stored queries call a setting reader,
// is a step given that secret, its rows and errors withheld. Any setting, not only a superuser's: a view's
// arguments are not read here. A policy's qualifier is left: it chooses rows, its value is never returned.
import { answer, type Rows } from './pg-pin.js';
import { asOid, asText, CATALOG, eq, hexName, ownOid, spaced, textArray, userMade } from './pg-pin-sql.js';

/** PostgreSQL's relations that hold passwords or settings' values, by schema. */
const SECRET_RELATIONS: Record<string, string[]> = {
  pg_catalog: ['pg_authid', 'pg_shadow', 'pg_user_mapping', 'pg_user_mappings', 'pg_subscription', 'pg_settings',
    'pg_file_settings', 'pg_db_role_setting', 'pg_roles', 'pg_user'],
  information_schema: ['user_mapping_options', '_pg_user_mappings'],
};
/** pg_catalog's functions that return settings' values. */
const SETTING_READERS = ['current_setting', 'pg_show_all_settings', 'pg_show_all_file_settings'];

const isSecretRelation = Object.entries(SECRET_RELATIONS).map(([schema, names]) =>
  `(n.nspname ${eq} '${schema}' AND c.relname::pg_catalog.text ${eq} ANY (${textArray(names)}))`).join(' OR ');

/** Rows: via (the named relation someone created), shown (what it reaches), kind ('relation' or 'function'). */
export function secretReachSql(relations: string[][]): string {
  return `WITH RECURSIVE named(oid) AS (
  SELECT pg_catalog.to_regclass(pg_catalog.convert_from(pg_catalog.decode(x, 'hex'), 'UTF8'))
  FROM pg_catalog.unnest(ARRAY[${relations.map(hexName).join(', ')}]::pg_catalog.text[]) x
), reach(oid, via) AS (
  SELECT c.oid, c.oid FROM pg_catalog.pg_class c JOIN named ON c.oid ${eq} named.oid WHERE ${userMade('c.oid')}
  UNION
  SELECT e.oid, reach.via FROM reach, LATERAL (
    SELECT i.inhrelid FROM pg_catalog.pg_inherits i WHERE i.inhparent ${eq} reach.oid
    UNION ALL
    SELECT ${asOid('m[1]')} FROM pg_catalog.pg_rewrite r, pg_catalog.regexp_matches(${spaced('r.ev_action')}, ':relid ([1-9][0-9]*)', 'g') m
    WHERE r.ev_class ${eq} reach.oid AND r.ev_type ${eq} '1') e(oid)
), trees(tree, via) AS (
  SELECT ${spaced('r.ev_action')}, reach.via FROM reach JOIN pg_catalog.pg_rewrite r ON r.ev_class ${eq} reach.oid AND r.ev_type ${eq} '1'
  WHERE ${userMade('reach.oid')}
  UNION ALL -- a generated column's expression: a virtual one (18) computes at the read, a stored one held its value
  SELECT ${spaced('a.adbin')}, reach.via FROM reach JOIN pg_catalog.pg_attrdef a ON a.adrelid ${eq} reach.oid WHERE ${userMade('reach.oid')}
)
SELECT DISTINCT ${asText('reach.via::pg_catalog.regclass')} AS via, ${asText('c.oid::pg_catalog.regclass')} AS shown, 'relation' AS kind
FROM reach JOIN pg_catalog.pg_class c ON c.oid ${eq} reach.oid JOIN pg_catalog.pg_namespace n ON n.oid ${eq} c.relnamespace
WHERE ${ownOid('c.oid')} AND (${isSecretRelation})
UNION
SELECT DISTINCT ${asText('t.via::pg_catalog.regclass')}, ${asText('p.oid::pg_catalog.regprocedure')}, 'function'
FROM trees t, pg_catalog.regexp_matches(t.tree, ':funcid ([0-9]+)', 'g') m JOIN pg_catalog.pg_proc p ON p.oid ${eq} ${asOid('m[1]')}
WHERE p.pronamespace ${eq} ${CATALOG} AND ${ownOid('p.oid')} AND p.proname::pg_catalog.text ${eq} ANY (${textArray(SETTING_READERS)})`;
}

/** The secrets the answer names, as phrases for the step's "given" list (as prepare.ts words the text's own). */
export function secretsReached(results: Rows[], at: number): string[] {
  return answer(results, at, 'which secrets the relations it names reach').rows.map((r) => r.kind === 'function'
    ? `the server's settings, by ${String(r.shown)} in ${String(r.via)}`
    : `the server's secrets in ${String(r.shown)}, through ${String(r.via)}`);
}
