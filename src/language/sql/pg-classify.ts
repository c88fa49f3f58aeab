// PostgreSQL: classify the parse tree of PostgreSQL's own parser. A plain read is one SELECT (also TABLE and
// VALUES, which parse as SELECT), SHOW, or EXPLAIN without ANALYZE, that nowhere holds another kind of
// statement (a data-modifying WITH), locks rows (FOR UPDATE/SHARE), creates a table (SELECT INTO), or names a
// function, operator, type or table-sample method not known to be read-only. Everything else acts.
//
// Closed by construction rather than by listing the places code can hide: the walk knows every node type a
// read may hold (KNOWN_NODES) and, in each, every field that holds a name (NAME_FIELDS). A node type or a name
// field it does not know — a position a newer grammar adds, or one overlooked — is "not known to be read-only".
import { PG_READ_ONLY, pgActs } from './read-only-functions.js';
import { PG_BUILTIN_TYPES, PG_READ_ONLY_OPERATORS, resolvesToCatalog } from './pg-builtins.js';
import { pgCatalogFunctions } from './pg-catalog-functions.js';
import { aStatement, notRead, read, statementWords, unknownCode, unparsed, worst, type Finding, type SqlVerdict } from './verdict.js';
import type { PgParse } from './pg-parser.js';

const TOP_LEVEL_READS = new Set(['SelectStmt', 'ExplainStmt', 'VariableShowStmt']);

/**
 * Statements a read-only transaction does not stop and whose effect the parser cannot see into: DO runs
 * PL/pgSQL (PERFORM pg_terminate_backend(…) passes any function check), COPY reads and writes server files and
 * runs programs, LOAD loads a shared library, CHECKPOINT forces I/O. Named in the message.
 */
const ACTING_STATEMENTS = new Set(['DoStmt', 'CopyStmt', 'LoadStmt', 'CheckPointStmt']);

/** Node types a plain read is made of that name no code of their own (those that do are checked below). */
const KNOWN_NODES = new Set([
  'SelectStmt', 'ExplainStmt', 'VariableShowStmt', 'DefElem', 'List', 'ResTarget', 'ColumnRef', 'A_Const', 'String',
  'Integer', 'Float', 'Boolean', 'BitString', 'A_Star', 'RangeVar', 'JoinExpr', 'Alias', 'BoolExpr', 'NullTest',
  'BooleanTest', 'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'A_Indirection', 'A_Indices', 'A_ArrayExpr',
  'RowExpr', 'WindowDef', 'WithClause', 'CommonTableExpr', 'CTESearchClause', 'CTECycleClause', 'RangeSubselect',
  'RangeFunction', 'ParamRef', 'SQLValueFunction', 'GroupingFunc', 'GroupingSet', 'CollateClause', 'NamedArgExpr',
  'XmlExpr', 'XmlSerialize', 'LockingClause', 'IntoClause', 'ColumnDef', 'RangeTableFunc', 'RangeTableFuncCol',
  // Not JSON_OBJECT, JSON_ARRAY, JSON_OBJECTAGG, JSON_ARRAYAGG (16), JSON(), JSON_SCALAR, JSON_SERIALIZE, JSON_VALUE,
  // JSON_QUERY, JSON_EXISTS, JSON_TABLE (17): syntax to the parser (PostgreSQL 18's grammar), calls of functions
  // of those names to an older server, which finds them in the role's own schemas (issue #45). Not proven.
  'JsonAggConstructor', 'JsonKeyValue', 'JsonValueExpr', 'JsonOutput', 'JsonReturning', 'JsonFormat',
  'JsonTableColumn', 'JsonTablePathSpec', 'JsonBehavior', 'JsonIsPredicate', 'JsonArgument',
  // the ones that name code, each checked in codeFinding
  'FuncCall', 'A_Expr', 'SubLink', 'SortBy', 'TypeCast', 'TypeName', 'RangeTableSample',
]);

/**
 * Fields holding a list of names, by node type: 'code' names a function, operator, type or method (checked);
 * 'data' names columns, aliases or a collation (nothing runs). Any other name list is not known.
 */
const NAME_FIELDS: Record<string, 'code' | 'data'> = {
  'FuncCall.funcname': 'code', 'A_Expr.name': 'code', 'SubLink.operName': 'code', 'SortBy.useOp': 'code',
  'TypeName.names': 'code', 'RangeTableSample.method': 'code',
  'ColumnRef.fields': 'data', 'Alias.colnames': 'data', 'CommonTableExpr.aliascolnames': 'data',
  'CollateClause.collname': 'data', 'A_Indirection.indirection': 'data', 'CTESearchClause.search_col_list': 'data',
  'CTECycleClause.cycle_col_list': 'data', 'IntoClause.colNames': 'data', 'LockingClause.lockedRels': 'data',
  'JoinExpr.usingClause': 'data', 'RowExpr.colnames': 'data', 'XmlExpr.arg_names': 'data',
};

/**
 * Fields whose node is written without its type's key (`"typeName": { "names": … }`), and that type: the
 * structs the node types above hold directly (@pgsql/types 18, the JSON libpg-query gives). An object in a
 * field not listed here is not known.
 */
const INLINED: Record<string, string> = {
  'SelectStmt.intoClause': 'IntoClause', 'SelectStmt.withClause': 'WithClause', 'SelectStmt.larg': 'SelectStmt',
  'SelectStmt.rarg': 'SelectStmt', 'A_Const.ival': 'Integer', 'A_Const.fval': 'Float', 'A_Const.boolval': 'Boolean',
  'A_Const.sval': 'String', 'A_Const.bsval': 'BitString', 'RangeVar.alias': 'Alias', 'JoinExpr.join_using_alias': 'Alias',
  'JoinExpr.alias': 'Alias', 'CommonTableExpr.search_clause': 'CTESearchClause', 'CommonTableExpr.cycle_clause': 'CTECycleClause',
  'RangeSubselect.alias': 'Alias', 'RangeFunction.alias': 'Alias', 'XmlSerialize.typeName': 'TypeName',
  'IntoClause.rel': 'RangeVar', 'FuncCall.over': 'WindowDef', 'TypeCast.typeName': 'TypeName', 'ColumnDef.typeName': 'TypeName',
  'JsonObjectConstructor.output': 'JsonOutput', 'JsonArrayConstructor.output': 'JsonOutput',
  'JsonArrayQueryConstructor.output': 'JsonOutput', 'JsonArrayQueryConstructor.format': 'JsonFormat',
  'JsonObjectAgg.constructor': 'JsonAggConstructor', 'JsonObjectAgg.arg': 'JsonKeyValue',
  'JsonArrayAgg.constructor': 'JsonAggConstructor', 'JsonArrayAgg.arg': 'JsonValueExpr', 'JsonAggConstructor.output': 'JsonOutput',
  'JsonAggConstructor.over': 'WindowDef', 'JsonKeyValue.value': 'JsonValueExpr', 'JsonValueExpr.format': 'JsonFormat',
  'JsonOutput.typeName': 'TypeName', 'JsonOutput.returning': 'JsonReturning', 'JsonReturning.format': 'JsonFormat',
  'JsonParseExpr.expr': 'JsonValueExpr', 'JsonParseExpr.output': 'JsonOutput', 'JsonScalarExpr.output': 'JsonOutput',
  'JsonSerializeExpr.expr': 'JsonValueExpr', 'JsonSerializeExpr.output': 'JsonOutput', 'JsonFuncExpr.context_item': 'JsonValueExpr',
  'JsonFuncExpr.output': 'JsonOutput', 'JsonFuncExpr.on_empty': 'JsonBehavior', 'JsonFuncExpr.on_error': 'JsonBehavior',
  'JsonTable.context_item': 'JsonValueExpr', 'JsonTable.pathspec': 'JsonTablePathSpec', 'JsonTable.on_error': 'JsonBehavior',
  'JsonTable.alias': 'Alias', 'JsonTableColumn.typeName': 'TypeName', 'JsonTableColumn.pathspec': 'JsonTablePathSpec',
  'JsonTableColumn.format': 'JsonFormat', 'JsonTableColumn.on_empty': 'JsonBehavior', 'JsonTableColumn.on_error': 'JsonBehavior',
  'JsonIsPredicate.format': 'JsonFormat', 'JsonArgument.val': 'JsonValueExpr', 'RangeTableFunc.alias': 'Alias',
  'RangeTableFuncCol.typeName': 'TypeName',
};

/** The table-sample methods of PostgreSQL itself (tsm_system_rows and others are extensions). */
const BUILTIN_SAMPLES = new Set(['bernoulli', 'system']);

type Node = Record<string, unknown>;

export function classifyPg(parsed: PgParse): SqlVerdict {
  if ('error' in parsed) return unparsed(`the PostgreSQL parser rejects it (${parsed.error})`);
  const stmts = parsed.tree.stmts ?? [];
  const findings: Finding[] = [];
  for (const { stmt } of stmts) {
    const [kind, body] = Object.entries(stmt)[0] ?? [];
    if (!kind || !TOP_LEVEL_READS.has(kind)) findings.push({ why: describeStatement(kind ?? 'unknown', body as Node | undefined) });
    else if (kind === 'ExplainStmt' && hasAnalyze(body as Node)) findings.push({ why: 'is EXPLAIN ANALYZE, which runs the statement' });
    else walk(stmt, undefined, findings);
  }
  const finding = worst(findings);
  return finding ? notRead(stmts.length, finding) : read(stmts.length);
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

/**
 * Everything in a tree that is not a plain read. The JSON of PostgreSQL's nodes alternates: a node is
 * `{ TypeName: { field: … } }` (keys in PascalCase), its fields are camel- or lower-case keys.
 */
function walk(value: unknown, owner: string | undefined, into: Finding[]): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, owner, into);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, child] of Object.entries(value as Node)) {
    if (/^[A-Z]/.test(key)) {
      const finding = nodeFinding(key, child as Node);
      if (finding) into.push(finding);
      walk(child, key, into);
      continue;
    }
    if (owner && isNameList(child)) {
      const role = NAME_FIELDS[`${owner}.${key}`];
      if (!role) into.push(unknownCode(`names ${names(child).join('.')} in ${owner}.${key}, which is not known to be read-only`));
      continue;
    }
    if (owner && isInlined(child)) {
      const type = INLINED[`${owner}.${key}`];
      if (!type) { into.push(unknownCode(`holds ${owner}.${key}, which is not known to be read-only`)); continue; }
      walk({ [type]: child }, owner, into);
      continue;
    }
    walk(child, owner, into);
  }
}

function nodeFinding(kind: string, node: Node): Finding | undefined {
  if (kind.endsWith('Stmt') && !TOP_LEVEL_READS.has(kind)) return { why: `holds ${aStatement(statementWords(kind))} (in WITH or a subquery)` };
  if (!KNOWN_NODES.has(kind)) return unknownCode(`holds ${kind}, which is not known to be read-only`);
  if (kind === 'SelectStmt') {
    if (node.lockingClause) return { why: 'locks rows (SELECT … FOR UPDATE/SHARE)' };
    if (node.intoClause) return { why: 'creates a table (SELECT INTO)' };
  }
  if (kind === 'ExplainStmt' && hasAnalyze(node)) return { why: 'holds EXPLAIN ANALYZE, which runs the statement' };
  return codeFinding(kind, node);
}

/** A node that names a function, operator, type or method: known to act, not known, or a known read. */
function codeFinding(kind: string, node: Node): Finding | undefined {
  if (kind === 'FuncCall') {
    const name = names(node.funcname);
    const last = name.at(-1)!;
    if (pgActs(last)) return { why: `calls ${name.join('.')}(), which acts on the server` };
    // pg_catalog's own, not reviewed: some run SQL given as text (query_to_xml) or read a relation named by a
    // value (table_to_xml). Not the author's code, so safe_because cannot vouch for it (the run refuses it too).
    if (resolvesToCatalog(name) && !PG_READ_ONLY.has(last) && pgCatalogFunctions().has(last)) {
      return { why: `calls ${name.join('.')}(), a PostgreSQL built-in not reviewed as read-only, which safe_because cannot vouch for (it vouches for the author's own code)` };
    }
    if (!isBuiltin(name) || !PG_READ_ONLY.has(last)) return unknownCode(`calls ${name.join('.')}(), which is not known to be read-only`);
    // A reviewed name that is syntax, not a function, in pg_catalog (GREATEST, LEAST, CURRENT_CATALOG,
    // COLLATION FOR): written as a call (`"greatest"(1, 2)`), the server finds no such function in pg_catalog and
    // resolves it in the role's own schemas, where anyone may have created one (issue #45).
    if (!pgCatalogFunctions().has(last)) return unknownCode(`calls "${last}"(), a name pg_catalog has no function of, so the server would look for it in other schemas`);
  }
  // An operator stands in A_Expr (`a + b`, `a = ANY (…)`, `OPERATOR(s.op)`), in a subquery comparison
  // (`a OPERATOR(s.op) ANY (SELECT …)`) and in ORDER BY … USING op.
  const op = kind === 'A_Expr' ? node.name : kind === 'SubLink' ? node.operName : kind === 'SortBy' ? node.useOp : undefined;
  if (op !== undefined) {
    const name = names(op);
    if (name.length && (!isBuiltin(name) || !PG_READ_ONLY_OPERATORS.has(name.at(-1)!))) return unknownCode(`uses the operator ${name.join('.')}, which is not known to be read-only`);
  }
  // A cast runs the type's input function, a domain's checks, or a cast function: user code for user types.
  if (kind === 'TypeName') {
    const name = names(node.names);
    const builtin = name.length === 2 ? name[0] === 'pg_catalog' : name.length === 1 && PG_BUILTIN_TYPES.has(name[0]!);
    if (!builtin) return unknownCode(`uses the type ${name.join('.')}, which is not known to be read-only (a domain's check or a cast may run code)`);
  }
  if (kind === 'RangeTableSample') {
    const name = names(node.method);
    if (!isBuiltin(name) || !BUILTIN_SAMPLES.has(name.at(-1)!)) return unknownCode(`samples with ${name.join('.')}, which is not known to be read-only`);
  }
  return undefined;
}

/** A struct written without its type's key: an object none of whose keys is a node type. */
function isInlined(value: unknown): boolean {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && !keys.some((k) => /^[A-Z]/.test(k));
}

/** A list of String nodes: a (qualified) name. */
function isNameList(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0 && value.every((v) => v !== null && typeof v === 'object' && 'String' in v);
}

/** A name as PostgreSQL resolves it: unquoted parts already folded to lower case by the parser. */
function names(list: unknown): string[] {
  return ((list ?? []) as { String?: { sval?: string } }[]).map((n) => n.String?.sval ?? '?');
}

/** Unqualified, or qualified with pg_catalog: another schema's `count` is someone's own function. */
const isBuiltin = (name: string[]): boolean => name.length === 1 || (name.length === 2 && name[0] === 'pg_catalog');
