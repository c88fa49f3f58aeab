// The latest operator notes (all of them are in the transcript).
import type { NoteView } from '../view-model.js';
import { need, type Part } from './budget.js';
import { fit, seg, type Row } from './row.js';

export function notesPart(notes: NoteView[], width: number, max = 2): Part {
  const latest: Row[] = notes.slice(-max).map((n) => [seg(`✎ ${n.by}${n.stepId ? ` at ${n.stepId}` : ''}: `, { tone: 'accent' }), seg(n.text)]);
  const all: Row[] = notes.length > max ? [...latest, [seg(`  (${notes.length} notes in all)`, { tone: 'dim' })]] : latest;
  // Short of rows: the newest notes, without the count.
  const rows = (n: number) => (n >= all.length ? all : latest.slice(latest.length - Math.max(0, n)));
  return { need: need(0, all.length, all.length), rows: (n) => rows(n).map((r) => fit(r, width)) };
}
