// Reads that make the server open tables they do not name. To answer `SHOW TABLE STATUS`, or an
// information_schema table with a column the table's definition does not hold (TABLE_ROWS, CARDINALITY, the
// constraints), MariaDB opens the handler of every table the read matches and asks it: a FEDERATED table then logs
// in to another server and sends it queries, dry run or real (a hostile probe on MariaDB 10.11: one connection per
// step). The relation check sees none of them (mysql-relations-check.ts): the read names no such table, or only
// information_schema. So before such a read the session asks which table it can see is of an engine outside an
// allowlist of engines that keep their rows here, and refuses the read if one is. The scope is every table the
// session can see: which ones the read matches (LIKE, WHERE, the database it names) is the server's reading.
import { asciiUpper } from '../language/sql/ascii-case.js';
import { informationSchemaReads, SHOW_OPENS_NAMED_ONLY, UNLISTED_WHEREVER } from '../language/sql/mysql-information-schema.js';
import { mysqlTokens } from '../language/sql/mysql-tokens.js';
import type { MysqlRelation } from '../language/sql/mysql-relations.js';
import { PinRefusal } from './pin-refusal.js';
import type { ServerView } from './mysql-relations-check.js';
import { isStockView } from './mysql-stock-views.js';

/**
 * Engines whose handler reaches nothing but this server's memory and data directory: InnoDB, Aria, MyISAM, MEMORY,
 * CSV and ARCHIVE keep their rows in files or memory here, BLACKHOLE keeps none, SEQUENCE makes them up,
 * PERFORMANCE_SCHEMA shows the server's instrumentation, MRG_MyISAM opens its MyISAM tables (which are listed too).
 */
const LOCAL_ENGINES = ['InnoDB', 'Aria', 'MyISAM', 'MEMORY', 'CSV', 'ARCHIVE', 'SEQUENCE', 'PERFORMANCE_SCHEMA', 'BLACKHOLE', 'MRG_MyISAM'];

const SHOW_ALLOWED = new Set(SHOW_OPENS_NAMED_ONLY);

const isInformationSchema = (schema: string | null | undefined): boolean =>
  typeof schema === 'string' && asciiUpper(schema) === 'INFORMATION_SCHEMA';

/** An information_schema table the read names that a proven read may not: qualified, any not on the allowlist;
 *  unqualified where the session's database is information_schema, those that read the server's own tables or
 *  reset counters (`relations` holds every name of the text, columns too, so not the allowlist there). Validate
 *  refuses the same offline; here the session's database is known. */
export function unprovenInformationSchema(relations: MysqlRelation[], database: string | null | undefined): string | undefined {
  return relations.find(([schema, name]) => (schema !== undefined
    ? isInformationSchema(schema) && !informationSchemaReads(name)
    : isInformationSchema(database) && UNLISTED_WHEREVER.has(asciiUpper(name))))?.[1];
}

/** A SHOW statement (the proven text: no comments in it). */
export function isShow(sql: string): boolean {
  const first = mysqlTokens(sql)?.[0];
  return first?.kind === 'name' && !first.quoted && asciiUpper(first.text) === 'SHOW';
}

/** A SHOW whose leading words are not one of SHOW_OPENS_NAMED_ONLY (the proven text: no comments in it). */
export function showListing(sql: string): boolean {
  const tokens = mysqlTokens(sql);
  if (!tokens) return true;
  const words = tokens.map((t) => (t.kind === 'name' && !t.quoted ? asciiUpper(t.text) : ''));
  if (words[0] !== 'SHOW') return false;
  return ![1, 2].some((n) => words.slice(1, 1 + n).every(Boolean) && SHOW_ALLOWED.has(words.slice(1, 1 + n).join(' ')));
}

/**
 * Whether a read may make the server open tables it does not name: a SHOW not known to open none, or a name in
 * information_schema (qualified in any case: the server folds that schema's name; unqualified where the session's
 * database is information_schema). `relations` is every name of every server reading of the text.
 */
export function listsTables(sql: string, relations: MysqlRelation[], database: string | null): boolean {
  return showListing(sql) || relations.some(([schema]) => isInformationSchema(schema ?? database));
}

/**
 * One table the session can see whose engine is not a local one, views apart (a view's ENGINE is NULL; opening it
 * for the listing reads its definition and calls no table's info(), tested with a view of a FEDERATED table); a
 * NULL engine elsewhere (a table the server cannot open, its plugin gone) is not known, so it counts. Reads only
 * columns the table's definition holds, for which the server opens no handler (tested with the listener).
 */
function remoteEnginesQuery(): { sql: string; values: string[] } {
  return {
    sql: `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, ENGINE AS e FROM information_schema.TABLES
      WHERE TABLE_TYPE <> 'VIEW' AND (ENGINE IS NULL OR UPPER(ENGINE) NOT IN (${LOCAL_ENGINES.map(() => '?').join(', ')}))
      ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT 1`,
    values: LOCAL_ENGINES.map(asciiUpper),
  };
}

/** Both questions in one round trip, for a read that lists tables: innodb_stats_on_metadata (m) beside the table
 *  the engines question finds (s, n, e: NULL when none). */
export function listingQuery(views = false): { sql: string; values: string[] } {
  const engines = remoteEnginesQuery();
  return {
    sql: `SELECT m.m AS m, t.s AS s, t.n AS n, t.e AS e${views ? ', v.s AS vs, v.n AS vn' : ''} FROM (${STATS_ON_METADATA_SQL}) AS m LEFT JOIN (${engines.sql}) AS t ON 1 = 1`
      + (views ? `\n      LEFT JOIN (${VIEWS_SQL}) AS v ON 1 = 1` : ''),
    values: [...engines.values, ...(views ? SERVER_VIEW_DEFINERS : [])],
  };
}

/** information_schema's tables a listing may read without preparing a view it lists (tested with a view whose
 *  constants call a function: a probe of stop 69); COLUMNS and VIEWS prepare them, as does any other not listed. */
const LISTS_NO_VIEW_CODE = new Set(['TABLES', 'STATISTICS', 'PARTITIONS', 'TABLE_CONSTRAINTS', 'KEY_COLUMN_USAGE', 'CHECK_CONSTRAINTS',
  'TRIGGERS', 'ROUTINES', 'COLUMN_PRIVILEGES', 'SCHEMATA', 'PROCESSLIST', 'INNODB_TRX', 'INNODB_LOCKS', 'INNODB_LOCK_WAITS',
  'GLOBAL_STATUS', 'SESSION_STATUS', 'GLOBAL_VARIABLES', 'SESSION_VARIABLES', 'USER_PRIVILEGES', 'SCHEMA_PRIVILEGES', 'TABLE_PRIVILEGES']);

/** Whether a listing may prepare the views it lists: a SHOW that lists, or an information_schema table not known
 *  to leave them unprepared. */
export function preparesViews(sql: string, relations: MysqlRelation[], database: string | null | undefined): boolean {
  return showListing(sql) || relations.some(([schema, name]) => isInformationSchema(schema ?? database) && !LISTS_NO_VIEW_CODE.has(asciiUpper(name)));
}

/** One view the session can see that is not the server's own (sys's and mysql's, by their fresh install's
 *  definers): a listing prepares the views it lists (information_schema.COLUMNS, SHOW TABLE STATUS, SHOW COLUMNS
 *  … FROM db), and preparing one evaluates its constants, `LIKE … ESCAPE f()` running f (a probe of stop 69
 *  killed a session and changed a global that way). Asked by name and definer only, which the server reads from
 *  the view's file without preparing it. */
const SERVER_VIEW_DEFINERS = ['mariadb.sys@localhost', 'mysql.sys@localhost'];
const VIEWS_SQL = `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n FROM information_schema.VIEWS
      WHERE NOT (BINARY TABLE_SCHEMA IN ('sys', 'mysql') AND BINARY DEFINER IN (?, ?)) ORDER BY TABLE_SCHEMA, TABLE_NAME LIMIT 1`;

/** The views the question above lets by (the server's schemas, the server's definer), with their definitions
 *  (read from each view's file, unprepared): an administrator writes any definer, so each must be a fresh
 *  install's or its definition proven a read (checkListedServerViews). */
export const serverViewsQuery = (): { sql: string; values: string[] } => ({
  sql: `SELECT TABLE_SCHEMA AS s, TABLE_NAME AS n, VIEW_DEFINITION AS d, DEFINER AS w FROM information_schema.VIEWS
      WHERE BINARY TABLE_SCHEMA IN ('sys', 'mysql') AND BINARY DEFINER IN (?, ?)`,
  values: SERVER_VIEW_DEFINERS,
});

/** Throws PinRefusal for the first listed server view that is neither a fresh install's (mysql-stock-views.ts)
 *  nor proven: `prove` throws for a view whose definition is not proven a read or reads outside the server's
 *  schemas (mysql-relations-check.ts checkServerView, mysql-hold.ts ownTablesOnly). */
export function checkListedServerViews(rows: { s?: unknown; n?: unknown; d?: unknown; w?: unknown }[], version: string, prove: (view: ServerView) => void): void {
  for (const r of rows) {
    const view: ServerView = { what: `${String(r.s)}.${String(r.n)}`, schema: String(r.s), definition: String(r.d ?? ''), definer: String(r.w ?? '') };
    if (isStockView(version, view.schema, String(r.n), view.definition)) continue;
    try { prove(view); } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new PinRefusal(`the server prepares every view this read lists, and ${view.what} is not a fresh install's view of this server's release; its code runs when it is prepared (${why})`);
    }
  }
}

/** Throws PinRefusal naming the table the query found, if it found one. */
export function checkRemoteEngines(rows: { s?: unknown; n?: unknown; e?: unknown; vs?: unknown; vn?: unknown }[]): void {
  const r = rows[0];
  if (r && r.vn !== null && r.vn !== undefined) {
    throw new PinRefusal(`the server prepares every view this read lists, and ${String(r.vs)}.${String(r.vn)} is a view someone created, whose code (a function in its constants) runs when it is prepared: not run as a read`);
  }
  if (!r || r.n === null || r.n === undefined) return;
  const engine = typeof r.e === 'string' ? r.e : 'an engine the server does not show';
  throw new PinRefusal(`the server opens every table this read lists, and ${String(r.s)}.${String(r.n)} (${engine}) may reach another server or file when opened: not run as a read`);
}

/** InnoDB recalculates the statistics of every table such a read opens (the ones whose statistics are not
 *  persistent: the optimizer's plans for the application's queries may change, and it reads pages to do it) when
 *  a superuser has set innodb_stats_on_metadata (a probe of stop 67: MODIFIED_COUNTER back to 0 after a dry run's
 *  `SHOW TABLE STATUS`). Asked with the engines: a server that cannot say counts as one that may. */
export const STATS_ON_METADATA_SQL = 'SELECT @@GLOBAL.innodb_stats_on_metadata AS m';

/** Throws PinRefusal unless innodb_stats_on_metadata is known to be off. */
export function checkStatsOnMetadata(rows: { m?: unknown }[] | undefined): void {
  const m = rows?.[0]?.m;
  if (m === 0 || m === '0' || m === 'OFF') return;
  throw new PinRefusal(`innodb_stats_on_metadata is ${m === undefined ? 'not known' : String(m)} on this server: it recalculates the statistics of every InnoDB table this read lists (the application's query plans may change): not run as a read`);
}
