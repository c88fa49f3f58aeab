// Which shared libraries a session of this server loads, by the settings that name them. A superuser's
// `ALTER ROLE app SET session_preload_libraries = '/tmp/x.so'` (written there by lo_export) loaded a library at the
// engine's login that hooked every query after it (a probe of stop 71: an advisory lock taken in a dry run's
// read); on PostgreSQL 18 a role's `dynamic_library_path = '/tmp/x:$libdir'` put a library of the owner's in front
// of `$libdir/dict_snowball`, loaded by a read's `@@`, and of an encoding conversion loaded at login. PostgreSQL's
// own directory ($libdir) is written by root's packages, never by the server's account: a session is proven only
// when every library it can load by name comes from there. Asked in the login's first round trip; the library of
// a login has run by then, so the server is refused for the rest of the run (refused-servers.ts), as a login event
// trigger is. SHOW of these settings is a superuser's: a role's and a database's are read from pg_db_role_setting,
// the server's from pg_show_all_settings() where the role may see them: a role that is not a superuser sees none
// of these server-wide (a superuser's ALTER SYSTEM and a reload, or jit_provider
// = '../…' and a restart, loaded a library a round-3 probe's read ran under, unseen). Said in docs/reliability.md.
import pg from 'pg';
import type { CopyRow, CopyTable } from './pg-copy-out.js';

/** The settings that name libraries a session loads. */
const SETTINGS: ReadonlySet<string> = new Set(['dynamic_library_path', 'session_preload_libraries', 'local_preload_libraries', 'shared_preload_libraries', 'jit_provider']);

/** Every role's and database's own settings (ALTER ROLE/DATABASE … SET), readable by any role where SHOW of these
 *  is a superuser's: by COPY, in the login's first message (pg-first-question.ts), before anything says the catalogs
 *  are PostgreSQL's own (a SELECT would be planned). Judged whoever they apply to: a setting like these anywhere on
 *  the server is refused. */
export const ROLE_SETTINGS: CopyTable = { table: 'pg_catalog.pg_db_role_setting', columns: ['setconfig'] };

/** text[]'s parser (OID 1009: pg's typings name no array type). */
const TEXT_ARRAY = (pg.types.getTypeParser as (oid: number, format: 'text') => (value: string) => unknown)(1009, 'text');

/** ROLE_SETTINGS' rows as `name=value` entries: each setconfig is a text[] as its output function writes it. */
export const roleSettings = (rows: readonly CopyRow[]): string[] =>
  rows.flatMap(([setconfig]) => (setconfig == null ? [] : (TEXT_ARRAY(setconfig) as unknown[]).map(String)));

/** The server's own values, where this role may see them (the function leaves out what it may not): asked once
 *  PostgreSQL's own functions are known to be its own. Not through the pg_settings view, which a superuser may
 *  replace in place (its OID kept): the engine's login question would run what the view then calls. */
export const SERVER_SETTINGS_SQL = `(SELECT pg_catalog.array_agg(s.name OPERATOR(pg_catalog.||) '=' OPERATOR(pg_catalog.||) s.setting) FROM pg_catalog.pg_show_all_settings() s
    WHERE s.name OPERATOR(pg_catalog.=) ANY ('{${[...SETTINGS].join(',')}}'::pg_catalog.text[]))`;

/** A library named by a preload list: a bare name or one under `$libdir/` (`plugins/x` for local_preload), never a
 *  path of its own or a `..`. */
const FROM_LIBDIR = /^(?:\$libdir\/)?(?:plugins\/)?[A-Za-z0-9_.-]+$/;

const listed = (list: string): string[] => list.split(',').map((e) => e.trim().replace(/^"(.*)"$/, '$1')).filter(Boolean);

/** What makes a session load a library from outside $libdir, said for the operator; undefined when nothing does.
 *  `settings`: `name=value` as pg_db_role_setting and SERVER_SETTINGS_SQL give them (other names pass). */
export function librariesProblem(settings: readonly string[]): string | undefined {
  for (const entry of settings) {
    const at = entry.indexOf('=');
    const name = entry.slice(0, at).trim().toLowerCase();
    if (!SETTINGS.has(name)) continue;
    const value = entry.slice(at + 1);
    if (name === 'dynamic_library_path') {
      if (value.trim() !== '$libdir') return `dynamic_library_path is '${value}' on this server, not '$libdir': the server loads libraries by name from there, for a read too (a text search dictionary, an encoding conversion), code someone put in place of PostgreSQL's own`;
      continue;
    }
    const odd = listed(value).find((e) => !FROM_LIBDIR.test(e) || e.includes('..'));
    if (odd !== undefined) return `${name} names '${odd}' on this server, a library outside PostgreSQL's own directory: the server loads it at a login, and it may act on every query`;
  }
  return undefined;
}
