// The variables a step that is not destructive may set: by assignment, `export`/`declare`, `read`, `printf -v`,
// `getopts`, a `for`/`select` loop, `${name:=…}`, or its `env:` map. An allowlist, not a list of the variables
// that act: PATH, BASH_ENV, LD_PRELOAD, GIT_CONFIG_*, PGOPTIONS, GLIBC_TUNABLES, HOSTALIASES, EDITOR… each make
// the commands the lint read run something else, and no list of them is ever complete. Programs read their
// settings from UPPERCASE names by convention; the lowercase ones read from the environment are the proxy
// settings (curl, wget), which send a read to another host. So: lowercase names but those, and a reviewed few
// uppercase ones that only choose a language, a time zone or a size. Anything else makes the step one the lint
// cannot read (mark it destructive, or vouch for it with safe_because).

/** Uppercase names reviewed: they pick a width, colour, or where and as whom a database
 *  client connects (libpq's and the mysql client's own variables; not PGOPTIONS or PGSERVICEFILE, which set the
 *  session's settings: a search_path can put the author's function in place of a built-in one). */
const REVIEWED = new Set([
  'COLUMNS', 'LINES', 'NO_COLOR',
  'PGHOST', 'PGHOSTADDR', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'PGCONNECT_TIMEOUT', 'PGAPPNAME', 'PGSSLMODE',
  'MYSQL_PWD', 'MYSQL_HOST', 'MYSQL_TCP_PORT',
]);

/** Whether a step that is not destructive may set the variable `name` to any value (an array subscript aside).
 *  The locale's variables, LANGUAGE and TZ are not: their value is checked (inertSetting). */
export function inertVariable(name: string): boolean {
  if (REVIEWED.has(name)) return true;
  // Not the engine's own (`__runbook_*`): on an SSH target the wrapper's exit trap reads them in the step's shell
  // (a probe of stop 71: `printf -v __runbook_tmp %s DIR` had the trap remove DIR).
  return /^[a-z_][a-z0-9_]*$/.test(name) && !/(^|_)proxy$/.test(name) && !name.startsWith('__runbook');
}

// The locale's variables choose the character set bash reads the script's bytes in, from the next line on (or
// from the start, given in env:). In BIG5, BIG5-HKSCS, GBK or GB18030 a byte >= 0x80 and the ASCII byte after it
// (\, `, [, {, |, @…) are one character: 'echo "两\"; touch M; #"' is one echo as UTF-8, and an echo, then
// touch, in zh_TW.BIG5 (the UTF-8 of 两 ends in 0xA4, and A4 5C is one BIG5 character). So these names are set
// only to a literal naming the C locale or a UTF-8 one, where every ASCII byte is the character the lint read.
const LOCALE_NAMES = /^(LANG|LANGUAGE|LC_[A-Z]+)$/;
/** LANGUAGE is a list of language names, but gettext joins each into a path under /usr/share/locale: a
 *  `../../../../tmp/x` loaded the author's catalogue, whose translations replaced the programs' printf formats
 *  (`%n` included) in proven reads (a probe of stop 73). Names only: letters, a region, a modifier; or empty. */
const LANGUAGE_LIST = /^$|^[A-Za-z]{2,3}(_[A-Za-z]{2})?(@[A-Za-z0-9]+)?(:[A-Za-z]{2,3}(_[A-Za-z]{2})?(@[A-Za-z0-9]+)?)*$/;
/** A locale name proven to read the script's bytes as the lint does: C, POSIX, or a UTF-8 codeset. Not a name
 *  without a codeset (zh_TW is BIG5), a path (a locale directory), nor empty or unset: bash then falls back to the
 *  next variable, which may be the operator's LANG=zh_TW.BIG5 the engine pinned LC_CTYPE against. */
const PROVEN_LOCALE = /^(C|POSIX)$|^[A-Za-z]+(_[A-Za-z]+)?\.(UTF-8|utf8|UTF8|utf-8)(@[A-Za-z0-9]+)?$/;

export const localeVariable = (name: string): boolean => LOCALE_NAMES.test(name);
/** TZ names a file glibc opens and reads when it is a path (`/proc/kmsg` took the kernel's messages, a probe of
 *  stop 66; `env TZ=FILE date` opened the author's file, stop 74): a zone's name (America/New_York) or a POSIX
 *  rule, never a path. Checked wherever TZ is set: a script's assignment, `env`, a step's env: map (engine/prepare.ts). */
const TZ_NAME = /^(?:[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*|[A-Za-z<>+0-9,:.-]*[0-9][A-Za-z<>+0-9,:.-]*)$/;
export const zoneName = (value: string): boolean => TZ_NAME.test(value);
/** Whether the locale name reads a script's bytes as the lint does (executors/parse-locale.ts asks too). */
export const provenLocale = (value: string): boolean => PROVEN_LOCALE.test(value);

/** Whether a step that is not destructive may set `name` to the literal `value` (undefined: a value the lint
 *  cannot see, or one added to the old value). */
export function inertSetting(name: string, value: string | undefined): boolean {
  if (name === 'LANGUAGE') return value !== undefined && LANGUAGE_LIST.test(value);
  if (name === 'TZ') return value !== undefined && zoneName(value);
  if (localeVariable(name)) return value !== undefined && PROVEN_LOCALE.test(value);
  return inertVariable(name);
}

/** The finding's words for a variable that is not inert. */
export const variableWhy = (name: string): string => name === 'TZ'
  ? "it sets 'TZ' to something other than a time zone's name or rule (UTC, Europe/Paris, EST5EDT): a path there is a file the C library opens and reads"
  : name === 'LANGUAGE'
  ? "it sets 'LANGUAGE' to something other than a list of language names (de:en_GB): gettext reads each as part of a path, and a catalogue found there rewrites the programs' messages and their printf formats"
  : localeVariable(name)
  ? `it sets '${name}' to a locale not proven to read the script's bytes as UTF-8 (in BIG5, GBK, GB18030 a byte and the '\\' or quote after it are one character): only a literal C, POSIX or *.UTF-8 given as a value`
  : `it sets '${name}', which the commands may read: only lowercase names (not *_proxy), a locale variable set to C or *.UTF-8, and a reviewed few uppercase ones (COLUMNS, PGHOST, PGPASSWORD, …: docs/confirmation.md) and TZ set to a zone's name are proven inert`;
