// The names of a MySQL/MariaDB text in every reading the server may make of it (executable comments expanded per
// flavour and version, as the classifier reads it), statement by statement: what the relations and the calls a
// read makes are found from (mysql-relations.ts, mysql-calls.ts), so both see the same readings.
import { lexMysql } from './mysql-lexer.js';
import { serverReadings } from './mysql-classify.js';
import { nameTokens, type NameToken } from './mysql-names.js';

export interface StatementNames { statement: string; tokens: NameToken[] }

/** Undefined when a reading cannot be lexed or a statement's names cannot be read: then nothing is known. */
export function namesOfEveryReading(text: string): StatementNames[] | undefined {
  const all = lexMysql(text, true);
  if (all.error) return undefined;
  const readings = serverReadings(all.conditions);
  if (!readings) return undefined;
  const out: StatementNames[] = [];
  for (const keep of readings) {
    const lexed = lexMysql(text, true, keep);
    if (lexed.error) return undefined;
    for (const statement of lexed.statements) {
      const tokens = nameTokens(statement);
      if (!tokens) return undefined;
      out.push({ statement, tokens });
    }
  }
  return out;
}
