// The focused step's output: the newest lines (the oldest give way when rows are short), stderr in red, and a
// label that says exactly which lines are shown. PgUp/PgDn scroll back through what the view kept.
import { plural } from '../format.js';
import type { OutputLine } from '../view-model.js';
import { need, type Part } from './budget.js';
import { fit, seg, type Row } from './row.js';

/** back: lines scrolled back from the newest. running: a step that may still print ("(no output yet)"). */
export function outputPart(lines: OutputLine[], back: number, width: number, running: boolean): Part {
  if (!lines.length) {
    const empty = running ? [[seg('(no output yet)', { tone: 'dim' })]] : [];
    return { need: need(0, empty.length, empty.length), rows: (n) => empty.slice(0, n) };
  }
  return {
    need: need(0, 1 + Math.min(3, lines.length), 1 + lines.length),
    rows: (n) => (n < 2 ? [] : outputRows(lines, back, n - 1, width)),
  };
}

/** The label and `height` lines ending `back` lines before the newest. */
export function outputRows(lines: OutputLine[], back: number, height: number, width: number): Row[] {
  const from = Math.min(Math.max(0, back), Math.max(0, lines.length - height));
  const end = lines.length - from;
  const start = Math.max(0, end - height);
  const where = from > 0 ? `lines ${start + 1}–${end} of ${lines.length}, End to follow`
    : start === 0 ? plural(lines.length, 'line') : `last ${end - start} of ${lines.length} lines`;
  return [
    [seg(`output (${where})`, { tone: 'dim' })],
    ...lines.slice(start, end).map((l) => fit([seg('│ ', { tone: 'dim' }), seg(l.text, { tone: l.stream === 'stderr' ? 'bad' : undefined })], width)),
  ];
}

/** How far back the output can scroll with `height` lines shown. */
export const maxBack = (lines: OutputLine[], height: number): number => Math.max(0, lines.length - height);
