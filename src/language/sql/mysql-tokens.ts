// A MySQL/MariaDB statement as the server's lexer splits it (pinned session: backslash escapes, no ANSI_QUOTES),
// each token in a form two spellings of the same thing share: a string by its value, a name by its text whether
// backquoted or not, a keyword in any case; but a word the server reads as syntax (mysql-keywords.ts) is never the
// same as a backquoted name, which is a name wherever it stands. Used to check that the text the engine regenerated
// from the grammar's parse is the author's statement token for token (mysql-regenerate.ts): where the grammar read a
// token another way than the server does (`_utf8mb4'x'`, `1e3`, `'a' 'b'`, `UTC_TIMESTAMP`), the two differ.
import { asciiUpper } from './ascii-case.js';
import { BARE_CALLS, isSyntaxWord } from './mysql-keywords.js';

/** `quoted`: a backquoted name. `alias`: right after AS, where a string is a name (`AS "user"`). `keyword`: an
 *  unquoted word the server reads as syntax there (UTC_TIMESTAMP, HIGH_PRIORITY). `at`/`end`: where it stands. */
export type Token = {
  kind: 'string' | 'name' | 'number' | 'mark'; text: string; quoted?: boolean; alias?: boolean; keyword?: boolean; at?: number; end?: number;
};

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
  let i = 0;
  const push = (t: Token, end: number) => { out.push({ ...t, ...(alias ? { alias } : {}), at: i, end }); alias = false; };
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'" || c === '"' || c === '`') {
      const read = quoted(text, i, c);
      if (!read) return undefined;
      push(c === '`' ? { kind: 'name', text: read.value, quoted: true } : { kind: 'string', text: read.value }, read.end);
      i = read.end;
      continue;
    }
    const number = NUMBER.exec(text.slice(i));
    if (number) { push({ kind: 'number', text: number[0].toLowerCase() }, i + number[0].length); i += number[0].length; continue; }
    const word = WORD.exec(text.slice(i));
    if (word) {
      const upper = asciiUpper(word[0]);
      // Right after a '.' (no space between), any word is a name: `t.select`, `t.as`.
      const last = out.at(-1);
      const named = last?.kind === 'mark' && last.text === '.' && last.end === i;
      if (named || !NOISE.has(upper)) push({ kind: 'name', text: word[0], ...(!named && isSyntaxWord(upper) ? { keyword: true } : {}) }, i + word[0].length);
      else alias = upper === 'AS';
      i += word[0].length;
      continue;
    }
    push({ kind: 'mark', text: c }, i + 1);
    i++;
  }
  return out;
}

/** Whether the author's tokens and the engine's are the same statement: names compared exactly, or in any case
 *  when neither was backquoted (keywords, and names the grammar writes back as they were); an alias written as a
 *  string is the backquoted name of that text. A word the server reads as syntax is only ever that same word:
 *  to the server `UTC_TIMESTAMP` is a call and `` `UTC_TIMESTAMP` `` a column. */
export function sameTokens(a: Token[], b: Token[]): boolean {
  const kind = (x: Token, y: Token) => (x.kind === y.kind || (x.alias === true && x.kind === 'string' && y.quoted === true))
    && Boolean(x.keyword) === Boolean(y.keyword);
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

/**
 * `written` (a grammar's text from its parse of `statement`) with each keyword call the author wrote bare and the
 * grammar backquoted as a column (BARE_CALLS: `UTC_TIMESTAMP`) written bare again, as the author and the server
 * have it. Token by token, so only where the two have as many; readOtherwise then compares every token.
 */
export function keepBareCalls(statement: string, written: string): string {
  const theirs = mysqlTokens(statement) ?? [];
  const ours = mysqlTokens(written) ?? [];
  if (theirs.length !== ours.length) return written;
  let out = '';
  let from = 0;
  theirs.forEach((t, i) => {
    const o = ours[i]!;
    if (!t.keyword || !o.quoted || !BARE_CALLS.has(asciiUpper(t.text)) || asciiUpper(o.text) !== asciiUpper(t.text)) return;
    out += `${written.slice(from, o.at)}${t.text}`;
    from = o.end!;
  });
  return out + written.slice(from);
}
