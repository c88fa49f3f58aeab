// A table definition that holds another server's login. `SHOW CREATE TABLE` of a FEDERATED table prints its
// `CONNECTION='mysql://user:password@host/db/t'` (a probe of stop 79: a vouched read of one in mysql showed the
// password on the screen and in the transcript; a gated one too). Withheld by where the answer comes from, not by
// what it looks like: the server's definition of a table whose engine is not on the list of those that keep no
// connection string (a FEDERATED table may also name a SERVER, whose options hold one; CONNECT and SPIDER keep
// theirs in options and comments) gives the step that secret. A table the question cannot find (a temporary one,
// one this account cannot see) gives it too.
import { asciiUpper } from '../language/sql/ascii-case.js';
import { lexMysql } from '../language/sql/mysql-lexer.js';
import { mysqlTokens, type Token } from '../language/sql/mysql-tokens.js';
import type { Ask } from './mysql-secret-reach.js';

/** Engines whose definitions hold nothing but columns, keys and storage options. */
const KEEPS_NO_LOGIN = new Set(['INNODB', 'ARIA', 'MYISAM', 'MEMORY', 'HEAP', 'CSV', 'ARCHIVE', 'BLACKHOLE', 'SEQUENCE',
  'MRG_MYISAM', 'PERFORMANCE_SCHEMA']);

const word = (t: Token | undefined, w: string): boolean => t?.kind === 'name' && !t.quoted && asciiUpper(t.text) === w;

/** The table a `SHOW CREATE TABLE` names, [schema or undefined, name]; undefined for any other statement. */
export function showCreateTable(sql: string): [string | undefined, string] | undefined {
  const lexed = lexMysql(sql, true);
  const statement = lexed.error ? undefined : lexed.statements.find((s) => s.trim() !== '');
  const t = statement === undefined ? undefined : mysqlTokens(statement);
  if (!t || !word(t[0], 'SHOW') || !word(t[1], 'CREATE') || !word(t[2], 'TABLE') || t[3]?.kind !== 'name') return undefined;
  const dotted = t[4]?.kind === 'mark' && t[4].text === '.' && t[5]?.kind === 'name';
  return dotted ? [t[3].text, t[5]!.text] : [undefined, t[3].text];
}

/** What the statement's answer gives the step: the phrase, or none. */
export async function connectionStringShown(ask: Ask, sql: string): Promise<string[]> {
  const table = showCreateTable(sql);
  if (!table) return [];
  const [schema, name] = table;
  const shown = `${schema === undefined ? '' : `${schema}.`}${name}`;
  let rows: Record<string, unknown>[];
  try {
    rows = await ask(`SELECT TABLE_TYPE AS t, ENGINE AS e FROM information_schema.TABLES
      WHERE TABLE_SCHEMA = ${schema === undefined ? 'DATABASE()' : '?'} AND TABLE_NAME = ?`, schema === undefined ? [name] : [schema, name]);
  } catch (err) {
    return [`the definition of ${shown}, whose engine the server could not say (${(err as Error).message}; it may hold another server's login)`];
  }
  if (!rows.length) return [`the definition of ${shown}, a table the server does not list (temporary, or not visible to this account: it may hold another server's login)`];
  const keeping = rows.find((r) => r.t !== 'VIEW' && r.t !== 'SYSTEM VIEW' && !KEEPS_NO_LOGIN.has(asciiUpper(String(r.e ?? ''))));
  return keeping ? [`the connection string of ${shown} (${String(keeping.e ?? 'an engine not known')}), by SHOW CREATE TABLE`] : [];
}
