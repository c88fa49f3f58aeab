// What a MySQL/MariaDB server reads in a text, before any grammar: comments, strings and statement breaks.
// Executable comments (`/*! … */`, `/*!50000 … */`, MariaDB `/*M!100100 … */`) are code to the server, so
// they are expanded into code here whatever their version number. String literals and quoted identifiers
// with an escape or a doubled quote are replaced by a neutral one ('s'): the grammar then cannot read them
// differently from the server. Unterminated strings or comments make the text unreadable (the caller fails closed).

export interface Lexed { statements: string[]; error?: string }

/**
 * `backslashEscapes`: whether `\'` escapes a quote (true unless the server's sql_mode has
 * NO_BACKSLASH_ESCAPES); the caller lexes both ways and treats a text that differs as unproven.
 */
export function lexMysql(text: string, backslashEscapes = true): Lexed {
  let out = '';
  const statements: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1] ?? '';
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(text, i, c, backslashEscapes && c !== '`');
      if (end < 0) return { statements: [], error: `an unterminated ${c === '`' ? 'quoted identifier' : 'string literal'}` };
      const literal = text.slice(i, end + 1);
      // Only a literal with an escape or a doubled quote could be read differently by the grammar.
      out += c === '`' || !/[\\]/.test(literal.slice(1, -1)) && !literal.slice(1, -1).includes(c) ? literal : `${c}s${c}`;
      i = end + 1;
    } else if (c === '#' || (c === '-' && next === '-' && /^(?:[\s\x00-\x1f]|$)/.test(text.slice(i + 2, i + 3)))) {
      // `--` starts a comment only before a space or control character (`1--1` is arithmetic).
      const nl = text.indexOf('\n', i);
      out += ' ';
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close < 0) return { statements: [], error: 'an unterminated /* comment' };
      const exec = /^\/\*(M?!)(\d{5,6})?/.exec(text.slice(i, i + 10));
      if (exec) {
        // Code for the server: lex its inside as part of the text (a comment cannot nest in MySQL).
        text = `${text.slice(0, i)} ${text.slice(i + exec[0].length, close)} ${text.slice(close + 2)}`;
        continue;
      }
      out += ' ';
      i = close + 2;
    } else if (c === ';') {
      statements.push(out);
      out = '';
      i++;
    } else {
      out += c;
      i++;
    }
  }
  statements.push(out);
  return { statements: statements.filter((s) => s.trim() !== '') };
}

/** Index of the closing quote; a doubled quote is a literal one. -1 when there is none. */
function quoteEnd(text: string, start: number, quote: string, backslash: boolean): number {
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (backslash && c === '\\') { i++; continue; }
    if (c !== quote) continue;
    if (text[i + 1] === quote) { i++; continue; }
    return i;
  }
  return -1;
}
