// What a read sees of the server's authentication files and of other sessions' statements (issue #45, stop 81). pg_hba_file_rules shows each
// pg_hba.conf line's options with their values, and some values are passwords: `ldapbindpasswd=` (a search+bind
// LDAP line), `radiussecrets=` (15–17). Its `error` column quotes the line's own words ("authentication option not
// in name=value format: <a token>": a secret list written with a space in it). An author's `SELECT options FROM
// pg_hba_file_rules` printed them whole, screen and transcript, dry run too (stop 80's left list). Reading the
// text for which columns flow where is a denylist of spellings; so the engine's own statement never reads the
// view itself: wherever a proven read names pg_catalog's pg_hba_file_rules or pg_ident_file_mappings, the engine
// writes a subquery of its own in its place (pg-parser.ts), with the same columns in the same order, where each
// option shows its value only for the keys on OPTIONS_SHOWN (PostgreSQL's own documented options that name a
// server, a directory entry, a map or a realm), any other key reads `key=****`, and an error keeps its words up to
// the first character that is not a letter, a space or `,=_()-` (a value is quoted or follows a colon in
// PostgreSQL's messages; a translated message is cut at its first letter outside ASCII), then ` ****`. So what
// the read does with the rows (upper, reverse, to_json of the whole row, a join) works on masked values only.
// pg_ident_file_mappings holds no password; its error quotes the file too, and is cut the same way.
//
// pg_stat_activity shows every session's last statement as sent, to a superuser or pg_read_all_stats: a DBA's
// `ALTER ROLE app PASSWORD '…'` left idle in its transaction was on the screen and in the transcript of a proven
// read, dry too (the built-in pool-exhausted runbook shows `left(query, 120)` of such sessions). Its `query` is
// kept up to the first character that is not an ASCII letter, digit, `_`, space or `,()*<>;` (a literal, a
// comment, a `$1`, a setting's dotted name and a `=` begin there), then ` ****`: `SELECT pg_sleep(600)`
// and `UPDATE orders SET qty` stay readable.

/** pg_hba.conf options whose values are shown (PostgreSQL's documentation, "Authentication Methods"): none is a
 *  password. ldapbindpasswd and radiussecrets are not here, nor any key a later major adds until reviewed. */
export const OPTIONS_SHOWN: readonly string[] = ['clientcert', 'clientname', 'map', 'ldapserver', 'ldapport',
  'ldapscheme', 'ldaptls', 'ldapbasedn', 'ldapbinddn', 'ldapsearchattribute', 'ldapsearchfilter', 'ldapprefix',
  'ldapsuffix', 'ldapscope', 'krb_realm', 'include_realm', 'compat_realm', 'upn_username', 'radiusservers',
  'radiusports', 'radiusidentifiers', 'pamservice', 'pam_use_hostname'];

/** The columns of each view, by major (15; 16 and later add rule_number/map_number and file_name). */
const COLUMNS: Record<string, (major: number) => string[]> = {
  pg_hba_file_rules: (major) => [...(major >= 16 ? ['rule_number', 'file_name'] : []), 'line_number', 'type', 'database',
    'user_name', 'address', 'netmask', 'auth_method', 'options', 'error'],
  pg_ident_file_mappings: (major) => [...(major >= 16 ? ['map_number', 'file_name'] : []), 'line_number', 'map_name',
    'sys_name', 'pg_username', 'error'],
  pg_stat_activity: () => ['datid', 'datname', 'pid', 'leader_pid', 'usesysid', 'usename', 'application_name',
    'client_addr', 'client_hostname', 'client_port', 'backend_start', 'xact_start', 'query_start', 'state_change',
    'wait_event_type', 'wait_event', 'state', 'backend_xid', 'backend_xmin', 'query_id', 'query', 'backend_type'],
};

/** The relations replaced, by name (pg_catalog's only). */
export const MASKED_RELATIONS: readonly string[] = Object.keys(COLUMNS);

const textArray = (items: readonly string[]) => `'{${items.join(',')}}'::pg_catalog.text[]`;

/** Each option `key=value`: shown when the key is on the list, else `key=****`. Functions only, each qualified:
 *  no operator or name the session's path could resolve. */
const MASKED_OPTIONS = `CASE WHEN h.options IS NULL THEN NULL ELSE ARRAY(SELECT CASE WHEN pg_catalog.array_position(${textArray(OPTIONS_SHOWN)}, pg_catalog.split_part(o.o, '=', 1)) IS NULL THEN pg_catalog.concat(pg_catalog.split_part(o.o, '=', 1), '=****') ELSE o.o END FROM pg_catalog.unnest(h.options) o(o)) END`;
/** A column's text up to the first character not in `allowed` (a bracket expression's body), then ` ****`. */
const cut = (column: string, allowed: string) => `pg_catalog.regexp_replace(h.${column}, ' ?[^${allowed}].*$', ' ****') AS ${column}`;

/** The columns written masked: an error's words up to the first character that could begin a value from the
 *  file; a statement's up to the first that could begin a literal, a comment or a setting's name. */
const MASKED: Record<string, string> = {
  options: `${MASKED_OPTIONS} AS options`,
  error: cut('error', 'A-Za-z ,=_()-'),
  query: cut('query', 'A-Za-z0-9_ ,()*<>;[:space:]'),
};

const column = (c: string) => MASKED[c] ?? `h.${c}`;

/** For each masked relation, the SELECT the engine writes in its place on a server of `major`. */
export function maskedRelations(major: number): Record<string, string> {
  return Object.fromEntries(Object.entries(COLUMNS).map(([name, columns]) =>
    [name, `SELECT ${columns(major).map(column).join(', ')} FROM pg_catalog.${name} h`]));
}
