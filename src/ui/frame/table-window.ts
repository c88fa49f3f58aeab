// A wide result in the `r` view: the columns from a first one that fit the width, the rest reached with ←/→, and
// how many are shown of how many ("columns 1–15 of 200"); or, expanded (`x`), every cell in full, row by row, one
// column a line, its value wrapped (a 5,000-character cell shown to its end, scrolled like any page).
import { displayWidth, padWidth, truncateWidth } from '../../common/display-width.js';
import { cellOf, columnLabel, formatValue, plural } from '../format.js';
import { wrapText } from '../wrap.js';
import { dim, seg, type Row } from './row.js';

const CELL = 60;
const SEP = ' │ ';

export interface TableWindow { rows: Row[]; first: number; last: number; total: number }

/** The table from column `from` (0-based), as many whole columns as fit `width` (at least one). */
export function tableWindow(columns: string[], rows: Record<string, unknown>[], rowCount: number | undefined, from: number, width: number): TableWindow {
  const cols = columns.length ? columns : Object.keys(rows[0] ?? {});
  const total = cols.length;
  const first = Math.max(0, Math.min(from, total - 1));
  const cells = rows.map((r) => cols.map((c) => formatValue(cellOf(r, c), CELL)));
  const labels = cols.map((c) => columnLabel(c, CELL));
  const widths = cols.map((_, i) => Math.max(displayWidth(labels[i]!), ...cells.map((row) => displayWidth(row[i]!))));
  let last = first;
  let used = widths[first] ?? 0;
  while (last + 1 < total && used + SEP.length + widths[last + 1]! <= width) used += SEP.length + widths[++last]!;
  const pick = (values: string[]) => truncateWidth(values.slice(first, last + 1).map((v, i) => padWidth(v, widths[first + i]!)).join(SEP).trimEnd(), width);
  const out: Row[] = total ? [
    [seg(pick(labels), { bold: true })],
    [seg(truncateWidth(widths.slice(first, last + 1).map((w) => '─'.repeat(w)).join('─┼─'), width))],
    ...cells.map((r) => [seg(pick(r))]),
  ] : [];
  const n = rowCount ?? rows.length;
  out.push(dim(`(${plural(n, 'row')}${n > rows.length ? `, first ${rows.length} shown` : ''})`));
  return { rows: out, first, last, total };
}

/** Every cell in full: for each row its number, then one `column: value` per column, the value wrapped. */
export function expandedRows(columns: string[], rows: Record<string, unknown>[], width: number): Row[] {
  const cols = columns.length ? columns : Object.keys(rows[0] ?? {});
  const name = Math.min(24, Math.max(...cols.map((c) => displayWidth(columnLabel(c))), 1));
  const out: Row[] = [];
  rows.forEach((r, i) => {
    out.push([seg(`── row ${i + 1} of ${rows.length}`, { bold: true })]);
    for (const c of cols) {
      const value = formatValue(cellOf(r, c), Infinity);
      wrapText(value, Math.max(10, width - name - 3)).forEach((l, j) =>
        out.push([seg(padWidth(j === 0 ? columnLabel(c, name) : '', name), { tone: 'dim' }), seg(' │ ', { tone: 'dim' }), seg(l)]));
    }
  });
  return out;
}
