// The relations a MySQL/MariaDB text may name, in every server reading of it (executable comments expanded per
// flavour and version, as the classifier reads it), as [schema or undefined, name]. The session asks the server
// which of them are views or tables of an engine that is not a plain store (db/mysql-relations-check.ts): a view
// runs its definition, and a stored function it calls may take a lock or sleep inside a read-only transaction.
//
// Closed by construction, not by a grammar's table list: node-sql-parser's left out the tables of a
// parenthesized join (`FROM t JOIN (t2 JOIN v ON 1) ON 1`), and the view ran in a proven read. Every identifier
// of the text is a name to ask about (bare, and with the name before its '.'), but the reserved words, which
// never name a relation unquoted; a column or alias asked about finds nothing.
import { namesOfEveryReading } from './mysql-reading-names.js';
import { asciiUpper } from './ascii-case.js';

export type MysqlRelation = [schema: string | undefined, name: string];

/**
 * Words MariaDB and MySQL reserve: unquoted and not after a '.', they never name a relation (each is checked
 * against the lab's MariaDB, test/hardening/sql-mariadb-view-names.test.ts). Only to ask less; any word left
 * out is asked about.
 */
export const RESERVED = new Set(`SELECT FROM WHERE AND OR NOT AS ON JOIN LEFT RIGHT INNER OUTER CROSS STRAIGHT_JOIN
  NATURAL USING IN IS NULL LIKE BY ORDER GROUP HAVING LIMIT UNION ALL DISTINCT CASE WHEN THEN ELSE EXISTS BETWEEN
  INTERVAL DESC ASC WITH RECURSIVE FOR INTO DIV MOD XOR REGEXP RLIKE TRUE FALSE CONVERT DISTINCTROW
  SHOW DESCRIBE EXPLAIN DATABASES INDEX KEYS IGNORE FORCE USE LOCK COLLATE BINARY`.split(/\s+/));

/** Undefined when a reading cannot be lexed: the read is then not proven (the classifier refuses it). */
export function mysqlRelations(text: string): MysqlRelation[] | undefined {
  const statements = namesOfEveryReading(text);
  if (!statements) return undefined;
  const out = new Map<string, MysqlRelation>();
  const add = (r: MysqlRelation) => out.set(JSON.stringify(r), r);
  for (const { tokens } of statements) {
    for (const t of tokens) {
      if (t.qualifier !== undefined) add([t.qualifier, t.name]);
      else if (t.quoted || !RESERVED.has(asciiUpper(t.name))) add([undefined, t.name]);
    }
  }
  return [...out.values()];
}
