// Text helpers shared by the terminal UI and plain mode: durations, branch labels, SQL tables, output lines.
import type { ConfirmationRequested, DryRunMode, DryRunShownBecause } from '../engine/events.js';
import { terminalText } from '../common/terminal-text.js';
import { exactLine } from './visible-text.js';
import { plural } from '../common/plural.js';
import { own } from '../common/own.js';
import { displayWidth, padWidth, truncateWidth } from '../common/display-width.js';
import { commandBodyLines } from './command-body.js';

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.floor(ms / 1000);
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
}

/** A time that is still running, shown by a clock that ticks once a second: whole seconds ('7s'), then
 *  minutes ('1m05s'). Tenths would only show where the tick happened to fall. */
export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return s < 60 ? `${s}s` : formatDuration(s * 1000);
}

/** Elapsed time as a clock: 0:07, 12:03, 1:02:03. */
export function formatClock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor(s / 60) % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Where a branch went, in words: the engine's special targets are not step ids. */
export function branchTarget(to: string): string {
  if (to === '$end') return 'end of runbook';
  if (to === '__failed') return 'run failed';
  if (to === '__finished') return 'end of runbook';
  return to;
}

/** A value from an expression or a result cell, on one short line. */
export function formatValue(value: unknown, max = 60): string {
  let text: string;
  if (value === null) text = 'NULL';
  else if (value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (value instanceof Date) text = value.toISOString();
  else {
    try { text = JSON.stringify(value) ?? String(value); } catch { text = String(value); }
  }
  return truncate(oneLine(terminalText(text)), max);
}

/** At most `max` terminal columns (display width: CJK and emoji take two), '…' marking a cut. */
export function truncate(text: string, max: number): string {
  return truncateWidth(text, max);
}

export function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ⏎ ').replace(/[\t\r]/g, ' ');
}

/** Output text made safe to lay out: every control shown, not acted on (a carriage return shows as ␍
 *  instead of overdrawing what came before it), tabs as spaces. */
export function cleanLine(line: string, max = 1000): string {
  return truncate(terminalText(line).replace(/\t/g, '  '), max);
}

export { plural };

export interface TableOptions { maxRows: number; maxCellWidth: number; maxWidth: number }

/** A column's name on one line, as data: the server's names are the owner's (a table's column, a view's alias),
 *  and a newline in one drew a line of its own under the table's header (`ok  verify`, a probe of stop 80). */
export function columnLabel(name: string, max = Infinity): string {
  return truncate(oneLine(terminalText(name)), max);
}

/** A row's cell by its column's name, read as data: only the row's own value (a column named `constructor`). */
export const cellOf = (row: Record<string, unknown>, column: string): unknown => own(row, column);

/** A SQL result as aligned text lines: header, rule, the first rows, and how many rows there were. */
export function tableLines(columns: string[], rows: Record<string, unknown>[], rowCount: number | undefined, opts: TableOptions): string[] {
  const cols = columns.length ? columns : Object.keys(rows[0] ?? {});
  const shown = rows.slice(0, opts.maxRows);
  const cells = shown.map((r) => cols.map((c) => formatValue(cellOf(r, c), opts.maxCellWidth)));
  const labels = cols.map((c) => columnLabel(c, opts.maxCellWidth));
  // Columns, not characters: a CJK or emoji cell is twice as wide as its length.
  const widths = cols.map((_, i) => Math.max(displayWidth(labels[i]!), ...cells.map((row) => displayWidth(row[i]!))));
  const line = (values: string[]) => truncate(values.map((v, i) => padWidth(v, widths[i]!)).join(' │ ').trimEnd(), opts.maxWidth);
  const out: string[] = [];
  if (cols.length) {
    out.push(line(labels));
    out.push(truncate(widths.map((w) => '─'.repeat(w)).join('─┼─'), opts.maxWidth));
  }
  for (const row of cells) out.push(line(row));
  const total = rowCount ?? rows.length;
  const more = total - shown.length;
  out.push(`(${plural(total, 'row')}${more > 0 ? `, first ${shown.length} shown` : ''})`);
  return out;
}

/** A command on one line: scripts show their first line and how many more there are. */
export function commandLine(command: string, max = 200): string {
  const lines = commandBodyLines(command);
  const more = lines.length > 1 ? ` (+${lines.length - 1} more line${lines.length > 2 ? 's' : ''})` : '';
  // Drawn exactly (visible-text.ts): from the raw command, since the terminal-safe text drops an SGR sequence
  // (`true \e[m#; rm -rf D` read `true #; rm -rf D`, a comment, where bash runs rm: a probe of stop 70).
  return `${truncate(exactLine(lines[0] ?? ''), max)}${more}`;
}

/** The settings that decide what a gated step runs, besides its command: env values, directory, limits. */
export function gateSettings(e: ConfirmationRequested): { label: string; value: string }[] {
  const out: { label: string; value: string }[] = [];
  for (const [k, v] of Object.entries(e.env ?? {})) out.push({ label: out.some((o) => o.label === 'env') ? '' : 'env', value: `${k}=${v}` });
  for (const note of e.envNotes ?? []) out.push({ label: 'note', value: note });
  if (e.cwd !== undefined) out.push({ label: 'in dir', value: e.cwd });
  if (e.timeout !== undefined) out.push({ label: 'timeout', value: e.timeout });
  if (e.covers !== undefined) out.push({ label: 'approval', value: e.covers.replace(/^this approval /, '') });
  return out;
}

export const SHOWN_BECAUSE: Record<DryRunShownBecause, string> = {
  destructive: 'destructive',
  'no-sandbox': 'no sandbox available here',
  remote: 'runs on a target, which no sandbox here can hold',
  'safe-because': 'vouched for with safe_because, not proven to read',
};

/** Where a gated step acts: the masked target, and the connection's name when it has one. */
export const gateTarget = (e: Pick<ConfirmationRequested, 'target' | 'connection'>): string | undefined =>
  e.target === undefined ? undefined : `${e.target}${e.connection ? ` (connection ${e.connection})` : ''}`;
