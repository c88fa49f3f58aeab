// What a MySQL/MariaDB server reads in a text, before any grammar: comments, strings and statement breaks.
// Executable comments (`/*! … */`, `/*!50000 … */`, MariaDB `/*M!100100 … */`) are code to a server whose
// version (and flavour, for `/*M!`) they name: `keep` says which ones this reading of the text expands into
// code (by default all); the others are comments. The caller reads the text as every server would. String literals and quoted identifiers
// with an escape or a doubled quote are replaced by a neutral one ('s'): the grammar then cannot read them
// differently from the server. Unterminated strings or comments make the text unreadable (the caller fails closed).

/** An executable comment's condition: MariaDB only (`/*M!`), from which server version (none: any). */
export interface Condition { mariadb: boolean; version?: number }

/**
 * Whether a server expands an executable comment into code. MySQL: `/*!` always, `/*!N` from version N.
 * MariaDB also `/*M!N` from its version N, but it skips a plain `/*!N` for 50700 ≤ N ≤ 99999 (MySQL 5.7's
 * syntax, which MariaDB 10 may not share: sql_lex.cc) whatever its own version.
 */
export function expands(c: Condition, server: { mariadb: boolean; version: number }): boolean {
  if (c.mariadb && !server.mariadb) return false;
  if (c.version === undefined) return true;
  if (server.mariadb && !c.mariadb && c.version >= 50700 && c.version <= 99999) return false;
  return c.version <= server.version;
}

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
  const error = scan(text, backslashEscapes, keep, (piece) => {
    if (piece.kind === 'condition') conditions.push(piece.condition);
    else if (piece.kind === 'comment') out += ' ';
    else if (piece.kind === 'code') out += piece.text;
    else if (piece.kind === 'end') { statements.push(out); out = ''; }
    // Only a literal with an escape or a doubled quote could be read differently by the grammar.
    else out += piece.quote === '`' || !/[\\]/.test(piece.text.slice(1, -1)) && !piece.text.slice(1, -1).includes(piece.quote) ? piece.text : `${piece.quote}s${piece.quote}`;
  });
  if (error) return { statements: [], error, conditions };
  statements.push(out);
  return { statements: statements.filter((s) => s.trim() !== ''), conditions };
}

/** What the server reads, piece by piece: a quoted literal or identifier, a comment (one space to it), a `;`,
 *  code, and each executable comment's condition as it is met (expanded or not). */
type Piece = { kind: 'quoted'; text: string; quote: string } | { kind: 'comment' } | { kind: 'end' } | { kind: 'code'; text: string }
  | { kind: 'condition'; condition: Condition };

/** Scans `text` as the server lexes it, handing each piece to `piece`; says what is left open, if anything. */
function scan(text: string, backslash: boolean, keep: (c: Condition) => boolean, piece: (p: Piece) => void): string | undefined {
  // The server ends a '#' or '-- ' comment at a NUL byte too (its query buffer is a C string there).
  if (text.includes('\0')) return 'a NUL byte';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    const next = text[i + 1] ?? '';
    if (c === "'" || c === '"' || c === '`') {
      const end = quoteEnd(text, i, c, backslash && c !== '`');
      if (end < 0) return `an unterminated ${c === '`' ? 'quoted identifier' : 'string literal'}`;
      piece({ kind: 'quoted', text: text.slice(i, end + 1), quote: c });
      i = end + 1;
    } else if (c === '#' || (c === '-' && next === '-' && /^(?:[\x00-\x20\x7f]|$)/.test(text.slice(i + 2, i + 3)))) {
      // `--` starts a comment only before an ASCII space or control character (`1--1` is arithmetic). Not before
      // U+00A0, U+2028, U+3000, U+FEFF… (JavaScript's \s): the server reads `--\u00a0, GET_LOCK(…)` as code.
      const nl = text.indexOf('\n', i);
      piece({ kind: 'comment' });
      i = nl < 0 ? text.length : nl + 1;
    } else if (c === '/' && next === '*') {
      const exec = /^\/\*(M?!)(\d{5,6})?/.exec(text.slice(i, i + 10));
      // The server lexes an executable comment's inside as code: a '*/' inside a string there does not end it.
      const close = exec ? codeEnd(text, i + exec[0].length, backslash) : text.indexOf('*/', i + 2);
      if (close === NESTED) return 'a comment inside an executable comment';
      if (close < 0) return 'an unterminated /* comment';
      const condition: Condition | undefined = exec ? { mariadb: exec[1] === 'M!', ...(exec[2] ? { version: Number(exec[2]) } : {}) } : undefined;
      // A server that skips a conditional comment ends it at its first '*/', quotes or not (sql_lex.cc): where
      // that differs from where its code ends, the servers that skip it and those that expand it read two texts.
      if (exec && (condition!.mariadb || condition!.version !== undefined) && text.indexOf('*/', i + exec[0].length) !== close) {
        return 'an executable comment that ends in one place to a server that expands it and in another to one that skips it';
      }
      if (condition) piece({ kind: 'condition', condition });
      if (exec && condition && keep(condition)) {
        // Code for the server: lex its inside as part of the text (a comment cannot nest in MySQL).
        text = `${text.slice(0, i)} ${text.slice(i + exec[0].length, close)} ${text.slice(close + 2)}`;
        continue;
      }
      piece({ kind: 'comment' });
      i = close + 2;
    } else {
      piece(c === ';' ? { kind: 'end' } : { kind: 'code', text: c });
      i++;
    }
  }
  return undefined;
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
  const error = scan(text, true, keep, (piece) => {
    if (piece.kind === 'comment') out += ' ';
    else if (piece.kind === 'end') out += ';';
    else if (piece.kind !== 'condition') out += piece.text;
  });
  return error ? undefined : out;
}
