// SQL that a step does not mark destructive must be proven read-only by the engine's own parser
// (language/sql): one statement, a plain read, calling only functions known to be read-only. The run backs
// this up (db/: one statement per step, in a read-only transaction), but the lint is what tells the author.
import { engineOfScheme } from '../../common/engine-scheme.js';
import { CANNOT_VOUCH, classifyLater, classifySql, type SqlEngine, type SqlVerdict } from '../sql/index.js';
import { lexMysql } from '../sql/mysql-lexer.js';
import type { RunbookDoc, SqlActionDoc, StepDoc } from '../schema.js';
import type { Reporter } from './context.js';
import { shellDanger } from './shell-lint.js';
import type { ShellSql } from './shell-read-only.js';

const ENGINE_NAME: Record<SqlEngine, string> = { postgres: 'PostgreSQL', mysql: 'MySQL/MariaDB' };

/**
 * One SQL text of a step and where it is in the file. `engine` is undefined for a plain-string query on a
 * connection whose URL does not name its scheme: it is checked as PostgreSQL when PostgreSQL's own parser
 * accepts it, and also as MySQL/MariaDB where that reading acts, else as MySQL/MariaDB; the run checks it
 * again on the engine it actually reaches
  * (executors/sql-read-only.ts), so a text that is a read only on the other engine is still refused there.
 */
interface SqlSite { step: StepDoc; index: number; path: string; text: string; engine?: SqlEngine; viaShell?: true }

export function lintSql(doc: RunbookDoc, report: Reporter): void {
  const sites = doc.steps.flatMap((step, index) => step.destructive === true ? [] : sitesOf(doc, step, index));
  // Every PostgreSQL (or maybe-PostgreSQL) text in one question to the parser's thread, which loads and
  // parses while the MySQL texts are classified here.
  const pgSites = sites.filter((s) => s.engine !== 'mysql');
  const pgLater = classifyLater(pgSites.map((s) => s.text), 'postgres');
  const verdicts = new Map<SqlSite, [SqlEngine, SqlVerdict]>();
  for (const site of sites) if (site.engine === 'mysql') verdicts.set(site, ['mysql', classifySql(site.text, 'mysql')]);
  const pg = pgLater();
  pgSites.forEach((s, i) => verdicts.set(s, ['postgres', pg[i]!]));
  for (const site of sites) {
    if (site.engine !== undefined) continue;
    const asPostgres = verdicts.get(site)![1];
    if (!asPostgres.parsed) { verdicts.set(site, ['mysql', classifySql(site.text, 'mysql')]); continue; }
    if (!asPostgres.readOnly || asPostgres.statements > 1) continue;
    // A read to PostgreSQL may be code to MySQL/MariaDB (an executable comment, `#`, a backslash in a string):
    // until the run reaches the server, either may be at the other end, so that reading counts too where it
    // acts. Not where it only meets a function it does not know (PostgreSQL's own, read-only ones).
    const asMysql = classifySql(site.text, 'mysql');
    const code = asMysql.parsed ? asMysql.acts || asMysql.statements > 1 : lexMysql(site.text).conditions.length > 0;
    if (code) verdicts.set(site, ['mysql', asMysql]);
  }
  for (const site of sites) {
    const [engine, v] = verdicts.get(site)!;
    const finding = describe(site, engine, v);
    if (!finding) continue;
    if (v.statements > 1) {
      report.error('sql-one-statement', site.path, `step '${site.step.id}' ${finding}: one statement per non-destructive step (split it into steps, or mark it 'destructive: true')`);
    } else if (site.viaShell) {
      // A database client runs what it is given, with no read-only transaction around it: no vouching.
      report.error('unsafe-unmarked', site.path, `step '${site.step.id}' ${finding}, through a database client that runs it as it is: mark it 'destructive: true' so the operator confirms it, or read with a 'sql' step (run in a read-only transaction)`);
    } else if (v.acts) {
      report.error('unsafe-unmarked', site.path, `step '${site.step.id}' ${finding}: mark it 'destructive: true' so the operator confirms it (${CANNOT_VOUCH})`);
    } else if (site.step.destructive === false) {
      if (!site.step.safe_because?.trim()) report.error('unsafe-unmarked', site.path, `step '${site.step.id}' ${finding}, but is marked 'destructive: false' without 'safe_because: <why>'`);
    } else {
      report.error('unsafe-unmarked', site.path, `step '${site.step.id}' ${finding}: mark it 'destructive: true' so the operator confirms it, or 'destructive: false' with 'safe_because'`);
    }
  }
}

function describe(site: SqlSite, engine: SqlEngine, v: SqlVerdict): string | undefined {
  const on = site.engine ? '' : ` (read as ${ENGINE_NAME[engine]})`;
  if (v.statements > 1) return `runs ${v.statements} SQL statements${on}`;
  if (v.readOnly) return undefined;
  return `runs SQL that is not read-only${on}: it ${v.why ?? 'cannot be proven read-only'}`;
}

function sitesOf(doc: RunbookDoc, step: StepDoc, index: number): SqlSite[] {
  const out: SqlSite[] = [];
  const add = (sql: SqlActionDoc | undefined, base: string) => {
    if (!sql) return;
    if (typeof sql.query === 'string') {
      const engine = engineOf(doc, sql.connection);
      out.push({ step, index, path: `${base}/query`, text: sql.query, ...(engine ? { engine } : {}) });
      return;
    }
    if (sql.query.postgres !== undefined) out.push({ step, index, path: `${base}/query/postgres`, text: sql.query.postgres, engine: 'postgres' });
    if (sql.query.mysql !== undefined) out.push({ step, index, path: `${base}/query/mysql`, text: sql.query.mysql, engine: 'mysql' });
  };
  /** SQL a shell script hands to psql / mysql (`-c`, `-e`, a here-document), on the engine of the client. */
  const shellSql = (shell: StepDoc['shell'], base: string) => {
    const script = typeof shell === 'string' ? shell : shell?.run;
    if (script === undefined) return;
    const found: ShellSql[] = [];
    shellDanger(script, found);
    for (const f of found) out.push({ step, index, path: typeof shell === 'string' ? base : `${base}/run`, text: f.text, engine: f.engine, viaShell: true });
  };
  add(step.sql, `/steps/${index}/sql`);
  add(step.wait?.sql, `/steps/${index}/wait/sql`);
  shellSql(step.shell, `/steps/${index}/shell`);
  shellSql(step.wait?.shell, `/steps/${index}/wait/shell`);
  return out;
}

/** The engine when the connection's URL names its scheme literally (`postgres://${{ … }}`); else undefined. */
function engineOf(doc: RunbookDoc, connection: string | undefined): SqlEngine | undefined {
  const names = Object.keys(doc.connections ?? {});
  const name = connection ?? (names.length === 1 ? names[0] : undefined);
  const url = name === undefined ? undefined : doc.connections?.[name]?.url;
  const engine = url === undefined ? undefined : engineOfScheme(url);
  return engine === undefined ? undefined : engine === 'postgres' ? 'postgres' : 'mysql';
}
