// Native code a read may run that the engine did not review: a loadable function (UDF, `CREATE FUNCTION f RETURNS
// STRING SONAME 'lib.so'`, listed in mysql.func, not in information_schema.ROUTINES) or a function plugin from a
// library. The server resolves an unqualified call as a native function first, then a loadable one, then a stored
// function of the current database; a probe of stop 79 had a vouched read of `sphinx_snippets(…)` (ha_sphinx.so,
// shipped with MariaDB), and a view calling it, open a connection to another server, dry run too, and crash the
// server when none answered. So the calls of the read's text and of every view and routine it reaches
// (mysql-secret-reach.ts) are asked about, an allowlist by the server's own catalogs: a name the server lists as
// its own function (information_schema.SQL_FUNCTIONS, not from a plugin library) needs nothing more; any other
// must be absent from mysql.func, which the account must be able to read, or the read is refused.
import { MYSQL_READ_ONLY } from '../language/sql/read-only-functions.js';
import type { Ask } from './mysql-secret-reach.js';

const NOT_RUN = 'not run as a read';

/** Why the read is refused, or undefined. `calls`: names called unqualified (upper case); `unread`: code whose
 *  calls are not known (any loadable function may be among them). */
export async function loadableCallRefusal(ask: Ask, calls: string[], unread: string[]): Promise<string | undefined> {
  // The read list's names are compiled-in functions: a library can take none of them (the server refuses the
  // name), so a proven read asks nothing.
  const asked = [...new Set(calls)].filter((c) => !MYSQL_READ_ONLY.has(c));
  if (!asked.length && !unread.length) return undefined;
  const own = asked.length ? await serversOwn(ask, asked) : { natives: new Set<string>(), fromLibrary: [] };
  if (own.fromLibrary.length) return `it calls ${own.fromLibrary[0]!.name}(), a function plugin loaded from ${own.fromLibrary[0]!.library}: native code the engine did not review; ${NOT_RUN}`;
  const left = asked.filter((c) => !own.natives.has(c));
  if (!left.length && !unread.length) return undefined;
  const what = [...left.map((c) => `${c}()`), ...unread.map((u) => `what ${u} calls`)].join(', ');
  let rows: Record<string, unknown>[];
  try {
    rows = await ask('SELECT name AS n, dl AS d FROM mysql.func', []);
  } catch (err) {
    return `it calls ${what}, which the server runs as a loadable function (UDF) when mysql.func lists one of that name, and this account cannot read mysql.func (${(err as Error).message}): whether it runs native code the engine did not review is not known; ${NOT_RUN} (a stored function called by its database's name, app_db.f(), is never a loadable one; or GRANT SELECT ON mysql.func)`;
  }
  const hit = rows.find((r) => unread.length > 0 || left.includes(String(r.n).toUpperCase()));
  if (!hit) return undefined;
  return `it calls ${left.includes(String(hit.n).toUpperCase()) ? `${String(hit.n)}()` : what}, and the server has a loadable function (UDF) ${String(hit.n)} from ${String(hit.d)}: native code the engine did not review; ${NOT_RUN}`;
}

/** The asked names the server lists as its own functions, and any of them a plugin library gave it. MySQL has no
 *  SQL_FUNCTIONS: none is taken as its own there, so each is looked for in mysql.func. */
async function serversOwn(ask: Ask, asked: string[]): Promise<{ natives: Set<string>; fromLibrary: { name: string; library: string }[] }> {
  const list = asked.map(() => '?').join(', ');
  try {
    const natives = await ask(`SELECT UPPER(FUNCTION) AS f FROM information_schema.SQL_FUNCTIONS WHERE UPPER(FUNCTION) IN (${list})`, asked);
    const plugins = await ask(`SELECT UPPER(PLUGIN_NAME) AS f, PLUGIN_LIBRARY AS l FROM information_schema.PLUGINS
      WHERE PLUGIN_TYPE = 'FUNCTION' AND PLUGIN_LIBRARY IS NOT NULL AND UPPER(PLUGIN_NAME) IN (${list})`, asked);
    return { natives: new Set(natives.map((r) => String(r.f))), fromLibrary: plugins.map((r) => ({ name: String(r.f), library: String(r.l) })) };
  } catch {
    return { natives: new Set(), fromLibrary: [] };
  }
}
