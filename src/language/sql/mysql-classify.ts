// MySQL and MariaDB: the server's own reading of comments, strings and statement breaks (mysql-lexer.ts,
// executable comments expanded), then a maintained grammar (node-sql-parser, MariaDB and MySQL dialects,
// loaded on first use) for the structure. A text the grammars cannot parse is not proven read-only.
import { createRequire } from 'node:module';
import { lexMysql } from './mysql-lexer.js';
import { MYSQL_ACTING, MYSQL_READ_ONLY } from './read-only-functions.js';
import { aStatement, notRead, read, unparsed, worst, type Finding, type SqlVerdict } from './verdict.js';

type Node = Record<string, unknown>;
interface Grammar { astify(sql: string, opt: { database: string }): unknown }

/** Statements other than SELECT that can appear nested; any of them is not a read. */
const WRITES = new Set(['insert', 'replace', 'update', 'delete', 'create', 'drop', 'alter', 'truncate', 'rename',
  'set', 'lock', 'unlock', 'grant', 'revoke', 'call', 'transaction', 'load_data', 'use', 'declare', 'execute', 'prepare']);

export function classifyMysql(text: string): SqlVerdict {
  const lexed = lexMysql(text, true);
  if (lexed.error) return unparsed(`it has ${lexed.error}`);
  const other = lexMysql(text, false);
  if (other.error || other.statements.join(';') !== lexed.statements.join(';')) {
    return unparsed('a backslash before a quote reads differently when the server has NO_BACKSLASH_ESCAPES');
  }
  const findings: Finding[] = [];
  for (const statement of lexed.statements) {
    const problem = statementFindings(statement, findings);
    if (problem) return unparsed(...withActing(statement, problem), lexed.statements.length);
  }
  const finding = worst(findings);
  return finding ? notRead(lexed.statements.length, finding.why, finding.acts) : read(lexed.statements.length);
}

/** Adds what makes one statement unsafe to `into`; returns why no grammar reads it, if none does. */
function statementFindings(statement: string, into: Finding[]): string | undefined {
  const show = /^\s*SHOW\b([\s\S]*)$/i.exec(statement);
  // SHOW only reads; node-sql-parser knows few of its forms. Its one place for an expression is WHERE,
  // which is checked as a SELECT's would be.
  if (show) {
    const where = /\bWHERE\b([\s\S]*)$/i.exec(show[1]!);
    return where ? statementFindings(`SELECT 1 FROM DUAL WHERE ${where[1]}`, into) : undefined;
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
    if (list.length !== 1) into.push({ why: 'holds more than one statement' });
    for (const top of list) topFindings(top, into);
    return undefined;
  }
  return problem;
}

/**
 * A statement no grammar reads (DO, KILL, …) may still call a function that acts: looked for by name in the
 * lexed text, where comments are gone and executable comments are code. A literal can only add false alarms.
 */
function withActing(statement: string, problem: string): [string, boolean] {
  const call = /\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
  for (const m of statement.matchAll(call)) {
    if (MYSQL_ACTING.has(m[1]!.toUpperCase())) return [`${problem}, and it calls ${m[1]}(), which acts on the server`, true];
  }
  return [problem, false];
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
    if (into?.position && /^(OUTFILE|DUMPFILE)$/i.test(String(into.keyword))) return { why: `writes a file on the server (SELECT … INTO ${String(into.keyword).toUpperCase()})`, acts: true };
    if (into?.position) return { why: 'writes its result somewhere (SELECT … INTO)' };
    if (node.locking_read) return { why: 'locks rows (SELECT … FOR UPDATE / LOCK IN SHARE MODE)' };
  }
  if (type && WRITES.has(type)) return { why: `holds ${aStatement(type.toUpperCase().replace(/_/g, ' '))}` };
  if (type === 'assign') return { why: 'assigns a variable (:=)' };
  if (type === 'function' || type === 'aggr_func') {
    const name = functionName(node);
    if (name && MYSQL_ACTING.has(name.toUpperCase())) return { why: `calls ${name}(), which acts on the server`, acts: true };
    if (!name || !MYSQL_READ_ONLY.has(name.toUpperCase())) return { why: `calls ${name ?? 'a function'}(), which is not known to be read-only` };
  }
  return undefined;
}

/** A built-in's name; undefined for a quoted or schema-qualified (stored) function, never a built-in. */
function functionName(node: Node): string | undefined {
  if (typeof node.name === 'string') return node.name;
  const name = node.name as { name?: { type?: string; value?: string }[]; schema?: { value?: string } } | undefined;
  const parts = name?.name ?? [];
  if (name?.schema || parts.length !== 1) return [name?.schema?.value, ...parts.map((p) => p.value)].filter(Boolean).join('.') || undefined;
  // 'default': a plain name; 'origin': a keyword such as CURRENT_TIMESTAMP; anything else is quoted.
  const plain = parts[0]!.type === 'default' || parts[0]!.type === 'origin';
  return plain ? parts[0]!.value : `\`${parts[0]!.value}\``;
}

let loaded: [string, () => Grammar][] | undefined;
/** MariaDB's dialect first (the lab's and most deployments' server), then MySQL's; each loaded on first use. */
function grammars(): [string, () => Grammar][] {
  if (loaded) return loaded;
  const require = createRequire(import.meta.url);
  const lazy = (path: string): (() => Grammar) => {
    let g: Grammar | undefined;
    return () => (g ??= new (require(path) as { Parser: new () => Grammar }).Parser());
  };
  loaded = [['MariaDB', lazy('node-sql-parser/build/mariadb')], ['MySQL', lazy('node-sql-parser/build/mysql')]];
  return loaded;
}
