// The variables a step that is not destructive may set: by assignment, `export`/`declare`, `read`, `printf -v`,
// `getopts`, a `for`/`select` loop, `${name:=…}`, or its `env:` map. An allowlist, not a list of the variables
// that act: PATH, BASH_ENV, LD_PRELOAD, GIT_CONFIG_*, PGOPTIONS, GLIBC_TUNABLES, HOSTALIASES, EDITOR… each make
// the commands the lint read run something else, and no list of them is ever complete. Programs read their
// settings from UPPERCASE names by convention; the lowercase ones read from the environment are the proxy
// settings (curl, wget), which send a read to another host. So: lowercase names but those, and a reviewed few
// uppercase ones that only choose a language, a time zone or a size. Anything else makes the step one the lint
// cannot read (mark it destructive, or vouch for it with safe_because).

/** Uppercase names reviewed: they pick a locale, a time zone, a width, colour, or where and as whom a database
 *  client connects (libpq's and the mysql client's own variables; not PGOPTIONS or PGSERVICEFILE, which set the
 *  session's settings: a search_path can put the author's function in place of a built-in one). */
const REVIEWED = new Set([
  'LANG', 'LANGUAGE', 'LC_ALL', 'LC_CTYPE', 'LC_COLLATE', 'LC_MESSAGES', 'LC_NUMERIC', 'LC_TIME', 'LC_MONETARY',
  'TZ', 'COLUMNS', 'LINES', 'NO_COLOR',
  'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGCONNECT_TIMEOUT', 'PGAPPNAME', 'PGSSLMODE',
  'MYSQL_PWD', 'MYSQL_HOST', 'MYSQL_TCP_PORT',
]);

/** Whether a step that is not destructive may set the variable `name` (an array subscript aside). */
export function inertVariable(name: string): boolean {
  if (REVIEWED.has(name)) return true;
  return /^[a-z_][a-z0-9_]*$/.test(name) && !/(^|_)proxy$/.test(name);
}

/** The finding's words for a variable that is not inert. */
export const variableWhy = (name: string): string =>
  `it sets '${name}', which the commands may read: only lowercase names (not *_proxy) and a reviewed few uppercase ones (LANG, LC_*, TZ, COLUMNS, PGHOST, PGPASSWORD, …: docs/confirmation.md) are proven inert`;
