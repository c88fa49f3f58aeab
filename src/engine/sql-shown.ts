// What every screen and record shows of an SQL step's query: the author's text, less only the whitespace that
// both PostgreSQL's and MySQL/MariaDB's lexers skip at its ends (space, tab, CR, LF). It was trim()med, and
// JavaScript's trim() takes Unicode's spaces too (U+00A0, U+3000, U+FEFF, U+2028, …), which both servers read as
// identifier characters: the gate showed `DELETE FROM t` and the server was sent `DELETE FROM t` U+00A0, which
// deleted from another table (a probe of stop 81). Anything else at the ends is shown, named (visible-text.ts).

/** The query as shown: the server's own whitespace off its ends, nothing else. */
export const sqlShown = (query: string): string => query.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
