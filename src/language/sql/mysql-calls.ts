// The names a MySQL/MariaDB text calls unqualified, in every server reading of it (executable comments expanded
// per flavour and version, as the classifier reads it), upper-cased as the server compares them. An unqualified
// call that is not a native function is a loadable function (UDF, mysql.func) before it is a stored function of
// the session's database: native code the engine never reviewed (a probe of stop 79: `sphinx_snippets`, from the
// ha_sphinx.so MariaDB ships, connected to another server from a vouched read and crashed the server when none
// answered). Qualified calls (`app_db.f()`) are stored functions only, and are not listed. No grammar: a name
// followed by `(` is a call to ask about, but a reserved word written bare (`IN (`, `DECIMAL(`), which the server
// never reads as a name.
import { asciiUpper } from './ascii-case.js';
import { isSyntaxWord } from './mysql-keywords.js';
import { namesOfEveryReading } from './mysql-reading-names.js';

/** Undefined when a reading cannot be lexed (then what it calls is not known). */
export function mysqlUnqualifiedCalls(text: string): string[] | undefined {
  const statements = namesOfEveryReading(text);
  if (!statements) return undefined;
  const out = new Set<string>();
  for (const { statement, tokens } of statements) {
    for (const t of tokens) {
      const upper = asciiUpper(t.name);
      if (t.qualifier === undefined && !t.afterDot && !(!t.quoted && isSyntaxWord(upper)) && calledAt(statement, t.at)) out.add(upper);
    }
  }
  return [...out];
}

/** Whether the name token starting at `at` is followed by `(` (spaces between: the server allows them for a
 *  function that is not a built-in one). */
function calledAt(statement: string, at: number): boolean {
  const rest = statement.slice(at);
  const token = rest.startsWith('`') ? /^`(?:[^`]|``)*`/.exec(rest) : /^[0-9A-Za-z_$\u0080-\uffff]+/.exec(rest);
  return token !== null && /^\s*\(/.test(rest.slice(token[0].length));
}
