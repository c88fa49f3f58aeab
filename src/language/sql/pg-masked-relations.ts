// The server's authentication files as a read sees them (issue #45, stop 81). pg_hba_file_rules shows each
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
};

/** The relations replaced, by name (pg_catalog's only). */
export const MASKED_RELATIONS: readonly string[] = Object.keys(COLUMNS);

const textArray = (items: readonly string[]) => `'{${items.join(',')}}'::pg_catalog.text[]`;

/** Each option `key=value`: shown when the key is on the list, else `key=****`. Functions only, each qualified:
 *  no operator or name the session's path could resolve. */
const MASKED_OPTIONS = `CASE WHEN h.options IS NULL THEN NULL ELSE ARRAY(SELECT CASE WHEN pg_catalog.array_position(${textArray(OPTIONS_SHOWN)}, pg_catalog.split_part(o.o, '=', 1)) IS NULL THEN pg_catalog.concat(pg_catalog.split_part(o.o, '=', 1), '=****') ELSE o.o END FROM pg_catalog.unnest(h.options) o(o)) END`;
/** An error's words up to the first character that could begin a value from the file. */
const MASKED_ERROR = `pg_catalog.regexp_replace(h.error, ' ?[^A-Za-z ,=_()-].*$', ' ****')`;

const column = (c: string) => (c === 'options' ? `${MASKED_OPTIONS} AS options` : c === 'error' ? `${MASKED_ERROR} AS error` : `h.${c}`);

/** For each masked relation, the SELECT the engine writes in its place on a server of `major`. */
export function maskedRelations(major: number): Record<string, string> {
  return Object.fromEntries(Object.entries(COLUMNS).map(([name, columns]) =>
    [name, `SELECT ${columns(major).map(column).join(', ')} FROM pg_catalog.${name} h`]));
}
