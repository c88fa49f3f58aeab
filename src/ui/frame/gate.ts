// The confirmation before a destructive step, as rows: exactly what will run, where, with which settings, why,
// what it affects, the items an approval covers, the question and the keys. It always keeps the question and
// the keys; on a short terminal the long fields give up rows, each saying how much is left out ("… 26 more
// lines (c: see all)"); c shows the whole confirmation. Too short even for that, it says so and shows no keys:
// a key whose line is not drawn is never taken.
import type { ConfirmationRequested } from '../../engine/events.js';
import { gateSettings, gateTarget, plural } from '../format.js';
import { gateItemLines } from '../gate-items.js';
import { wrapText } from '../wrap.js';
import { need, type PanelPart } from './budget.js';
import { clipped, share } from './clip.js';
import { blank, boxed, fit, seg, type Row } from './row.js';

const LABEL = 10;
export const READ_FIRST = 'read it first: the keys work in a moment';

/** keys: 'arming' until the gate takes keys (type-ahead), then 'live'. active: the gate owns the keys (not a
 *  note being typed). typed: a high-risk gate's field. */
export interface GateInput {
  gate: ConfirmationRequested;
  width: number;
  keys: 'arming' | 'live';
  active: boolean;
  typed?: { value: string; error: string };
}

export function gatePart({ gate, width, keys, active, typed }: GateInput): PanelPart {
  const high = gate.risk === 'high';
  const tone = high ? 'bad' : 'warn';
  const inner = Math.max(1, width - 4);
  const value = Math.max(1, inner - LABEL);
  const field = (label: string, text: string, style: Row[number] = { text: '' }): Row[] =>
    wrapText(text, value).map((l, i) => [seg(i === 0 ? label.padEnd(LABEL) : ' '.repeat(LABEL), { tone: 'dim' }), { ...style, text: l }]);
  const labelled = (label: string, lines: Row[]): Row[] => lines.map((l, i) => [seg(i === 0 ? label.padEnd(LABEL) : ' '.repeat(LABEL), { tone: 'dim' }), ...l]);

  const title: Row = [seg(high ? 'CONFIRM (HIGH RISK)' : 'CONFIRM', { tone, bold: true }), seg('  '), seg(gate.stepId, { bold: true }),
    ...(gate.title !== gate.stepId ? [seg(` · ${gate.title}`)] : [])];
  const fixedTop: Row[] = [
    ...(gate.target ? field('on', gateTarget(gate)!).slice(0, 1) : []),
    ...gateSettings(gate).map((s) => fit([seg((s.label || '').padEnd(LABEL), { tone: 'dim' }), seg(s.value)], inner)),
  ];
  // The long fields: each gives up rows (down to one) before the question or the keys do.
  // soft: the rows each gets on a small terminal before any gets more.
  const lines = (n: number) => `… ${plural(n, 'more line')} (c: see all)`;
  const runs: { lines: Row[]; label: string; soft: number; more: (n: number) => string }[] = [
    { lines: gate.command.trim().split('\n').map((l) => [seg(l, { tone: 'active' })]), label: 'will run', soft: 5, more: lines },
    ...(gate.description ? [{ lines: wrapText(gate.description.trim(), value).map((l) => [seg(l)]), label: 'why', soft: 3, more: lines }] : []),
    ...(gate.blastRadius ? [{ lines: wrapText(gate.blastRadius, value).map((l) => [seg(l)]), label: 'affects', soft: 2, more: lines }] : []),
    ...(gate.items ? [{ lines: itemRows(gate), label: 'for each', soft: 8, more: (n: number) => `… ${plural(n, 'more item')} not shown (c: see all; all are in the transcript)` }] : []),
  ];
  const resumed: Row[] = gate.resumed ? [[seg('⚠ this step was in flight when the run was interrupted; it may have partly run', { tone: 'warn', bold: true })]] : [];
  const question = wrapText(gate.question, inner).slice(0, 3).map((l) => [seg(l, { bold: true })]);
  const keyRows = keyLines(gate.stepId, high, keys, active, typed);

  const sizes = runs.map((r) => r.lines.length);
  const mins = sizes.map((s, i) => Math.min(s, i === 0 && s > 1 ? 2 : 1));
  const fixed = 1 + fixedTop.length + resumed.length + question.length + keyRows.length;
  const least = fixed + mins.reduce((a, b) => a + b, 0);
  const full = fixed + 1 + sizes.reduce((a, b) => a + b, 0);
  const first = runs.map((r) => r.soft);
  const softRows = fixed + 1 + share(sizes, mins, Infinity, [first]).reduce((a, b) => a + b, 0);
  const tooSmall = (n: number): Row[] => boxed(wrapText(`${high ? 'CONFIRM (HIGH RISK)' : 'CONFIRM'} ${gate.stepId}: this terminal is too short for the confirmation (it needs ${least + 2} rows); make it taller to answer`, inner)
    .slice(0, n - 2).map((l) => [seg(l, { tone })]), width, tone, high);

  return {
    need: need(least + 2, softRows + 2, full + 2),
    keysShown: (n) => n >= least + 2,
    rows(n) {
      if (n < least + 2) return n >= 3 ? tooSmall(n) : [];
      const extra = n - 2 - least;
      const withBlank = extra > 0 ? 1 : 0;
      const got = share(sizes, mins, extra - withBlank, [first, sizes]);
      const body: Row[] = [title, ...labelled(runs[0]!.label, clipped(runs[0]!.lines, got[0]!, runs[0]!.more)), ...fixedTop];
      runs.slice(1).forEach((r, i) => body.push(...labelled(r.label, clipped(r.lines, got[i + 1]!, r.more))));
      body.push(...resumed, ...(withBlank ? [blank] : []), ...question, ...keyRows);
      return boxed(body, width, tone, high);
    },
  };
}

function itemRows(gate: ConfirmationRequested): Row[] {
  const [head, ...items] = gateItemLines(gate.items!, gate.itemsDone);
  return [[seg(head!, { bold: true })], ...items.map((l) => [seg(l, { tone: 'active' })])];
}

const key = (k: string): Row[number] => seg(` ${k} `, { bold: true, inverse: true });

function keyLines(stepId: string, high: boolean, keys: 'arming' | 'live', active: boolean, typed?: { value: string; error: string }): Row[] {
  const waiting = active ? [] : [seg('   (finish what is open first)', { tone: 'dim' })];
  if (!high) return [keys === 'arming' ? [seg(READ_FIRST, { tone: 'dim' })] : [key('y'), seg(' run   '), key('s'), seg(' skip   '), key('a'), seg(' abort the run'), ...waiting]];
  if (keys === 'arming') return [[seg(READ_FIRST, { tone: 'dim' })], blank, blank];
  return [
    [seg('type '), seg(stepId, { bold: true }), seg(' and Enter to run it · '), seg('skip', { bold: true }), seg(' or '), seg('abort', { bold: true }), seg(' and Enter'), ...waiting],
    [seg('› ', { tone: 'warn' }), seg(typed?.value ?? ''), seg(' ', { inverse: true })],
    typed?.error ? [seg(typed.error, { tone: 'bad' })] : blank,
  ];
}
