// What of the server's secrets a read reaches through code someone created (issue #45, by flow). The text's own
// reading decides offline which reads are given a secret (language/sql/account-stores.ts, pg-setting-reads.ts):
// pg_authid, primary_conninfo. Code the server runs for the text hides that: a view (`CREATE VIEW conn AS SELECT
// reverse(current_setting('primary_conninfo'))`, stop 78), a row-level security policy that chooses rows by a
// setting (stop 79: the rows a proven read returned spelled the token, dry too; a cast in it failed with the value),
// a domain's CHECK a cast runs, a function the author vouched for. So, as the server resolves it, in the read's
// transaction after the lock: every relation someone created that the read names, the trees the server runs for it
// (a view's query, a materialized view's, whose rows hold what it read; its policies' qualifiers; its virtual
// columns) and the relations and domains those reach, recursively. A read that reaches one of PostgreSQL's
// relations holding secrets, or whose trees call a setting's reader (any setting: the argument is not read), is a
// step given that secret. A function that is not PostgreSQL's own, reached there or called by a vouched text, is
// one too: its body is text the engine does not read (an allowlist: only the server's own code is known).
import { answer, type Rows } from './pg-pin.js';
import { PG_SCHEMA_STORES, PG_STORES } from '../language/sql/account-stores.js';
import { MASKED_RELATIONS } from '../language/sql/pg-masked-relations.js';
import { asOid, asText, CATALOG, eq, hexName, ownOid, spaced, textArray, userMade, userMadeOid } from './pg-pin-sql.js';

/** PostgreSQL's relations that hold passwords or settings' values, by schema. */
const SECRET_RELATIONS: Record<string, string[]> = {
  // The password stores a text's own reading knows (account-stores.ts), and the relations of settings' values.
  // And the statistics, which hold sampled values of every table, the stores' too (a probe of stop 80).
  // pg_hba_file_rules' options (an ldapbindpasswd=), pg_stat_activity's statements (an ALTER ROLE … PASSWORD): a
  // view someone made over them is not the engine's masked subquery (language/sql/pg-masked-relations.ts), so
  // reaching them is a secret read (stop 81).
  pg_catalog: [...PG_STORES, 'pg_settings', 'pg_file_settings', 'pg_db_role_setting', 'pg_roles', 'pg_user', 'pg_statistic', 'pg_statistic_ext_data', ...MASKED_RELATIONS],
  information_schema: [...PG_SCHEMA_STORES],
};
/** pg_catalog's functions that return settings' values, and those behind the views the engine masks
 *  (pg_hba_file_rules(): every option's value, the bind password's too; pg_stat_get_activity(): statements). */
const SETTING_READERS = ['current_setting', 'pg_show_all_settings', 'pg_show_all_file_settings', 'pg_hba_file_rules',
  'pg_ident_file_mappings', 'pg_stat_get_activity'];

/** Each by its qualified name, as text the server resolves (to_regclass): one index lookup each. */
const secretRelations = textArray(Object.entries(SECRET_RELATIONS).flatMap(([schema, names]) => names.map((n) => `${schema}.${n}`)));

/** What a vouched text calls and names itself, as written (language/sql/pg-references.ts). */
export interface VouchedText { calls: string[][]; types: string[][] }

/** The relations someone created among a read's: the code the server runs for them (a view's query, a row-level
 *  security policy's qualifier, a virtual column) is outside the text, and a policy chooses rows by what it reads
 *  (a probe of stop 79: a policy `substr(current_setting('app.tok'), n, 1) = ch` spelled the token as the rows a
 *  proven read returned, dry too). PostgreSQL's own relations are followed from there, never asked for. */
export const ownRelations = (found: { oid: string; schema: string; name: string }[]): string[][] =>
  found.filter((f) => userMadeOid(f.oid)).map((f) => [f.schema, f.name]);

const quotedName = (parts: string[]) => parts.map((p) => `"${p.replace(/"/g, '""')}"`).join('.');

/** The stored trees the server runs for relation `rel` on a read: a view's rule (a materialized view's rows hold
 *  what it read), its policies' qualifiers, its virtual columns' expressions. */
const treesOf = (rel: string) => `SELECT r.ev_action FROM pg_catalog.pg_rewrite r WHERE r.ev_class ${eq} ${rel} AND r.ev_type ${eq} '1'
    UNION ALL SELECT p.polqual FROM pg_catalog.pg_policy p WHERE p.polrelid ${eq} ${rel} AND p.polqual IS NOT NULL
    UNION ALL SELECT a.adbin FROM pg_catalog.pg_attrdef a JOIN pg_catalog.pg_attribute t ON t.attrelid ${eq} a.adrelid AND t.attnum ${eq} a.adnum
      WHERE a.adrelid ${eq} ${rel} AND t.attgenerated ${eq} 'v'`;

/** The code a read reaches, by the server's resolution: `views` the relations someone created that it names;
 *  `calls` and `types` (a vouched read's: its own text may run the author's code) the functions it calls and the
 *  types it names, as written. Rows: via (where it was reached), shown (what), kind ('relation', 'function' for a
 *  setting's reader, 'body' for a function that is not PostgreSQL's own, whose body the engine does not read). */
export function secretReachSql(views: string[][], calls: string[][] = [], types: string[][] = []): string {
  const roots = views.length ? views : [['pg_catalog', 'pg_class']]; // PostgreSQL's own: adds nothing
  return `WITH RECURSIVE reach(oid, via) AS (
  SELECT c.oid, c.oid FROM pg_catalog.unnest(ARRAY[${roots.map(hexName).join(', ')}]::pg_catalog.text[]) x
  JOIN pg_catalog.pg_class c ON c.oid ${eq} pg_catalog.to_regclass(pg_catalog.convert_from(pg_catalog.decode(x, 'hex'), 'UTF8'))
  UNION
  SELECT e.oid, reach.via FROM reach, LATERAL ( -- per relation reached: the regular expression reads its trees alone
    SELECT ${asOid('m[1]')} FROM (${treesOf('reach.oid')} OFFSET 0) t(tree), pg_catalog.regexp_matches(${spaced('t.tree')}, ':relid ([1-9][0-9]*)', 'g') m) e(oid)
), named(fn, via) AS ( -- the functions a vouched text calls by name: qualified, in that schema; bare, along the path
  SELECT p.oid, ${asText('p.oid::pg_catalog.regprocedure')}
  FROM ROWS FROM (pg_catalog.unnest(${textArray(calls.map((c) => (c.length > 1 ? c[0]! : '')))}), pg_catalog.unnest(${textArray(calls.map((c) => c.at(-1)!))})) x(schema, name)
  JOIN pg_catalog.pg_proc p ON p.proname::pg_catalog.text ${eq} x.name
  JOIN pg_catalog.pg_namespace n ON n.oid ${eq} p.pronamespace
  WHERE CASE WHEN x.schema ${eq} '' THEN n.nspname ${eq} ANY (pg_catalog.current_schemas(true)) ELSE n.nspname::pg_catalog.text ${eq} x.schema END
), owned(tree, via) AS ( -- trees whose calls count: those of relations someone created, and the CHECKs of the
  -- domains someone created that a vouched text names or a reached tree coerces to (a cast runs the CHECK)
  SELECT ${spaced('t.tree')}, ${asText('reach.via::pg_catalog.regclass')} FROM reach, LATERAL (${treesOf('reach.oid')} OFFSET 0) t(tree) WHERE ${userMade('reach.oid')}
  UNION ALL
  SELECT ${spaced('k.conbin')}, ${asText('y.oid::pg_catalog.regtype')} FROM pg_catalog.unnest(${textArray(types.map(quotedName))}) x
  JOIN pg_catalog.pg_type y ON y.oid ${eq} pg_catalog.to_regtype(x)
  JOIN pg_catalog.pg_constraint k ON k.contypid ${eq} ANY (ARRAY[y.oid, y.typbasetype]) WHERE k.contype ${eq} 'c'
), checks(tree, via) AS (
  SELECT * FROM owned
  UNION
  SELECT ${spaced('k.conbin')}, c.via FROM checks c, pg_catalog.regexp_matches(c.tree, ':resulttype ([0-9]+)', 'g') m
  JOIN pg_catalog.pg_constraint k ON k.contypid ${eq} ${asOid('m[1]')} AND k.contype ${eq} 'c' WHERE ${userMade(asOid('m[1]'))}
), calls(funcid, via) AS (
  SELECT ${asOid('m[1]')}, c.via FROM checks c, pg_catalog.regexp_matches(c.tree, ':(?:funcid|opfuncid|aggfnoid|winfnoid) ([0-9]+)', 'g') m
  UNION ALL -- an operator's function (a vouched read may use an operator someone made of current_setting)
  SELECT o.oprcode::pg_catalog.oid, c.via FROM checks c, pg_catalog.regexp_matches(c.tree, ':opno ([0-9]+)', 'g') m
  JOIN pg_catalog.pg_operator o ON o.oid ${eq} ${asOid('m[1]')}
  UNION ALL
  SELECT named.fn, named.via FROM named
), secret(oid) AS (
  SELECT pg_catalog.to_regclass(x)::pg_catalog.oid FROM pg_catalog.unnest(${secretRelations}) x
)
SELECT DISTINCT ${asText('reach.via::pg_catalog.regclass')} AS via, ${asText('reach.oid::pg_catalog.regclass')} AS shown, 'relation' AS kind
FROM reach JOIN secret ON secret.oid ${eq} reach.oid WHERE ${ownOid('reach.oid')}
UNION
SELECT DISTINCT k.via, ${asText('p.oid::pg_catalog.regprocedure')},
  CASE WHEN ${ownOid('p.oid')} THEN 'function' ELSE 'body' END
FROM calls k JOIN pg_catalog.pg_proc p ON p.oid ${eq} k.funcid
WHERE ${userMade('p.oid')} OR (p.pronamespace ${eq} ${CATALOG} AND p.proname::pg_catalog.text ${eq} ANY (${textArray(SETTING_READERS)}))`;
}

/** The secrets the answer names, as phrases for the step's "given" list (as prepare.ts words the text's own). */
export function secretsReached(results: Rows[], at: number | undefined): string[] {
  if (at === undefined) return [];
  return answer(results, at, 'which secrets the code it runs reaches').rows.map((r) => r.kind === 'function'
    ? `the server's settings, by ${String(r.shown)} in ${String(r.via)}`
    : r.kind === 'body' ? `what ${String(r.shown)} reads (not PostgreSQL's own; the engine does not read its body)${r.via === r.shown ? '' : `, through ${String(r.via)}`}`
      : `the server's secrets in ${String(r.shown)}, through ${String(r.via)}`);
}
