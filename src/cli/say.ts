// Everything a command prints goes through here, through the one sanitizer (common/terminal-text.ts): titles,
// summaries, descriptions, diagnostics quoting a runbook, a graph's labels and whatever a transcript holds are
// data, and a control character in them must not act on the terminal (OSC 52 writing the clipboard, ESC[2J
// clearing the screen). JSON keeps every value exactly, escaped. test/hardening/terminal-escapes.test.ts checks
// that no command writes to the process's streams any other way.
import { terminalJson, terminalText } from '../common/terminal-text.js';
import { fittedRows } from '../ui/flat-row.js';

/** Text on standard output, neutralised. */
export const say = (text: string): void => { process.stdout.write(terminalText(text)); };

/** Standard output's columns when it is a terminal: a screen that cuts its own rows there (replay, follow,
 *  approve) instead of leaving them to the terminal's wrap. */
export const stdoutWidth = (): number | undefined => (process.stdout.isTTY && process.stdout.columns ? process.stdout.columns : undefined);

/** Rows on standard output, as many as given whatever their fields hold: each flattened (a line break in an
 *  author's title, a store's run or a server's message drawn named, ⏎) and, on a terminal, cut at its width with
 *  `↪` under `indent` columns (ui/flat-row.ts). Every listing prints the text it takes from outside through here. */
export const sayRows = (rows: readonly string[], indent = 2): void => {
  process.stdout.write(fittedRows(rows, stdoutWidth(), indent).map((r) => `${r}\n`).join(''));
};

/** Text on standard error, neutralised. */
export const sayError = (text: string): void => { process.stderr.write(terminalText(text)); };

/** A value as indented JSON on standard output, lossless (the characters a terminal would act on escaped). */
export const sayJson = (value: unknown): void => { process.stdout.write(`${terminalJson(value, 2)}\n`); };

/** One of the CLI's own terminal controls (a fixed sequence, never data) on standard error. */
export const control = (sequence: string): void => { process.stderr.write(sequence); };
