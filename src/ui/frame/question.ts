// A manual step's or a prompt's panel, as rows. A manual step keeps its choices and keys whatever the height:
// the instructions give up rows, counted ("… 6 more lines (i: read all)"). A prompt keeps its field and keys;
// its message gives up rows. Too short even for that, the panel says so and shows no keys.
import type { ManualAction, PromptAction } from '../../executors/types.js';
import { expectedAnswer } from '../../language/pattern-words.js';
import { plural } from '../format.js';
import { markdownLines } from '../markdown.js';
import { wrapText } from '../wrap.js';
import { need, type PanelPart } from './budget.js';
import { clipped } from './clip.js';
import { READ_FIRST } from './gate.js';
import { blank, boxed, seg, type Row } from './row.js';

/** keys: 'arming' until the panel takes keys. selected: the choice ↑↓ point at (Enter takes it). */
export function manualPart(stepId: string, action: ManualAction, width: number, keys: 'arming' | 'live', selected: number): PanelPart {
  const inner = Math.max(1, width - 4);
  const instructions = instructionRows(action.instructions, inner);
  const choices = (action.choices ?? []).map((c, i): Row => [seg(`${i === selected ? '›' : ' '} ${i + 1}. ${c}`, { inverse: i === selected })]);
  const hint: Row = keys === 'arming' ? [seg(READ_FIRST, { tone: 'dim' })]
    : choices.length ? [seg(`1-${choices.length} or ↑↓ + Enter to answer`, { tone: 'dim' })]
    : [seg(' d ', { bold: true, inverse: true }), seg(' or '), seg(' Enter ', { bold: true, inverse: true }), seg(' when it is done')];
  const title: Row = [seg('MANUAL STEP', { tone: 'active', bold: true }), seg('  '), seg(stepId, { bold: true })];
  const fixed = 1 + choices.length + 1;
  const least = fixed + Math.min(instructions.length, 2);
  const full = fixed + instructions.length + 1;
  return panel(width, 'active', least, Math.min(full, least + 6), full, (n) => {
    const room = n - fixed;
    const gap = room > instructions.length ? 1 : 0;
    const shown = clipped(instructions, room - gap, (h) => `… ${plural(h, 'more line')} (i: read all)`);
    return [title, ...shown, ...(gap ? [blank] : []), ...choices, hint];
  }, stepId);
}

/** error: why the last answer was refused (a row is kept for it). field: what is typed so far. */
export function promptPart(stepId: string, action: PromptAction, width: number, keys: 'arming' | 'live', field: string, error: string): PanelPart {
  const inner = Math.max(1, width - 4);
  const message = wrapText(action.message, inner).map((l) => [seg(l)]);
  const hints = [
    action.default !== undefined && !action.secret ? `Enter for ${action.default}` : '',
    action.choices?.length ? `one of: ${action.choices.join(', ')}` : '',
    action.pattern ? `expects ${expectedAnswer(action)}` : '',
    action.secret ? 'hidden as you type' : '',
  ].filter(Boolean).join(' · ');
  const shown = action.secret ? '•'.repeat(field.length) : field;
  const title: Row = [seg('QUESTION', { tone: 'active', bold: true }), seg('  '), seg(stepId, { bold: true })];
  const tail: Row[] = [
    ...(hints ? [[seg(hints, { tone: 'dim' })]] : []),
    keys === 'arming' ? [seg(READ_FIRST, { tone: 'dim' })] : [seg('› ', { tone: 'active' }), seg(shown), seg(' ', { inverse: true })],
    error ? [seg(error, { tone: 'bad' })] : blank,
  ];
  const fixed = 1 + tail.length;
  const least = fixed + Math.min(message.length, 2);
  const full = fixed + message.length;
  return panel(width, 'active', least, full, full, (n) => [title, ...clipped(message, n - fixed, (h) => `… ${plural(h, 'more line')}`), ...tail], stepId);
}

function panel(width: number, tone: 'active', least: number, soft: number, full: number, body: (n: number) => Row[], stepId: string): PanelPart {
  const inner = Math.max(1, width - 4);
  return {
    need: need(least + 2, soft + 2, full + 2),
    keysShown: (n) => n >= least + 2,
    rows: (n) => {
      if (n >= least + 2) return boxed(body(n - 2), width, tone);
      if (n < 3) return [];
      const say = wrapText(`${stepId}: this terminal is too short for the question (it needs ${least + 2} rows); make it taller to answer`, inner);
      return boxed(say.slice(0, n - 2).map((l) => [seg(l, { tone: 'warn' })]), width, tone);
    },
  };
}

/** The instructions' markdown, wrapped: headings bold and underlined, `code` in colour. */
function instructionRows(source: string, width: number): Row[] {
  const rows: Row[] = [];
  for (const segs of markdownLines(source)) {
    const text = segs.map((s) => s.text).join('');
    // Styles survive wrapping per line: a line keeps the style of its whole source line when it has one.
    const style = segs.length === 1 ? segs[0]!.style : undefined;
    for (const l of wrapText(text, width)) {
      rows.push(style ? [seg(l, { bold: style !== 'code', underline: style === 'heading', tone: style === 'code' ? 'active' : undefined })] : inlineRow(segs, l, text));
    }
  }
  return rows;
}

/** A wrapped piece of a line with several styles: styled by the segment each character came from. */
function inlineRow(segs: ReturnType<typeof markdownLines>[number], piece: string, whole: string): Row {
  if (piece === whole) return segs.map((s) => seg(s.text, { bold: s.style === 'bold' || s.style === 'heading', tone: s.style === 'code' ? 'active' : undefined }));
  return [seg(piece)];
}
