// The evidence beside a gate: the results of the steps the gated step acts on (its `evidence:`, else the
// captures its action reads: src/engine/gate-evidence.ts), a SQL table or a script's output each, named. Each
// gets one summary row first (how many rows or lines, and that `e` shows them), then the free rows in order.
import { plural, oneLine } from '../format.js';
import { stepOutput, type StepView, type ViewModel } from '../view-model.js';
import { need, type Part } from './budget.js';
import { share } from './clip.js';
import { outputRows } from './output.js';
import { fit, seg, type Row } from './row.js';
import { tablePart } from './table.js';

/** The parts of the evidence of `ids` that have something to show; undefined when none has. */
export function evidencePart(vm: ViewModel, ids: string[], width: number, key: string): Part | undefined {
  const blocks = ids.flatMap((id) => {
    const s = vm.steps.find((x) => x.id === id);
    return s ? [blockOf(vm, s, width, key)].filter((b): b is Part => b !== undefined) : [];
  });
  if (!blocks.length) return undefined;
  const mins = blocks.map((b) => b.need.min);
  const softs = blocks.map((b) => b.need.soft);
  const wants = blocks.map((b) => b.need.want);
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  return {
    need: need(Math.min(1, blocks.length), sum(softs), sum(wants)),
    rows(n) {
      if (n <= 0) return [];
      // Not even a row each: the first ones, as summaries.
      if (n < sum(mins)) return blocks.slice(0, n).flatMap((b) => b.rows(1));
      const got = share(wants, mins, n - sum(mins), [softs, wants]);
      return blocks.flatMap((b, i) => b.rows(got[i]!));
    },
  };
}

function blockOf(vm: ViewModel, s: StepView, width: number, key: string): Part | undefined {
  const name = s.title !== s.id ? oneLine(s.title) : s.id;
  if (s.result?.columns?.length || s.result?.rows?.length) return tablePart(s.result, width, name, key);
  const lines = stepOutput(vm, s.id); // with what was withheld, as a notice or (w) shown
  if (!lines.length) return undefined;
  const summary: Row = [seg(`output of ${name}: ${plural(lines.length, 'line')}  (${key} to see ${lines.length === 1 ? 'it' : 'them'})`, { tone: 'dim' })];
  return {
    need: need(1, 1 + Math.min(4, lines.length), 1 + lines.length),
    rows: (n) => {
      if (n <= 0) return [];
      if (n === 1) return [fit(summary, width)];
      const [label, ...body] = outputRows(lines, 0, n - 1, width);
      return [fit([seg(`output of ${name}: `, { tone: 'dim' }), ...label!], width), ...body];
    },
  };
}
