// MySQL and MariaDB: the server's own reading of comments, strings and statement breaks (mysql-lexer.ts,
// executable comments expanded), then a maintained grammar (node-sql-parser, MariaDB and MySQL dialects,
// loaded on first use) for the structure. A text the grammars cannot parse is not proven to be anything, so it
// counts as acting, like every statement that is not a plain read.
import { createRequire } from 'node:module';
import { expands, lexMysql, type Condition } from './mysql-lexer.js';
import { nameTokens, whereKeyword } from './mysql-names.js';
import { informationSchemaReads, showProven, UNLISTED_WHEREVER, whyNotInformationSchema } from './mysql-information-schema.js';
import { keepBareCalls, mysqlTokens, readOtherwise } from './mysql-tokens.js';
import { MYSQL_ACTING, MYSQL_READ_ONLY } from './read-only-functions.js';
import { aStatement, notRead, read, unknownCode, unparsed, worst, type Finding, type SqlVerdict } from './verdict.js';
import { asciiUpper } from './ascii-case.js';

type Node = Record<string, unknown>;
export interface Grammar {
  astify(sql: string, opt: { database: string }): unknown;
  sqlify(ast: unknown, opt: { database: string }): string;
  tableList(sql: string, opt: { database: string }): string[];
}

/** Statements other than SELECT that can appear nested; any of them is not a read. */
const WRITES = new Set(['insert', 'replace', 'update', 'delete', 'create', 'drop', 'alter', 'truncate', 'rename',
  'set', 'lock', 'unlock', 'grant', 'revoke', 'call', 'transaction', 'load_data', 'use', 'declare', 'execute', 'prepare']);

export function classifyMysql(text: string): SqlVerdict {
  const all = lexMysql(text, true);
  if (all.error) return unparsed(`it has ${all.error}`);
  const readings = serverReadings(all.conditions);
  if (!readings) return unparsed('it has executable comments for more server versions than are checked');
  let verdict = classifyReading(text, readings[0]!); // every executable comment expanded
  for (const keep of readings.slice(1)) {
    const v = classifyReading(text, keep);
    verdict = worse(verdict, v.why ? { ...v, why: `${v.why}, as a server that skips some of its executable comments reads it` } : v);
  }
  return verdict;
}

/**
 * Every way a server reads the text's executable comments (`expands`: which a MySQL or a MariaDB server of a
 * version reads as code). One reading per flavour and version
 * step is all there is. Without this, `/*!999999 SELECT 1 AS *\/ KILL /*!999999 FROM DUAL WHERE 1 = *\/ 5` was
 * a read to the lint and `KILL 5` to the server.
 */
export function serverReadings(conditions: Condition[]): ((c: Condition) => boolean)[] | undefined {
  const versions = [...new Set(conditions.flatMap((c) => (c.version === undefined ? [] : [c.version])))].sort((x, y) => x - y);
  if (versions.length > MAX_VERSIONS) return undefined;
  const readings: ((c: Condition) => boolean)[] = [];
  const seen = new Set<string>();
  for (const mariadb of [true, false]) {
    for (const server of [Infinity, 0, ...versions]) {
      const keep = (c: Condition) => expands(c, { mariadb, version: server });
      const key = conditions.map(keep).join();
      if (!seen.has(key)) { seen.add(key); readings.push(keep); }
    }
  }
  return readings;
}
const MAX_VERSIONS = 4;

/** The verdict that matters more: acting over unproven over read, and the most statements any reading has. */
function worse(a: SqlVerdict, b: SqlVerdict): SqlVerdict {
  const rank = (v: SqlVerdict) => (v.readOnly ? 0 : v.acts ? 2 : 1);
  const pick = rank(b) > rank(a) ? b : a;
  return { ...pick, statements: Math.max(a.statements, b.statements) };
}

/** One server's reading of the text. */
function classifyReading(text: string, keep: (c: Condition) => boolean): SqlVerdict {
  const lexed = lexMysql(text, true, keep);
  if (lexed.error) return unparsed(`it has ${lexed.error}`);
  const other = lexMysql(text, false, keep);
  if (other.error || other.statements.join(';') !== lexed.statements.join(';')) {
    return unparsed('a backslash before a quote reads differently when the server has NO_BACKSLASH_ESCAPES');
  }
  const findings: Finding[] = [];
  for (const statement of lexed.statements) {
    // Whatever the grammar makes of it, a call of a function that acts is looked for in the text itself, so a
    // grammar that misreads a clause (keeping it as a string, say) cannot hide one.
    const call = actingCall(statement);
    if (call) findings.push({ why: `calls ${call}(), which acts on the server` });
    const listing = unprovenListing(statement);
    if (listing) findings.push({ why: listing });
    const problem = statementFindings(statement, findings);
    // A statement no grammar reads (KILL, FLUSH, HANDLER, DO, …) is not proven to be anything: it acts.
    if (problem) return call ? notRead(lexed.statements.length, worst(findings)!) : unparsed(problem, lexed.statements.length);
  }
  const finding = worst(findings);
  return finding ? notRead(lexed.statements.length, finding) : read(lexed.statements.length);
}

/** Adds what makes one statement unsafe to `into`; returns why no grammar reads it, if none does. */
function statementFindings(statement: string, into: Finding[]): string | undefined {
  const show = /^\s*SHOW\b([\s\S]*)$/i.exec(statement);
  // SHOW only reads; node-sql-parser knows few of its forms. Its one place for an expression is WHERE,
  // which is checked as a SELECT's would be: the keyword the server reads, not the word in a quoted name
  // (`SHOW TABLES FROM \`WHERE 1 #\` WHERE f()` was checked as `WHERE 1`).
  if (show) {
    const at = whereKeyword(statement);
    if (at === null) return 'a quote in it is left open';
    // MariaDB evaluates `SHOW EXPLAIN FOR <expr>` (and ANALYZE): an expression before WHERE is not a read the
    // engine reads, and the run writes a SHOW again from words only (mysql-regenerate.ts): validate says so too.
    if (/[()]/.test(at === undefined ? statement : statement.slice(0, at))) into.push({ why: 'a SHOW with an expression before any WHERE (SHOW EXPLAIN FOR f() evaluates it)' });
    return at === undefined ? undefined : statementFindings(`SELECT 1 FROM DUAL WHERE ${statement.slice(at + 'WHERE'.length)}`, into);
  }
  let problem = '';
  for (const [database, grammar] of grammars()) {
    let ast: unknown;
    try {
      ast = grammar().astify(statement, { database });
    } catch (err) {
      problem = `the MySQL/MariaDB grammar cannot parse it${where(err)}`;
      continue;
    }
    const list = Array.isArray(ast) ? ast as Node[] : [ast as Node];
    // What the grammar reads as a write is not a read whatever the server reads; a read must be the server's too.
    const differs = list.every((top) => top.type === 'select') ? otherwiseRead(statement, ast, grammar(), database) : undefined;
    if (differs) { problem = differs; continue; }
    if (list.length !== 1) into.push({ why: 'holds more than one statement' });
    for (const top of list) topFindings(top, into);
    return undefined;
  }
  return problem;
}

/**
 * The first name called in the lexed text (comments gone, executable comments code, strings kept) that is a
 * function known to act, however spelled: `GET_LOCK(`, `` `get_lock` (``, `mysql.GET_LOCK(`, `"GET_LOCK"(`
 * (ANSI_QUOTES). A string literal's text is skipped; a double-quoted one is kept, as it may be a name.
 */
function actingCall(statement: string): string | undefined {
  const text = statement.replace(/'[^']*'/g, "''");
  const call = /(`[^`]*`|"[^"]*"|[A-Za-z_$][\w$]*)\s*\(/g;
  for (const m of text.matchAll(call)) {
    const name = m[1]!.replace(/^[`"]|[`"]$/g, '');
    if (MYSQL_ACTING.has(asciiUpper(name))) return name;
  }
  return undefined;
}

/** An information_schema table or a SHOW form not known to read only the server's memory, InnoDB's state or what it
 *  lists (mysql-information-schema.ts): qualified in any case or quoting; unqualified, the names of those that read
 *  the server's own tables or reset counters (the session's database may be information_schema). */
function unprovenListing(statement: string): string | undefined {
  const words = (mysqlTokens(statement) ?? []).slice(0, 4).map((t) => (t.kind === 'name' && !t.quoted ? asciiUpper(t.text) : ''));
  if (!showProven(words)) return `SHOW ${words.slice(1).filter(Boolean).join(' ')} is not a SHOW known to read only the server's memory or what it lists (SHOW EVENTS and PROCEDURE STATUS read mysql.event and mysql.proc, which an administrator can make another server's)`;
  for (const t of nameTokens(statement) ?? []) {
    const inSchema = t.qualifier !== undefined && asciiUpper(t.qualifier) === 'INFORMATION_SCHEMA';
    if (inSchema ? !informationSchemaReads(t.name) : UNLISTED_WHEREVER.has(asciiUpper(t.name))) {
      return `reads ${t.qualifier === undefined ? '' : `${t.qualifier}.`}${t.name}, ${whyNotInformationSchema(t.name)}`;
    }
  }
  return undefined;
}

/**
 * Why the grammar's reading is not the server's, if it is not: the grammar's parse written back must be the
 * statement token for token as the server splits it (mysql-tokens.ts). node-sql-parser takes `--1` for a comment
 * (`SELECT 1--1, f(1)` was `SELECT 1` to it and a call of f to the server), `_utf8mb4'x'` for a name and an alias,
 * `UTC_TIMESTAMP` for a column (a read-only keyword call, written back bare: keepBareCalls).
 */
function otherwiseRead(statement: string, ast: unknown, grammar: Grammar, database: string): string | undefined {
  let written: string;
  try {
    written = grammar.sqlify(ast, { database });
  } catch {
    return `the ${database} grammar cannot write back what it parsed`;
  }
  return readOtherwise(statement, keepBareCalls(statement, written), database);
}

/** The grammar's error lists every token it expected; where it stopped is what helps. */
function where(err: unknown): string {
  const start = (err as { location?: { start?: { line?: number; column?: number } } }).location?.start;
  return start?.line ? ` (stops at line ${start.line}, column ${start.column ?? 1})` : '';
}

function topFindings(ast: Node, into: Finding[]): void {
  const type = String(ast.type ?? '');
  if (type === 'show' || type === 'desc') return;
  if (type === 'explain') return collect(ast.expr, into);
  if (type !== 'select') into.push({ why: `is ${aStatement(type.toUpperCase().replace(/_/g, ' '))}` });
  collect(ast, into);
}

function collect(value: unknown, into: Finding[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  const node = value as Node;
  const finding = nodeUnsafe(node);
  if (finding) into.push(finding);
  for (const child of Object.values(node)) collect(child, into);
}

function nodeUnsafe(node: Node): Finding | undefined {
  const type = typeof node.type === 'string' ? node.type : undefined;
  if (type === 'select') {
    const into = node.into as Node | undefined;
    // INTO OUTFILE / DUMPFILE writes a file on the server host, which a read-only transaction does not stop.
    if (into?.position && /^(OUTFILE|DUMPFILE)$/i.test(String(into.keyword))) return { why: `writes a file on the server (SELECT … INTO ${String(into.keyword).toUpperCase()})` };
    if (into?.position) return { why: 'writes its result somewhere (SELECT … INTO)' };
    // MariaDB takes row locks inside a read-only transaction: they would hold other sessions up.
    if (node.locking_read) return { why: 'locks rows (SELECT … FOR UPDATE / LOCK IN SHARE MODE)' };
  }
  if (type && WRITES.has(type)) return { why: `holds ${aStatement(type.toUpperCase().replace(/_/g, ' '))}` };
  if (type === 'assign') return { why: 'assigns a variable (:=)' };
  if (type === 'function' || type === 'aggr_func') {
    const name = functionName(node);
    if (MYSQL_ACTING.has(name.bare)) return { why: `calls ${name.shown}(), which acts on the server` };
    if (!name.builtin || !MYSQL_READ_ONLY.has(name.bare)) return unknownCode(`calls ${name.shown || 'a function'}(), which is not known to be read-only`);
  }
  return undefined;
}

/**
 * A called name, normalised as the server compares it: `bare` is its last part without quotes, in upper case
 * (ASCII letters only, as the server's: ascii-case.ts)
 * (function names are case-insensitive, and the server resolves a quoted or qualified name of a native
 * function to that function: `` `GET_LOCK`( `` is GET_LOCK). `builtin`: plain and unqualified, the only
 * spelling the read-only list vouches for.
 */
function functionName(node: Node): { bare: string; shown: string; builtin: boolean } {
  if (typeof node.name === 'string') return { bare: asciiUpper(node.name), shown: node.name, builtin: true };
  const name = node.name as { name?: { type?: string; value?: string }[]; schema?: { value?: string } } | undefined;
  const parts = name?.name ?? [];
  const last = parts.at(-1);
  const bare = asciiUpper(String(last?.value ?? ''));
  // 'default': a plain name; 'origin': a keyword such as CURRENT_TIMESTAMP; anything else is quoted.
  const plain = parts.length === 1 && (last?.type === 'default' || last?.type === 'origin');
  const shown = [name?.schema?.value, ...parts.map((p) => (p.type === 'default' || p.type === 'origin' ? p.value : `\`${p.value}\``))].filter(Boolean).join('.');
  return { bare, shown, builtin: plain && !name?.schema };
}

let loaded: [string, () => Grammar][] | undefined;
/** MariaDB's dialect first (the lab's and most deployments' server), then MySQL's; each loaded on first use. */
export function grammars(): [string, () => Grammar][] {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const lazy = (path: string): (() => Grammar) => {
    let g: Grammar | undefined;
    return () => (g ??= new (require(path) as { Parser: new () => Grammar }).Parser());
  };
  loaded = [['MariaDB', lazy('node-sql-parser/build/mariadb')], ['MySQL', lazy('node-sql-parser/build/mysql')]];
  return loaded;
}
