// What a MySQL/MariaDB server reads in a text, before any grammar: comments, strings and statement breaks.
// Executable comments (`/*! … */`, `/*!50000 … */`, MariaDB `/*M!100100 … */`) are code to a server whose
// version (and flavour, for `/*M!`) they name: `keep` says which ones this reading of the text expands into
// code (by default all); the others are comments. The caller reads the text as every server would. String literals and quoted identifiers
// with an escape or a doubled quote are replaced by a neutral one ('s'): the grammar then cannot read them
// differently from the server. Unterminated strings or comments make the text unreadable (the caller fails closed).

/** An executable comment's condition: MariaDB only (`/*M!`), from which server version (none: any). */
export interface Condition { mariadb: boolean; version?: number }

/** `conditions`: every executable comment met, expanded or not. */
export interface Lexed { statements: string[]; error?: string; conditions: Condition[] }

/**
 * `backslashEscapes`: whether `\'` escapes a quote (true unless the server's sql_mode has
 * NO_BACKSLASH_ESCAPES); the caller lexes both ways and treats a text that differs as unproven.
 */
export function lexMysql(text: string, backslashEscapes = true, keep: (c: Condition) => boolean = () => true): Lexed {
  let out = '';
  const statements: string[] = [];
  const conditions: Condition[] = [];
  const failed = (error: string): Lexed => ({ statements: [], error, conditions });
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1] ?? '';
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(text, i, c, backslashEscapes && c !== '`');
      if (end < 0) return failed(`an unterminated ${c === '`' ? 'quoted identifier' : 'string literal'}`);
      const literal = text.slice(i, end + 1);
      // Only a literal with an escape or a doubled quote could be read differently by the grammar.
      out += c === '`' || !/[\\]/.test(literal.slice(1, -1)) && !literal.slice(1, -1).includes(c) ? literal : `${c}s${c}`;
      i = end + 1;
    } else if (c === '#' || (c === '-' && next === '-' && /^(?:[\x00-\x20\x7f]|$)/.test(text.slice(i + 2, i + 3)))) {
      // `--` starts a comment only before an ASCII space or control character (`1--1` is arithmetic). Not before
      // U+00A0, U+2028, U+3000, U+FEFF… (JavaScript's \s): the server reads `--\u00a0, GET_LOCK(…)` as code.
      const nl = text.indexOf('\n', i);
      out += ' ';
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const exec = /^\/\*(M?!)(\d{5,6})?/.exec(text.slice(i, i + 10));
      // The server lexes an executable comment's inside as code: a '*/' inside a string there does not end it.
      const close = exec ? codeEnd(text, i + exec[0].length, backslashEscapes) : text.indexOf('*/', i + 2);
      if (close === NESTED) return failed('a comment inside an executable comment');
      if (close < 0) return failed('an unterminated /* comment');
      const condition: Condition | undefined = exec ? { mariadb: exec[1] === 'M!', ...(exec[2] ? { version: Number(exec[2]) } : {}) } : undefined;
      if (condition) conditions.push(condition);
      if (exec && condition && keep(condition)) {
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
  return { statements: statements.filter((s) => s.trim() !== ''), conditions };
}

const NESTED = -2;

/** Where the code of an executable comment ends (its '*\/'), strings skipped; -1 if never, NESTED at a comment. */
function codeEnd(text: string, from: number, backslash: boolean): number {
  for (let j = from; j < text.length; j++) {
    const c = text[j]!;
    if (c === "'" || c === '"' || c === '`') {
      j = quoteEnd(text, j, c, backslash && c !== '`');
      if (j < 0) return -1;
    } else if (c === '*' && text[j + 1] === '/') {
      return j;
    } else if ((c === '/' && text[j + 1] === '*') || c === '#' || (c === '-' && text[j + 1] === '-')) {
      return NESTED; // a comment inside: where the server ends the code is not worth guessing
    }
  }
  return -1;
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

/**
 * The text one server reads before its grammar: every plain comment (`#`, `-- `, `/* *\/`) one space, each
 * executable comment its code where `keep` says that server expands it and one space where it does not;
 * strings and quoted identifiers byte for byte. Read as the pinned session reads it (backslash escapes on).
 * undefined when something is left open or a comment nests in code. The engine regenerates a read from this
 * (mysql-regenerate.ts).
 */
export function serverText(text: string, keep: (c: Condition) => boolean): string | undefined {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1] ?? '';
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(text, i, c, c !== '`');
      if (end < 0) return undefined;
      out += text.slice(i, end + 1);
      i = end + 1;
    } else if (c === '#' || (c === '-' && next === '-' && /^(?:[\x00-\x20\x7f]|$)/.test(text.slice(i + 2, i + 3)))) {
      const nl = text.indexOf('\n', i);
      out += ' ';
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const exec = /^\/\*(M?!)(\d{5,6})?/.exec(text.slice(i, i + 10));
      const close = exec ? codeEnd(text, i + exec[0].length, true) : text.indexOf('*/', i + 2);
      if (close < 0) return undefined;
      const expanded = exec && keep({ mariadb: exec[1] === 'M!', ...(exec[2] ? { version: Number(exec[2]) } : {}) });
      // Its code is read on as part of the text: it may hold strings, never a comment (codeEnd refused one).
      if (expanded) text = `${text.slice(0, i)} ${text.slice(i + exec[0].length, close)} ${text.slice(close + 2)}`;
      else { out += ' '; i = close + 2; }
    } else {
      out += c;
      i++;
    }
  }
  return out;
}
