// A result's column names are the server's data, not the engine's keys: an owner's table column or a view's alias
// names them. Read as object keys they were lost or misread (probes of stops 79 and 80): mysql2 refused a column
// named `__proto__` and closed the connection (the step failed as "given a secret … could not say"), and two
// columns of one name (`SELECT a.state, b.state FROM …`) became one key, so the screen drew the second value
// under both headers, the record kept one, and a route read it. So a row is read by position and built here:
// each column under its own key, defined as an own property whatever its name, a name met again made distinct by
// its position (`state (2)`), the same key on the screen, in the record and in an expression. Names are compared
// as the screen draws them (terminal-text.ts: `a\x07` and `a␇` draw alike, and the screen keys rows by that).
import { setOwn } from '../common/own.js';
import { terminalText } from '../common/terminal-text.js';

/** Each column's key, in order: its name, or for a name already taken (as drawn), the name with its position. */
export function columnKeys(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((name, i) => {
    let key = name;
    while (used.has(terminalText(key))) key = `${key} (${i + 1})`;
    used.add(terminalText(key));
    return key;
  });
}

/** A row from its values by position, each under its column's key as an own property. */
export function rowOf(keys: readonly string[], values: readonly unknown[]): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  keys.forEach((key, i) => setOwn(row, key, values[i]));
  return row;
}
