// The names in a MySQL/MariaDB statement as the server's lexer sees them, with no grammar: every identifier
// (bare or backquoted) and every `a.b` pair. The statement is one the lexer gave (mysql-lexer.ts: comments gone,
// executable comments expanded, escaped strings made neutral), so a quote starts a string or a name and ends
// at the next one. Used where a grammar's reading may miss a place (a parenthesized join held tables
// node-sql-parser's table list left out): anything that could name a relation is found here.
import { asciiUpper } from './ascii-case.js';

export interface NameToken {
  /** The name as the server compares it (a backquoted one unquoted). */
  name: string;
  quoted: boolean;
  /** Written after a '.': the second part of a qualified name, never a keyword there. */
  afterDot: boolean;
  /** The name before the '.', when there is one. */
  qualifier?: string;
  /** Where the token starts in the statement. */
  at: number;
}

/** Characters of an unquoted identifier: ASCII letters, digits, '_', '$' and U+0080..U+FFFF. */
const WORD = /[0-9A-Za-z_$\u0080-\uffff]/;

/** Undefined when a quote is left open (the lexer has refused such a text already). */
export function nameTokens(statement: string): NameToken[] | undefined {
  const out: NameToken[] = [];
  let last: NameToken | undefined; // the name just before, while only spaces and one '.' follow it
  let dot = false;
  let i = 0;
  while (i < statement.length) {
    const c = statement[i]!;
    if (c === "'" || c === '"' || c === '`') {
      const end = closing(statement, i, c);
      if (end < 0) return undefined;
      if (c === '`') {
        last = push(out, statement.slice(i + 1, end).replace(/``/g, '`'), true, i, dot ? last : undefined);
      } else {
        last = undefined;
      }
      dot = false;
      i = end + 1;
    } else if (WORD.test(c)) {
      let j = i;
      while (j < statement.length && WORD.test(statement[j]!)) j++;
      const word = statement.slice(i, j);
      // A number is no name (`1.5`, `1e5` are numbers; `1a` is a name): digits alone are skipped.
      last = /^\d+$/.test(word) ? undefined : push(out, word, false, i, dot ? last : undefined);
      dot = false;
      i = j;
    } else if (c === '.') {
      dot = last !== undefined && !dot;
      if (!dot) last = undefined;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else {
      last = undefined;
      dot = false;
      i++;
    }
  }
  return out;
}

function push(out: NameToken[], name: string, quoted: boolean, at: number, before: NameToken | undefined): NameToken {
  const token: NameToken = { name, quoted, afterDot: before !== undefined, ...(before ? { qualifier: before.name } : {}), at };
  out.push(token);
  return token;
}

/** Index of the closing quote; a doubled quote is a literal one. */
function closing(text: string, start: number, quote: string): number {
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] !== quote) continue;
    if (text[i + 1] === quote) { i++; continue; }
    return i;
  }
  return -1;
}

/** Where the statement's own WHERE keyword stands: a bare WHERE not after a '.', never one inside a name or
 *  string. Undefined when it has none; null when a quote is left open. */
export function whereKeyword(statement: string): number | undefined | null {
  const tokens = nameTokens(statement);
  if (!tokens) return null;
  return tokens.find((t) => !t.quoted && !t.afterDot && asciiUpper(t.name) === 'WHERE')?.at;
}
