// The session settings that change what a read RETURNS, pinned before every proven read and read back, as
// sql_mode is (mysql-pin.ts). A DBA's `SET GLOBAL` or a gated step's `SET SESSION` of any of them changed a read's
// values while the run routed on them as proven (a probe of stop 73): div_precision_increment = 0 made a failure
// ratio of 0.15 read 0, group_concat_max_len = 4 cut a GROUP_CONCAT to 'fail' (a warning only),
// max_recursive_iterations = 3 cut a WITH RECURSIVE short in silence, lc_time_names = 'de_DE' renamed
// DATE_FORMAT's days and months. time_zone is left as it is: the application's sessions share the global one.
import { PinRefusal } from './pin-refusal.js';

type Flavour = 'mariadb' | 'mysql' | 'both';
interface ValuePin { name: string; value: string; flavour: Flavour; quoted?: true }

/** Each at the server's default, and no lower where a lower value cuts a result. */
export const VALUE_PINS: readonly ValuePin[] = [
  { name: 'div_precision_increment', value: '4', flavour: 'both' },
  // MariaDB's default; MySQL's is 1024, which cuts more. A cut that still happens is refused (warning 1260).
  { name: 'group_concat_max_len', value: '1048576', flavour: 'both' },
  { name: 'lc_time_names', value: 'en_US', flavour: 'both', quoted: true },
  { name: 'default_week_format', value: '0', flavour: 'both' },
  { name: 'max_sort_length', value: '1024', flavour: 'both' },
  // `WHERE id IS NULL` reads as `id = LAST_INSERT_ID()` under sql_auto_is_null = 1.
  { name: 'sql_auto_is_null', value: 'OFF', flavour: 'both' },
  // SHOW WARNINGS lists this many at most (0: none), and the check for a cut GROUP_CONCAT reads them: the most.
  { name: 'max_error_count', value: '65535', flavour: 'both' },
  // MariaDB stops a recursive CTE after this many iterations without a word: never before the statement's time
  // limit. Before 10.6 its default was this; from 10.6 it is 1000, which cut a deeper recursion short in silence.
  { name: 'max_recursive_iterations', value: '4294967295', flavour: 'mariadb' },
  // MySQL fails a deeper recursion with an error: its default.
  { name: 'cte_max_recursion_depth', value: '1000', flavour: 'mysql' },
  // The read's own ROLLBACK ends its transaction only: RELEASE closed the connection, and a refusal with it.
  { name: 'completion_type', value: 'NO_CHAIN', flavour: 'both', quoted: true },
  // EXTENDED made a REGEXP ignore the spaces in its pattern, and matched nothing (a probe of stop 74).
  { name: 'default_regex_flags', value: '', flavour: 'mariadb', quoted: true },
  // A timestamp here reads every system-versioned table AS OF it (the past); DEFAULT: now, for the session.
  { name: 'system_versioning_asof', value: 'DEFAULT', flavour: 'mariadb' },
];

const pinsOf = (mariadb: boolean): ValuePin[] =>
  VALUE_PINS.filter((p) => p.flavour === 'both' || p.flavour === (mariadb ? 'mariadb' : 'mysql'));

/** The names the value pins set, for the check of every other variable (mysql-session-variables.ts). */
export const valuePinNames = (mariadb: boolean): string[] => pinsOf(mariadb).map((p) => p.name);

/** `, SESSION x = v, …`: appended to the read pin's SET. */
export const valuePinSql = (mariadb: boolean): string =>
  pinsOf(mariadb).map((p) => `, SESSION ${p.name} = ${p.quoted ? `'${p.value}'` : p.value}`).join('');

/** `, CAST(@@SESSION.x AS CHAR) AS v_x, …`: appended to the read-back SELECT. */
export const valueReadBackSql = (mariadb: boolean): string =>
  pinsOf(mariadb).map((p) => `, CAST(@@SESSION.${p.name} AS CHAR) AS v_${p.name}`).join('');

/** A switch set OFF reads back OFF on MariaDB, 0 on MySQL. */
const readsBack = (got: string, value: string): boolean => got === value || (value === 'OFF' && got === '0');

/** Throws PinRefusal unless the session reads back every value pin. */
export function checkValuePins(row: Record<string, unknown> | undefined, mariadb: boolean): void {
  for (const p of pinsOf(mariadb)) {
    const got = String(row?.[`v_${p.name}`] ?? '');
    if (!readsBack(got, p.value)) throw new PinRefusal(`${p.name} could not be set to ${p.value} (the session has ${got}), and the read's values would not be the server's defaults: not run as a read`);
  }
}
