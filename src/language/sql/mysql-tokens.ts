// A MySQL/MariaDB statement as the server's lexer splits it (pinned session: backslash escapes, no ANSI_QUOTES),
// each token in a form two spellings of the same thing share: a string by its value, a name by its text whether
// backquoted or not, a keyword in any case. Used to check that the text the engine regenerated from the grammar's
// parse is the author's statement token for token (mysql-regenerate.ts): where the grammar read a token another
// way than the server does (`_utf8mb4'x'`, `1e3`, `'a' 'b'`), the two differ.
import { asciiUpper } from './ascii-case.js';

/** `quoted`: a backquoted name. `alias`: right after AS, where a string is a name (`AS "user"`). */
export type Token = { kind: 'string' | 'name' | 'number' | 'mark'; text: string; quoted?: boolean; alias?: boolean };

/** Words the grammar writes or leaves out without a change of meaning: `AS` before an alias, `ASC`, `INNER`
 *  and `OUTER` joins. Reserved words, so never a bare name; a backquoted name is a name token, never one. */
const NOISE = new Set(['AS', 'ASC', 'INNER', 'OUTER']);

const NUMBER = /^(?:0x[0-9A-Fa-f]+|0b[01]+|\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)(?![0-9A-Za-z_$\u0080-\uffff])/;
const WORD = /^[0-9A-Za-z_$\u0080-\uffff]+/;
const ESCAPES: Record<string, string> = { '0': '\0', b: '\b', n: '\n', r: '\r', t: '\t', Z: '\x1a' };

/** The tokens of a text with no comments left (lexer's serverText); undefined when a quote is left open. */
export function mysqlTokens(text: string): Token[] | undefined {
  const out: Token[] = [];
  let alias = false;
  const push = (t: Token) => { out.push(alias ? { ...t, alias } : t); alias = false; };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"' || c === '`') {
      const read = quoted(text, i, c);
      if (!read) return undefined;
      push(c === '`' ? { kind: 'name', text: read.value, quoted: true } : { kind: 'string', text: read.value });
      i = read.end;
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number) { push({ kind: 'number', text: number[0].toLowerCase() }); i += number[0].length; continue; }
    const word = WORD.exec(text.slice(i));
    if (word) {
      const upper = asciiUpper(word[0]);
      if (!NOISE.has(upper)) push({ kind: 'name', text: word[0] });
      else alias = upper === 'AS';
      i += word[0].length;
      continue;
    }
    push({ kind: 'mark', text: c });
    i++;
  }
  return out;
}

/** Whether the author's tokens and the engine's are the same statement: names compared exactly, or in any case
 *  when neither was backquoted (keywords, and names the grammar writes back as they were); an alias written as a
 *  string is the backquoted name of that text. */
export function sameTokens(a: Token[], b: Token[]): boolean {
  const kind = (x: Token, y: Token) => x.kind === y.kind || (x.alias === true && x.kind === 'string' && y.quoted === true);
  const same = (x: Token, y: Token) => kind(x, y)
    && (x.text === y.text || (x.kind === 'name' && !x.quoted && !y.quoted && asciiUpper(x.text) === asciiUpper(y.text)));
  return a.length === b.length && a.every((t, i) => same(t, b[i]!));
}

/** A quoted string or name from `start`: its value as the server reads it, and where it ends. */
function quoted(text: string, start: number, quote: string): { value: string; end: number } | undefined {
  let value = '';
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === '\\' && quote !== '`') {
      const e = text[i + 1];
      if (e === undefined) return undefined;
      // \% and \_ keep their backslash (LIKE patterns); any other escaped character is itself.
      value += ESCAPES[e] ?? (e === '%' || e === '_' ? `\\${e}` : e);
      i++;
    } else if (c === quote) {
      if (text[i + 1] !== quote) return { value, end: i + 1 };
      value += quote;
      i++;
    } else {
      value += c;
    }
  }
  return undefined;
}

/**
 * Why `written` (what a grammar wrote back from its parse of `statement`) is not the statement the server reads,
 * naming the first token that differs; undefined when it is the same, token for token.
 */
export function readOtherwise(statement: string, written: string, grammar: string): string | undefined {
  const theirs = mysqlTokens(statement) ?? [];
  const ours = mysqlTokens(written) ?? [];
  if (sameTokens(theirs, ours)) return undefined;
  const at = theirs.findIndex((t, j) => !ours[j] || !sameTokens([t], [ours[j]!]));
  return `the ${grammar} grammar reads it otherwise than the server splits it${at < 0 ? '' : ` (at ${JSON.stringify(theirs[at]!.text)})`}`;
}
