// PostgreSQL: classify the parse tree of PostgreSQL's own parser. A plain read is one SELECT (also TABLE and
// VALUES, which parse as SELECT), SHOW, or EXPLAIN without ANALYZE, that nowhere holds another kind of
// statement (a data-modifying WITH), locks rows (FOR UPDATE/SHARE), creates a table (SELECT INTO), or calls
// a function or operator not known to be read-only. Everything else is not.
import { PG_READ_ONLY, pgActs } from './read-only-functions.js';
import { aStatement, notRead, read, statementWords, unparsed, worst, type Finding, type SqlVerdict } from './verdict.js';
import type { PgParse } from './pg-parser.js';

const TOP_LEVEL_READS = new Set(['SelectStmt', 'ExplainStmt', 'VariableShowStmt']);

/**
 * Statements a read-only transaction does not stop and whose effect the parser cannot see into: DO runs
 * PL/pgSQL (PERFORM pg_terminate_backend(…) passes any function check), COPY reads and writes server files and
 * runs programs, LOAD loads a shared library, CHECKPOINT forces I/O. safe_because cannot vouch for them.
 */
const ACTING_STATEMENTS = new Set(['DoStmt', 'CopyStmt', 'LoadStmt', 'CheckPointStmt']);

/** Operators of the built-in types (comparison, arithmetic, text, JSON, arrays, ranges, network, geometry). */
const READ_ONLY_OPERATORS = new Set([...('= <> != < > <= >= + - * / % ^ || ~~ !~~ ~~* !~~* ~ ~* !~ !~* @> <@ && -> ->> ' +
  '#> #>> ? ?| ?& << >> <<= >>= & | # ! @ @@ <-> |/ ||/ -|- @? #- *= *<>').split(' '),
  'BETWEEN', 'NOT BETWEEN', 'BETWEEN SYMMETRIC', 'NOT BETWEEN SYMMETRIC']);

type Node = Record<string, unknown>;

export function classifyPg(parsed: PgParse): SqlVerdict {
  if ('error' in parsed) return unparsed(`the PostgreSQL parser rejects it (${parsed.error})`);
  const stmts = parsed.tree.stmts ?? [];
  const findings: Finding[] = [];
  for (const { stmt } of stmts) {
    const [kind, body] = Object.entries(stmt)[0] ?? [];
    if (!kind || !TOP_LEVEL_READS.has(kind)) findings.push({ why: describeStatement(kind ?? 'unknown', body as Node | undefined), acts: ACTING_STATEMENTS.has(kind ?? '') });
    else if (kind === 'ExplainStmt' && hasAnalyze(body as Node)) findings.push({ why: 'is EXPLAIN ANALYZE, which runs the statement' });
    const own = kind === 'SelectStmt' ? nodeUnsafe(kind, body as Node) : undefined; // the top SELECT's own clauses
    if (own) findings.push(own);
    collect(body, findings);
  }
  const finding = worst(findings);
  return finding ? notRead(stmts.length, finding.why, finding.acts) : read(stmts.length);
}

function describeStatement(kind: string, body: Node | undefined): string {
  if (kind === 'TransactionStmt') return `is transaction control (${String(body?.kind ?? '').replace(/^TRANS_STMT_/, '').replace(/_/g, ' ')})`;
  if (kind === 'VariableSetStmt') return 'is a SET statement';
  if (ACTING_STATEMENTS.has(kind)) return `is ${aStatement(statementWords(kind))}, which acts on the server`;
  return `is ${aStatement(statementWords(kind))}`;
}

function hasAnalyze(explain: Node): boolean {
  const options = (explain.options ?? []) as { DefElem?: { defname?: string } }[];
  return options.some((o) => o.DefElem?.defname === 'analyze');
}

/** Everything in a tree that is not a plain read. */
function collect(value: unknown, into: Finding[]): void {
  if (Array.isArray(value)) {
    for (const v of value) collect(v, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Node)) {
    const finding = nodeUnsafe(key, child as Node);
    if (finding) into.push(finding);
    collect(child, into);
  }
}

function nodeUnsafe(key: string, node: Node): Finding | undefined {
  if (key.endsWith('Stmt') && key !== 'SelectStmt') return { why: `holds ${aStatement(statementWords(key))} (in WITH or a subquery)` };
  if (key === 'SelectStmt') {
    if (node.lockingClause) return { why: 'locks rows (SELECT … FOR UPDATE/SHARE)' };
    if (node.intoClause) return { why: 'creates a table (SELECT INTO)' };
  }
  if (key === 'FuncCall') {
    const name = names(node.funcname);
    const last = name.at(-1)!;
    if (pgActs(last)) return { why: `calls ${name.join('.')}(), which acts on the server`, acts: true };
    if (!isBuiltin(name) || !PG_READ_ONLY.has(last)) return { why: `calls ${name.join('.')}(), which is not known to be read-only` };
  }
  if (key === 'A_Expr') {
    const op = names(node.name);
    if (op.length && (!isBuiltin(op) || !READ_ONLY_OPERATORS.has(op.at(-1)!))) return { why: `uses the operator ${op.join('.')}, which is not known to be read-only` };
  }
  return undefined;
}

/** A name as PostgreSQL resolves it: unquoted parts already folded to lower case by the parser. */
function names(list: unknown): string[] {
  return ((list ?? []) as { String?: { sval?: string } }[]).map((n) => n.String?.sval ?? '?');
}

/** Unqualified, or qualified with pg_catalog: another schema's `count` is someone's own function. */
const isBuiltin = (name: string[]): boolean => name.length === 1 || (name.length === 2 && name[0] === 'pg_catalog');
