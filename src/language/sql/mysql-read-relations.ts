// The relations a proven MySQL/MariaDB read reads, as the grammar that wrote its text parses it: each table
// reference of a FROM (joins, parenthesized joins, derived tables and subqueries anywhere included), without the
// WITH queries in scope there. mysql-relations.ts asks the server about every word of the text instead (a column
// asked about finds nothing); that cannot say which words must be relations. The session opens each one the
// server did not show when asked (one could be created between the check and the statement, and nothing holds a
// name that does not exist), and locks them all for a read of a server view (db/mysql-hold.ts).
import { grammars, type Grammar } from './mysql-classify.js';
import { whereKeyword } from './mysql-names.js';
import type { MysqlRelation } from './mysql-relations.js';

/** A table reference: the relation, and the alias the statement gives it there. */
export interface ReadRelation { relation: MysqlRelation; alias: string | undefined }

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null;

const cache = new Map<string, ReadRelation[] | undefined>();
const MAX_CACHED = 500;

/** Undefined when no grammar parses it (a proven read's text always parses: the grammar wrote it). Read once
 *  per text: a loop's items send the same text with other values. */
export function mysqlReadRelations(text: string, mariadb: boolean): ReadRelation[] | undefined {
  const key = `${mariadb ? 'M' : ''}\0${text}`;
  if (cache.has(key)) return cache.get(key);
  const found = readRelations(text, mariadb);
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, found);
  return found;
}

function readRelations(text: string, mariadb: boolean): ReadRelation[] | undefined {
  const select = selectOf(text);
  if (select === undefined) return [];
  const mine = mariadb ? 'MariaDB' : 'MySQL';
  const order = [...grammars()].sort(([a], [b]) => Number(b === mine) - Number(a === mine));
  for (const [name, grammar] of order) {
    const ast = parsed(grammar(), select, name);
    if (ast !== undefined) return relationsIn(ast);
  }
  return undefined;
}

/** What to parse: the statement, or a SHOW's WHERE condition as a SELECT's; undefined when there is none. */
function selectOf(text: string): string | undefined {
  if (!/^\s*SHOW\b/i.test(text)) return text;
  const at = whereKeyword(text);
  return typeof at === 'number' ? `SELECT 1 FROM DUAL WHERE ${text.slice(at + 'WHERE'.length)}` : undefined;
}

function parsed(grammar: Grammar, text: string, database: string): unknown {
  try {
    return grammar.astify(text, { database });
  } catch {
    return undefined;
  }
}

/**
 * Table references in FROM lists, walked with the WITH queries in scope: a statement's WITH names are its own and
 * its subqueries' (a union's members included); in a WITH query's own body only the earlier ones of its own WITH
 * are, and all of them under RECURSIVE: not an enclosing statement's (MariaDB opens the table of that name there;
 * test/hardening/sql-mariadb-read-relations.test.ts holds this to the server). A name in scope is that query,
 * not a relation; elsewhere the same name is a table.
 */
function relationsIn(ast: unknown): ReadRelation[] {
  const refs: ReadRelation[] = [];
  const walk = (v: unknown, ctes: ReadonlySet<string>): void => {
    if (Array.isArray(v)) { for (const x of v) walk(x, ctes); return; }
    if (!isNode(v)) return;
    const scope = Array.isArray(v.with) ? withScope(v.with, ctes, walk) : ctes;
    if (Array.isArray(v.from)) fromList(v.from, scope);
    for (const [k, child] of Object.entries(v)) if (k !== 'from' && k !== 'with') walk(child, scope);
  };
  const fromList = (items: unknown[], ctes: ReadonlySet<string>): void => {
    for (const item of items) {
      if (!isNode(item)) continue;
      const schema = typeof item.db === 'string' ? item.db : undefined;
      if (typeof item.table === 'string' && (schema !== undefined || !ctes.has(item.table))) {
        refs.push({ relation: [schema, item.table], alias: typeof item.as === 'string' ? item.as : undefined });
      }
      if (Array.isArray(item.expr)) fromList(item.expr, ctes); // a parenthesized join
      for (const [k, child] of Object.entries(item)) if (k !== 'expr' || !Array.isArray(child)) walk(child, ctes);
    }
  };
  walk(ast, new Set());
  return refs;
}

/** Walks each WITH query's body with what is in scope there; gives back the scope of the statement that has them. */
function withScope(queries: unknown[], outer: ReadonlySet<string>, walk: (v: unknown, ctes: ReadonlySet<string>) => void): ReadonlySet<string> {
  const names = queries.map((q) => (isNode(q) && isNode(q.name) ? String(q.name.value) : ''));
  const recursive = queries.some((q) => isNode(q) && q.recursive === true);
  queries.forEach((q, i) => { if (isNode(q)) walk(q.stmt, new Set(recursive ? names : names.slice(0, i))); });
  return new Set([...outer, ...names]);
}
