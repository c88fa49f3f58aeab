// The relations a MySQL/MariaDB text names, in every server's reading of it (executable comments expanded per
// flavour and version, as the classifier reads it), as [schema or undefined, name]. The session asks the server
// which of them are views or tables of an engine that is not a plain store (db/mysql-relations-check.ts): a view
// runs its definition, and a stored function it calls may take a lock or sleep inside a read-only transaction.
import { lexMysql } from './mysql-lexer.js';
import { grammars, serverReadings } from './mysql-classify.js';

export type MysqlRelation = [schema: string | undefined, name: string];

/** Undefined when a reading cannot be parsed or a name cannot be told apart: the read is then not proven. */
export function mysqlRelations(text: string): MysqlRelation[] | undefined {
  const all = lexMysql(text, true);
  if (all.error) return undefined;
  const readings = serverReadings(all.conditions);
  if (!readings) return undefined;
  const out = new Map<string, MysqlRelation>();
  for (const keep of readings) {
    const lexed = lexMysql(text, true, keep);
    if (lexed.error) return undefined;
    for (const statement of lexed.statements) {
      if (!addStatement(statement, out)) return undefined;
    }
  }
  return [...out.values()];
}

/** Every dialect that parses the statement adds its table list; false when none does or a name is ambiguous. */
function addStatement(statement: string, out: Map<string, MysqlRelation>): boolean {
  // SHOW runs no view (SHOW COLUMNS FROM v reads its definition, not its rows); its one expression is WHERE,
  // read as a SELECT's would be, as the classifier reads it (mysql-classify.ts).
  const show = /^\s*SHOW\b([\s\S]*)$/i.exec(statement);
  if (show) {
    const where = /\bWHERE\b([\s\S]*)$/i.exec(show[1]!);
    return where ? addStatement(`SELECT 1 FROM DUAL WHERE ${where[1]}`, out) : true;
  }
  let parsed = false;
  for (const [dialect, grammar] of grammars()) {
    let list: string[];
    try { list = grammar().tableList(statement, { database: dialect }); } catch { continue; }
    parsed = true;
    for (const entry of list) {
      const parts = entry.split('::'); // "select::db::table": a name holding "::" cannot be told apart
      if (parts.length !== 3) return false;
      const [, db, name] = parts as [string, string, string];
      // "null" is an unqualified name, or a schema really named null: both are asked about.
      for (const schema of db === 'null' ? [undefined, 'null'] : [db]) out.set(JSON.stringify([schema, name]), [schema, name]);
    }
  }
  return parsed;
}
