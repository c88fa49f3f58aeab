// A SQL result as a table: the columns, as many rows as fit, the row count. At a gate it is the evidence (the
// latest earlier result, named); with no room for rows it says in one line how many there are and which key
// shows them all.
import { plural, tableLines } from '../format.js';
import type { StepResult } from '../../executors/types.js';
import { need, type Part } from './budget.js';
import { fit, seg, type Row } from './row.js';

/** from: the step the result came from, when it is not the current one. key: what shows it whole. */
export function tablePart(result: StepResult, width: number, from: string | undefined, key: string): Part {
  const count = result.rowCount ?? result.rows?.length ?? 0;
  const data = result.rows?.length ?? 0;
  const header = (result.columns?.length ?? 0) > 0 || data > 0;
  const overhead = (from ? 1 : 0) + (header ? 2 : 0) + 1;
  const summary: Row = [seg(`${from ? `result of ${from}: ` : ''}${plural(count, 'row')}`, { tone: 'dim' }), seg(`  (${key} to see ${count === 1 ? 'it' : 'them'})`, { tone: 'dim' })];
  return {
    need: need(from ? 1 : 0, overhead + Math.min(5, data), overhead + data),
    rows: (n) => {
      if (n <= 0) return [];
      if (n < overhead + Math.min(1, data)) return [fit(summary, width)];
      const lines = tableLines(result.columns ?? [], result.rows ?? [], result.rowCount, { maxRows: n - overhead, maxCellWidth: 30, maxWidth: width });
      const rows: Row[] = lines.map((l, i) => [seg(l, { bold: header && i === 0, tone: i === lines.length - 1 || (header && i === 1) ? 'dim' : undefined })]);
      const shown = lines.length - (header ? 2 : 0) - 1;
      if (shown < data) rows[rows.length - 1]!.push(seg(`  ${key} to see all`, { tone: 'dim' }));
      return [...(from ? [[seg(`result of ${from}:`, { tone: 'dim' })]] : []), ...rows].map((r) => fit(r, width));
    },
  };
}
