// A view's or a routine's code swapped between the engine's questions and the statement (issue #45; stop 79 and 80
// left it). A DBA's loop of `CREATE OR REPLACE VIEW app_db.v AS …`, flipping a vouched view between `SELECT 'plain'`
// and a loadable function's call, had the server run the function the engine had asked about and found absent (the
// server crashed: ha_sphinx's sphinx_snippets with no searchd; a probe of stop 81). Nothing holds a view still
// before the statement without preparing it, and preparing runs a loadable function's init (`SELECT 1 FROM v
// LIMIT 0` crashed it too; SHOW CREATE VIEW and SHOW COLUMNS hold nothing: the DDL went through). What holds:
// - the statement keeps the metadata locks of every view and routine it opened until its transaction ends, so the
//   same question asked again after it, in that transaction, sees the code that ran; an answer that differs from
//   the one asked before means the code changed in between: the result is dropped (never shown nor recorded) and
//   the read refused. Between two equal answers, with the locks held from the statement on, only the code
//   checked could have run (a swap to other code and back before the statement opened it is the one left).
// - native code is not waited for: where the server has any loadable function, or a function plugin from a
//   library, a read that runs code someone created (a view, a routine) is refused before it runs, since a swap
//   could call one there and the check after would come too late.
import type { Ask, Reach } from './mysql-secret-reach.js';

const NOT_RUN = 'not run as a read';

/** The definitions of a reach the server could not answer: never the same as another answer, even this one. */
export const UNANSWERED = JSON.stringify(['unanswered']);

/** The first object whose code, as the server showed it, differs between the two answers (sorted: the server's
 *  order of rows is its own), or undefined when they are the same. */
export function codeChanged(before: Reach, after: Reach): string | undefined {
  if ([...before.definitions, ...after.definitions].includes(UNANSWERED)) return 'the views and routines it names (the server could not say which)';
  const was = [...before.definitions].sort();
  const now = [...after.definitions].sort();
  if (was.length === now.length && was.every((d, i) => d === now[i])) return undefined;
  const first = now.find((d) => !was.includes(d)) ?? was.find((d) => !now.includes(d)) ?? now[0] ?? was[0] ?? '[]';
  const [kind, schema, name] = JSON.parse(first) as [string?, string?, string?];
  return `${kind === 'routine' ? 'the stored routine' : 'the view'} ${schema}.${name}`;
}

/** The refusal of a read whose code changed while the engine read it: the statement's result is not kept. */
export const swapRefusal = (what: string): string =>
  `it reads through ${what}, whose code changed between the engine's question and the statement (another session replaced it): what ran is not what the engine checked, and its result is not shown; ${NOT_RUN}`;

/**
 * Why a read that runs code someone created (`reach.code`, or code the engine could not read) is refused on this
 * server, or undefined: the server has a loadable function (mysql.func, where this account may read it) or a
 * function plugin loaded from a library (information_schema.PLUGINS, readable by any account).
 */
export async function swappableNativeCode(ask: Ask, reach: Reach): Promise<string | undefined> {
  if (!reach.code.length && !reach.unread.length) return undefined;
  const through = reach.code[0] ?? reach.unread[0]!;
  const why = (native: string) => `it reads through ${through}, code another session may replace between the engine's question and the statement, and the server has ${native}: a replaced definition could call it, and nothing holds a definition still before the statement without running that native code; ${NOT_RUN} (read the tables it reads directly)`;
  const plugins = await ask(`SELECT PLUGIN_NAME AS n, PLUGIN_LIBRARY AS l FROM information_schema.PLUGINS
    WHERE PLUGIN_TYPE = 'FUNCTION' AND PLUGIN_LIBRARY IS NOT NULL AND PLUGIN_STATUS = 'ACTIVE' LIMIT 1`, []);
  if (plugins[0]) return why(`a function plugin ${String(plugins[0].n)} loaded from ${String(plugins[0].l)}`);
  // An account that cannot read mysql.func cannot tell: not refused here (every vouched view of such an account
  // would be), the check after the statement still drops a swapped read's result (said in docs/reliability.md).
  const udfs = await ask('SELECT name AS n, dl AS d FROM mysql.func LIMIT 1', []).catch(() => []);
  if (udfs[0]) return why(`a loadable function (UDF) ${String(udfs[0].n)} from ${String(udfs[0].d)}`);
  return undefined;
}
