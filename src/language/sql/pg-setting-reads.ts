// What of the server's settings a PostgreSQL text reads. A superuser (or pg_read_all_settings) sees every
// setting's value, and some hold another server's password: primary_conninfo (`password=`, or any libpq spelling
// of it: a URI's `user:pw@`, a quoted value), ssl_passphrase_command, a placeholder a DBA set (`app.tok`). The
// screen masked only the `password=` spelling, and `upper(current_setting('primary_conninfo'))`, a `reverse()`,
// `pg_file_settings` printed it whole (a probe of stop 77). The server itself says which settings are secret: it
// shows a GUC_SUPERUSER_ONLY one to no ordinary role. So a read of a setting is a step given a secret unless the
// engine's own reading of the text (its parse tree) names, as a literal, a setting the server shows to any role
// (pg-public-settings.ts): `SHOW ALL`, `SHOW x` of another, `current_setting(e)` of another or of a computed name,
// pg_show_all_settings(), pg_file_settings and pg_db_role_setting (a role's or database's own), and pg_settings
// but where every column the query names there is one that holds no setting's value.
//
// Statistics are values too (a probe of stop 80): after an ANALYZE of pg_authid (autovacuum's, or a superuser's),
// `SELECT histogram_bounds FROM pg_stats WHERE tablename = 'pg_authid'` printed every role's verifier; pg_stats
// shows a column's sampled values to whoever may read the column, a superuser every store's (pg_subscription's
// conninfo, a user mapping's password). So pg_statistic and pg_statistic_ext_data read at all, and pg_stats,
// pg_stats_ext and pg_stats_ext_exprs but where every column named there is one that holds no sampled value, are
// reads of the server's secrets; the table a row is of is not read (a computed name, a join: over-withheld).
import { parsePg } from './pg-parser.js';
import { catalogCallName } from './pg-references.js';
import { PG_PUBLIC_SETTINGS } from './pg-public-settings.js';
import { rememberedByText } from '../../common/remembered.js';

/** Relations that hold settings' values or sampled values of every table, read whole. */
const VALUE_RELATIONS = new Set(['pg_file_settings', 'pg_db_role_setting', 'pg_statistic', 'pg_statistic_ext_data']);
/** Functions that return every setting's value. */
const VALUE_FUNCTIONS = new Set(['pg_show_all_settings', 'pg_show_all_file_settings']);
/** The function behind pg_stat_activity: every session's last statement as sent (an `ALTER ROLE … PASSWORD '…'`).
 *  The view itself is read through the engine's masked subquery (pg-masked-relations.ts); the call is not. */
const STATEMENTS_FUNCTION = 'pg_stat_get_activity';
/** pg_settings' columns that hold no setting's value (not setting, reset_val, boot_val; nor a whole row or `*`). */
const PG_SETTINGS_DESCRIBING = new Set(['name', 'unit', 'category', 'short_desc', 'extra_desc', 'context', 'vartype',
  'source', 'min_val', 'max_val', 'enumvals', 'sourcefile', 'sourceline', 'pending_restart']);
/** The statistics views' columns that hold no sampled value (not most_common_vals, histogram_bounds,
 *  most_common_elems; nor a whole row or `*`): names, counts, fractions and the statistics' definitions. */
const STATS_DESCRIBING = ['schemaname', 'tablename', 'inherited', 'null_frac', 'avg_width', 'n_distinct', 'most_common_freqs',
  'correlation', 'most_common_elem_freqs', 'elem_count_histogram', 'statistics_schemaname', 'statistics_name', 'statistics_owner'];
/** Each relation read column by column: the columns that hold no value of a setting or of a table. */
const DESCRIBING: Readonly<Record<string, ReadonlySet<string>>> = {
  pg_settings: PG_SETTINGS_DESCRIBING,
  pg_stats: new Set([...STATS_DESCRIBING, 'attname']),
  pg_stats_ext: new Set([...STATS_DESCRIBING, 'attnames', 'exprs', 'kinds', 'dependencies', 'most_common_val_nulls', 'most_common_base_freqs']),
  pg_stats_ext_exprs: new Set([...STATS_DESCRIBING, 'expr']),
};

/** PgBouncer's admin console answers `SHOW <word>` with its own lists (db/pg-session.ts consoleCommand); none is a
 *  PostgreSQL setting (the server refuses an unknown name without a dot), and none holds a password (FDS does: not
 *  here). */
const CONSOLE_SHOWS = new Set(['pools', 'clients', 'servers', 'databases', 'config', 'stats', 'stats_totals',
  'stats_averages', 'totals', 'lists', 'users', 'version', 'mem', 'state', 'dns_hosts', 'dns_zones']);

const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());
const shown = (name: string) => PG_PUBLIC_SETTINGS.has(lower(name));

/** How the text reads a setting only a superuser may, as a phrase for the step's "given" list; undefined when
 *  it reads none (or the parser refused it: the classifier has, and nothing runs). Each text's answer is
 *  remembered, as account-stores.ts does: a loop prepares the same statement for every item. */
export const pgSettingRead = rememberedByText(settingRead);

function settingRead(text: string): string | undefined {
  const parsed = parsePg([text])[0]!;
  if ('error' in parsed) return undefined;
  const found: string[] = [];
  const described = new Set<unknown>();
  walk(parsed.tree, found, described);
  for (const relation of Object.keys(DESCRIBING)) {
    if (rangeVars(parsed.tree).some((r) => isCatalog(r, relation) && !described.has(r))) found.push(`reading ${relation}' values`);
  }
  const config = configRead(parsed.tree);
  if (config) found.push(config);
  if (!found.length) return undefined;
  if (found[0] === `${STATEMENTS_FUNCTION}()`) return `other sessions' statements as sent, by ${found[0]}`;
  return /pg_stat(istic|s)/.test(found[0]!) ? `the tables' sampled values (every store's for a superuser), by ${found[0]}` : `the server's settings a superuser reads, by ${found[0]}`;
}

/** pg_roles' and pg_user's column of each role's own settings (ALTER ROLE … SET app.tok = …): the server shows it
 *  to every role. */
const CONFIG_COLUMNS: Record<string, string> = { pg_roles: 'rolconfig', pg_user: 'useconfig' };

/** A read of pg_roles or pg_user that can return a role's settings: a column of that name anywhere, a `*` in a
 *  SELECT that reads the relation itself, the relation's whole row where its name is seen (`r`, `to_json(r)`,
 *  `r.*`), its columns renamed, or a join there that compares columns by name. Their other columns are read by
 *  the built-ins (a role's limit, whether it may log in, a CTE's `x.*` of its own columns) and stay shown. */
function configRead(tree: unknown): string | undefined {
  const relation = rangeVars(tree).find(isConfigRelation) as { relname: string } | undefined;
  if (!relation) return undefined;
  const reads = { found: false };
  scanConfig(tree, new Set(), reads);
  return reads.found ? `reading ${relation.relname}'s ${CONFIG_COLUMNS[relation.relname]}` : undefined;
}

const isConfigRelation = (r: unknown): boolean => Object.keys(CONFIG_COLUMNS).some((n) => isCatalog(r, n));
const CONFIG = new Set(Object.values(CONFIG_COLUMNS));

/** `visible`: the names (aliases) under which pg_roles or pg_user is seen where `value` is. */
function scanConfig(value: unknown, visible: ReadonlySet<string>, reads: { found: boolean }): void {
  if (reads.found) return;
  if (Array.isArray(value)) { for (const v of value) scanConfig(v, visible, reads); return; }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'SelectStmt') { scanSelect(child, visible, reads); continue; }
    if (key === 'ColumnRef') {
      const f = refFields(child);
      const name = f.at(-1);
      if ((name !== undefined && CONFIG.has(name)) || (f.length <= 2 && f[0] !== undefined && visible.has(f[0]) && (f.length === 1 || name === undefined))) reads.found = true;
    }
    scanConfig(child, visible, reads);
  }
}

function scanSelect(select: unknown, visible: ReadonlySet<string>, reads: { found: boolean }): void {
  const from = (select as { fromClause?: unknown } | null)?.fromClause;
  const own = rangeVars(from, true).filter(isConfigRelation) as { relname: string; alias?: { aliasname?: string; colnames?: unknown } }[];
  const seen = new Set([...visible, ...own.map((r) => r.alias?.aliasname ?? r.relname)]);
  if (own.length && (own.some((r) => r.alias?.colnames !== undefined) || joinsByName(from) || bareStar(select))) { reads.found = true; return; }
  for (const child of Object.values(select as Record<string, unknown>)) scanConfig(child, seen, reads);
}

/** `SELECT *` (its target list's own). */
function bareStar(select: unknown): boolean {
  const targets = (select as { targetList?: { ResTarget?: { val?: { ColumnRef?: { fields?: unknown[] } } } }[] }).targetList ?? [];
  return targets.some((t) => {
    const fields = t.ResTarget?.val?.ColumnRef?.fields;
    return fields?.length === 1 && (fields[0] as { A_Star?: unknown }).A_Star !== undefined;
  });
}

function walk(value: unknown, found: string[], described: Set<unknown>): void {
  if (Array.isArray(value)) { for (const v of value) walk(v, found, described); return; }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'VariableShowStmt') showRead(child, found);
    if (key === 'FuncCall') callRead(child, found);
    if (key === 'RangeVar') {
      const hit = [...VALUE_RELATIONS].find((n) => isCatalog(child, n));
      if (hit) found.push(`reading ${hit}`);
    }
    if (key === 'SelectStmt') describesOnly(child, described);
    walk(child, found, described);
  }
}

function showRead(node: unknown, found: string[]): void {
  const name = (node as { name?: unknown } | null)?.name;
  if (typeof name !== 'string' || (name !== 'all' && (shown(name) || CONSOLE_SHOWS.has(lower(name))))) return;
  found.push(`SHOW ${name}`);
}

function callRead(node: unknown, found: string[]): void {
  const fn = catalogCallName(node);
  if (fn === undefined) return;
  if (VALUE_FUNCTIONS.has(fn) || fn === STATEMENTS_FUNCTION) found.push(`${fn}()`);
  if (fn !== 'current_setting') return;
  const literal = ((node as { args?: unknown[] } | null)?.args?.[0] as { A_Const?: { sval?: { sval?: unknown } } } | undefined)?.A_Const?.sval?.sval;
  if (typeof literal !== 'string' || !shown(literal)) found.push(`current_setting(${typeof literal === 'string' ? `'${literal}'` : 'a computed name'})`);
}

/** A SELECT whose FROM names a relation read column by column (pg_settings, the statistics views) and whose every
 *  column (anywhere inside it, subqueries too) is one that describes: those relations are marked as read without a
 *  value. */
function describesOnly(select: unknown, described: Set<unknown>): void {
  for (const [relation, describing] of Object.entries(DESCRIBING)) {
    const from = (select as { fromClause?: unknown } | null)?.fromClause;
    const own = rangeVars(from, true).filter((r) => isCatalog(r, relation));
    if (own.length === 0) continue;
    // `pg_settings s(setting, name)` renames its columns: `name` is then the value.
    if (own.some((r) => (r as { alias?: { colnames?: unknown } }).alias?.colnames !== undefined)) continue;
    if (relation === 'pg_settings' && ownRowsShown(select, from, own)) { for (const r of own) described.add(r); continue; }
    // A NATURAL join or USING compares columns the query does not name (pg_settings' setting with another's).
    if (joinsByName(from)) continue;
    const names = columnRefs(select);
    if (names.every((fields) => fields.length > 0 && fields.every((f) => typeof f === 'string') && describing.has(String(fields.at(-1))))) {
      for (const r of own) described.add(r);
    }
  }
}

/** `FROM pg_settings [s] WHERE name = 'x' [AND …]` or `name IN ('x', 'y')`, pg_settings alone in FROM, each name
 *  one any role sees: the WHERE keeps no other row, so every column of it may be read. */
function ownRowsShown(select: unknown, from: unknown, own: unknown[]): boolean {
  if (!Array.isArray(from) || from.length !== 1 || own.length !== 1) return false;
  const only = (from[0] as { RangeVar?: unknown }).RangeVar;
  if (only !== own[0]) return false;
  const alias = (only as { alias?: { aliasname?: unknown } }).alias?.aliasname;
  const where = (select as { whereClause?: unknown }).whereClause as { BoolExpr?: { boolop?: unknown; args?: unknown[] } } | undefined;
  const terms = where?.BoolExpr?.boolop === 'AND_EXPR' ? where.BoolExpr.args ?? [] : where ? [where] : [];
  return terms.some((t) => namesShown(t, alias ?? 'pg_settings'));
}

function namesShown(term: unknown, relation: unknown): boolean {
  const e = (term as { A_Expr?: { kind?: unknown; name?: { String?: { sval?: unknown } }[]; lexpr?: unknown; rexpr?: unknown } }).A_Expr;
  if (!e || e.name?.length !== 1 || e.name[0]?.String?.sval !== '=' || !['AEXPR_OP', 'AEXPR_IN'].includes(String(e.kind))) return false;
  const fields = ((e.lexpr as { ColumnRef?: { fields?: { String?: { sval?: unknown } }[] } })?.ColumnRef?.fields ?? []).map((f) => f.String?.sval);
  if (!(fields.length === 1 && fields[0] === 'name') && !(fields.length === 2 && fields[0] === relation && fields[1] === 'name')) return false;
  const values = e.kind === 'AEXPR_IN' ? (e.rexpr as { List?: { items?: unknown[] } })?.List?.items ?? (Array.isArray(e.rexpr) ? e.rexpr : []) : [e.rexpr];
  return values.length > 0 && values.every((v) => {
    const lit = (v as { A_Const?: { sval?: { sval?: unknown } } })?.A_Const?.sval?.sval;
    return typeof lit === 'string' && shown(lit);
  });
}

function joinsByName(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(joinsByName);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value as Record<string, unknown>).some(([key, child]) => (key === 'JoinExpr'
    && ((child as { isNatural?: unknown }).isNatural === true || (child as { usingClause?: unknown }).usingClause !== undefined))
    || joinsByName(child));
}

const isCatalog = (node: unknown, name: string): boolean => {
  const r = node as { schemaname?: unknown; relname?: unknown } | null;
  return r?.relname === name && (r.schemaname === undefined || r.schemaname === '' || r.schemaname === 'pg_catalog');
};

/** Every RangeVar node below `value` (not below a nested SELECT when `ownOnly`). */
function rangeVars(value: unknown, ownOnly = false, out: unknown[] = []): unknown[] {
  if (Array.isArray(value)) { for (const v of value) rangeVars(v, ownOnly, out); return out; }
  if (value === null || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (ownOnly && key === 'SelectStmt') continue;
    if (key === 'RangeVar' || key === 'relation' || key === 'rel') out.push(child);
    rangeVars(child, ownOnly, out);
  }
  return out;
}

/** A ColumnRef's fields: a name, or undefined for `*`. */
const refFields = (ref: unknown): (string | undefined)[] =>
  ((ref as { fields?: { String?: { sval?: unknown } }[] }).fields ?? []).map((f) => (typeof f.String?.sval === 'string' ? f.String.sval : undefined));

/** Each ColumnRef's fields. */
function columnRefs(value: unknown, out: (string | undefined)[][] = []): (string | undefined)[][] {
  if (Array.isArray(value)) { for (const v of value) columnRefs(v, out); return out; }
  if (value === null || typeof value !== 'object') return out;
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (key === 'ColumnRef') {
      out.push(refFields(child));
    }
    columnRefs(child, out);
  }
  return out;
}
