// What of the server's secrets a read reaches through relations someone created (issue #45, by flow). The text's
// own reading decides offline which reads are given a secret (language/sql/account-stores.ts, pg-setting-reads.ts):
// pg_authid, primary_conninfo. A view hides that from the text: `CREATE VIEW conn AS SELECT
// reverse(current_setting('primary_conninfo'))`, or a view of pg_authid under another name, granted to the
// application's role, printed the value whole from a proven read (its functions are PostgreSQL's own and read
// only, so the code check passes it). So, as the server resolves it, in the read's transaction after the lock:
// every view someone created that the read names, and what its stored query reads (a materialized view's rows
// hold what its query read when refreshed), recursively. A read that reaches one of PostgreSQL's relations that
// hold secrets, or whose views call a setting's reader, is a step given that secret, its rows and errors withheld.
// Any setting, not only a superuser's: a view's arguments are not read here. A policy's qualifier is left: it
// chooses rows, its value is never returned. A read that names no such view asks nothing more.
import { answer, type Rows } from './pg-pin.js';
import { PG_SCHEMA_STORES, PG_STORES } from '../language/sql/account-stores.js';
import { asOid, asText, CATALOG, eq, hexName, ownOid, spaced, textArray, userMade, userMadeOid } from './pg-pin-sql.js';

/** PostgreSQL's relations that hold passwords or settings' values, by schema. */
const SECRET_RELATIONS: Record<string, string[]> = {
  // The password stores a text's own reading knows (account-stores.ts), and the relations of settings' values.
  pg_catalog: [...PG_STORES, 'pg_settings', 'pg_file_settings', 'pg_db_role_setting', 'pg_roles', 'pg_user'],
  information_schema: [...PG_SCHEMA_STORES],
};
/** pg_catalog's functions that return settings' values. */
const SETTING_READERS = ['current_setting', 'pg_show_all_settings', 'pg_show_all_file_settings'];

/** Each by its qualified name, as text the server resolves (to_regclass): one index lookup each. */
const secretRelations = textArray(Object.entries(SECRET_RELATIONS).flatMap(([schema, names]) => names.map((n) => `${schema}.${n}`)));

/** The views someone created among a read's relations: only they can reach a secret (a table's children are
 *  tables, and a generated column's expression calls only immutable functions, never a setting's reader). */
export const ownViews = (found: { oid: string; kind: string; schema: string; name: string }[]): string[][] =>
  found.filter((f) => userMadeOid(f.oid) && (f.kind === 'v' || f.kind === 'm')).map((f) => [f.schema, f.name]);

/** Rows: via (the named view), shown (what it reaches), kind ('relation' or 'function'). */
export function secretReachSql(views: string[][]): string {
  return `WITH RECURSIVE reach(oid, via) AS (
  SELECT c.oid, c.oid FROM pg_catalog.unnest(ARRAY[${views.map(hexName).join(', ')}]::pg_catalog.text[]) x
  JOIN pg_catalog.pg_class c ON c.oid ${eq} pg_catalog.to_regclass(pg_catalog.convert_from(pg_catalog.decode(x, 'hex'), 'UTF8'))
  UNION
  SELECT e.oid, reach.via FROM reach, LATERAL ( -- per relation reached: the regular expression reads its rule alone
    SELECT ${asOid('m[1]')} FROM pg_catalog.pg_rewrite r, pg_catalog.regexp_matches(${spaced('r.ev_action')}, ':relid ([1-9][0-9]*)', 'g') m
    WHERE r.ev_class ${eq} reach.oid AND r.ev_type ${eq} '1' OFFSET 0) e(oid)
), calls(funcid, via) AS ( -- per view reached (OFFSET 0: not flattened, so no other rule is read)
  SELECT f.id, reach.via FROM reach, LATERAL (
    SELECT m[1] FROM pg_catalog.pg_rewrite r, pg_catalog.regexp_matches(${spaced('r.ev_action')}, ':(?:funcid|opfuncid|aggfnoid|winfnoid) ([0-9]+)', 'g') m
    WHERE r.ev_class ${eq} reach.oid AND r.ev_type ${eq} '1' OFFSET 0) f(id)
  WHERE ${userMade('reach.oid')}
  UNION ALL -- an operator's function (a vouched read may use an operator someone made of current_setting)
  SELECT ${asText('o.oprcode::pg_catalog.oid')}, reach.via FROM reach, LATERAL (
    SELECT m[1] FROM pg_catalog.pg_rewrite r, pg_catalog.regexp_matches(${spaced('r.ev_action')}, ':opno ([0-9]+)', 'g') m
    WHERE r.ev_class ${eq} reach.oid AND r.ev_type ${eq} '1' OFFSET 0) f(id)
  JOIN pg_catalog.pg_operator o ON o.oid ${eq} ${asOid('f.id')}
  WHERE ${userMade('reach.oid')}
), secret(oid) AS (
  SELECT pg_catalog.to_regclass(x)::pg_catalog.oid FROM pg_catalog.unnest(${secretRelations}) x
)
SELECT DISTINCT ${asText('reach.via::pg_catalog.regclass')} AS via, ${asText('reach.oid::pg_catalog.regclass')} AS shown, 'relation' AS kind
FROM reach JOIN secret ON secret.oid ${eq} reach.oid WHERE ${ownOid('reach.oid')}
UNION
SELECT DISTINCT ${asText('k.via::pg_catalog.regclass')}, ${asText('p.oid::pg_catalog.regprocedure')}, 'function'
FROM calls k JOIN pg_catalog.pg_proc p ON p.oid ${eq} ${asOid('k.funcid')}
WHERE p.pronamespace ${eq} ${CATALOG} AND ${ownOid('p.oid')} AND p.proname::pg_catalog.text ${eq} ANY (${textArray(SETTING_READERS)})`;
}

/** The secrets the answer names, as phrases for the step's "given" list (as prepare.ts words the text's own). */
export function secretsReached(results: Rows[], at: number | undefined): string[] {
  if (at === undefined) return [];
  return answer(results, at, 'which secrets the relations it names reach').rows.map((r) => r.kind === 'function'
    ? `the server's settings, by ${String(r.shown)} in ${String(r.via)}`
    : `the server's secrets in ${String(r.shown)}, through ${String(r.via)}`);
}
