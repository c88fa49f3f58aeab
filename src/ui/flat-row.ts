// One row of a listing as the terminal will draw it: a field never breaks its row. Titles, descriptions, a
// store's run names and a server's error text are data; printed with their line breaks, a step title drew rows
// of its own under `runbook show` (a fake "3. wipe … [DESTRUCTIVE …]", the real rm -rf step's tag pushed off it),
// a title under `runbook list` a fake RECOMMENDED runbook (a probe of stop 74). What is kept is an allowlist:
// terminalText leaves no control but tab and newline (a CR ␍, VT ␋, FF ␌; NEL, LS and PS as <U+0085>, <U+2028>,
// <U+2029>), and the newline is drawn ⏎ here, as the gate and --plain draw it.
import { terminalText } from '../common/terminal-text.js';
import { fitRow } from './fit-row.js';

/** A row's text with no line break in it: every break drawn named. */
export const flatRow = (text: string): string => terminalText(text).replace(/\n/g, '⏎');

/** Rows flattened and, for a terminal `width` columns wide, each cut there with `↪` under `indent` columns
 *  (fit-row.ts: left to the terminal's wrap, a field padded to the edge starts a row at column 0). */
export function fittedRows(rows: readonly string[], width: number | undefined, indent: number): string[] {
  const flat = rows.map(flatRow);
  return width === undefined ? flat : flat.flatMap((r) => fitRow(r, width, indent));
}

/** A field meant as a block of lines (a runbook's summary): a row for each of its lines, each after `mark`, a
 *  prefix no row of the engine's starts with, in ASCII so a terminal of any locale draws it. */
export const blockRows = (text: string, mark: string): string[] => text.replace(/\r\n/g, '\n').split('\n').map((line) => `${mark}${line}`);
