// The text a proven MySQL/MariaDB read sends (issue #45: run what you proved): written again by the engine from
// the grammar's parse of what that server reads (its executable comments expanded or dropped by its flavour and
// version, comments gone), never the author's spelling. It is sent only when it is the author's statement token for
// token as the server's lexer splits both (mysql-tokens.ts), and when the classifier proves the regenerated text
// itself a read. A grammar that reads a token otherwise than the server (`_utf8mb4'x'` as a name and an alias,
// `UTC_TIMESTAMP` as a column it backquotes) then makes the step unknown; it cannot make the server run something
// the classifier did not read. A keyword call it took for a column is written back bare (keepBareCalls).
import { classifyMysql, grammars, type Grammar } from './mysql-classify.js';
import { expands, serverText, type Condition } from './mysql-lexer.js';
import { whereKeyword } from './mysql-names.js';
import { keepBareCalls, mysqlTokens, readOtherwise, type Token } from './mysql-tokens.js';

/** The server the text goes to: its flavour, and its version as `/*!NNNNN` compares it (10.11.6: 101106). */
export interface MysqlServer { mariadb: boolean; version: number }
export type MysqlRegenerated = { text: string } | { error: string };

/** The number an executable comment's version is compared with: '10.11.6-MariaDB-…' is 101106; 0 when unreadable. */
export function mysqlVersionNumber(version: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  return m ? Number(m[1]) * 10000 + Number(m[2]) * 100 + Number(m[3]) : 0;
}

const cache = new Map<string, MysqlRegenerated>();
const MAX_CACHED = 2000;

/** Never throws. */
export function regenerateMysql(text: string, server: MysqlServer): MysqlRegenerated {
  const key = `${server.mariadb ? 'M' : ''}${server.version}\0${text}`;
  let answer = cache.get(key);
  if (answer) return answer;
  try {
    answer = { text: regenerate(text, server) };
  } catch (err) {
    answer = { error: (err as Error).message };
  }
  if (cache.size >= MAX_CACHED) cache.clear();
  cache.set(key, answer);
  return answer;
}

function regenerate(text: string, server: MysqlServer): string {
  // The server's version decides which executable comments are code: an unknown one decides nothing.
  if (server.version === 0 && /\/\*M?!/.test(text)) throw new Error('it has executable comments, and the server did not say its version');
  const keep = (c: Condition) => expands(c, server);
  const read = serverText(text, keep);
  if (read === undefined) throw new Error('a quote or a comment in it is left open');
  const statement = read.trim().replace(/\s*;$/, '');
  // The server's flavour's grammar first; the classifier took either (a MariaDB reads what MySQL's grammar parses).
  const mine = server.mariadb ? 'MariaDB' : 'MySQL';
  const order = [...grammars()].sort(([a], [b]) => Number(b === mine) - Number(a === mine));
  let again: string | undefined;
  let why = '';
  for (const [name, grammar] of order) {
    try {
      const text = keepBareCalls(statement, /^SHOW\b/i.test(statement) ? show(statement, grammar(), name) : written(statement, grammar(), name));
      const otherwise = readOtherwise(statement, text, name);
      if (!otherwise) { again = text; break; }
      why ||= otherwise;
    } catch (err) {
      why ||= (err as Error).message;
    }
  }
  if (again === undefined) throw new Error(why);
  const verdict = classifyMysql(again);
  if (!verdict.readOnly) throw new Error(`written again from its parse, it is not proven a read (${verdict.why ?? 'unknown'})`);
  return again;
}

/** The grammar's parse, written back by the grammar. */
function written(statement: string, grammar: Grammar, database: string): string {
  let ast: unknown;
  try {
    ast = grammar.astify(statement, { database });
  } catch {
    throw new Error(`the ${database} grammar cannot parse it`);
  }
  if (Array.isArray(ast) && ast.length !== 1) throw new Error('it is not exactly one statement');
  return grammar.sqlify(Array.isArray(ast) ? ast[0] : ast, { database });
}

/** SHOW, which the grammar knows few forms of: its words, names (`a.b`), a plain LIKE pattern or `?`, written
 *  again token by token,
 *  and a WHERE condition written as the grammar writes a SELECT's. */
function show(statement: string, grammar: Grammar, database: string): string {
  const at = whereKeyword(statement);
  if (at === null) throw new Error('a quote in it is left open');
  const head = (mysqlTokens(at === undefined ? statement : statement.slice(0, at)) ?? []).map(showWord).join(' ').replace(/ \. /g, '.');
  if (at === undefined) return head;
  const select = written(`SELECT 1 FROM DUAL WHERE ${statement.slice(at + 'WHERE'.length)}`, grammar, database);
  const prefix = 'SELECT 1 FROM DUAL WHERE ';
  if (!select.startsWith(prefix)) throw new Error(`the ${database} grammar writes its WHERE condition otherwise`);
  return `${head} WHERE ${select.slice(prefix.length)}`;
}

function showWord(token: Token): string {
  if (token.kind === 'name' && !token.quoted && /^[A-Za-z_][A-Za-z0-9_]*$/.test(token.text)) return token.text;
  if (token.kind === 'name' && !token.text.includes('`')) return `\`${token.text}\``;
  if (token.kind === 'string' && !/['\\]/.test(token.text)) return `'${token.text}'`;
  if (token.kind === 'mark' && (token.text === '.' || token.text === '?')) return token.text;
  throw new Error(`SHOW is written again only from words, names, a plain LIKE pattern and ? (not ${JSON.stringify(token.text)})`);
}
