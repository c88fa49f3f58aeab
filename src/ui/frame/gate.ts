// The confirmation before a destructive step, as rows: exactly what will run, where, with which settings, why,
// what it affects, the items an approval covers, the question and the keys. Every value is wrapped to the width,
// never cut (visible-text.ts: tabs, long runs of spaces and odd spaces shown). On a short terminal the long
// fields give up rows, each saying how much is left out ("… 26 more lines (c: see all)"); c shows the whole
// confirmation. Too short even for that, it says so, with the terminal height it needs, and shows no keys:
// a key whose line is not drawn is never taken.
import type { ConfirmationRequested } from '../../engine/events.js';
import type { GateWait } from '../team-feed.js';
import { gateSettings, gateTarget, plural } from '../format.js';
import { gateItemLines } from '../gate-items.js';
import { displayWidth } from '../../common/display-width.js';
import { exactText, visibleLine, wrapParagraph, wrapVisible } from '../visible-text.js';
import { need, type PanelPart } from './budget.js';
import { share } from './clip.js';
import { blank, boxed, rowWidth, seg, type Row } from './row.js';
import { resumedReason } from '../resumed-reason.js';
import { drawnExactly } from '../gate-exact.js';
import { commandBody } from '../command-body.js';

const LABEL = 10;
export const READ_FIRST = 'read it first: the keys work in a moment';

/** keys: 'arming' until the gate takes keys (type-ahead), then 'live'. active: the gate owns the keys (not a
 *  note being typed). typed: a high-risk gate's field (escaped: Esc was pressed, a view letter may follow).
 *  frameRows: the rows the rest of the frame needs at least, plus one (the frame is a row short of the
 *  terminal), so "too short" names the terminal height that shows the keys. */
export interface GateInput {
  gate: ConfirmationRequested;
  width: number;
  keys: 'arming' | 'live';
  active: boolean;
  typed?: { value: string; error: string; escaped?: boolean };
  frameRows?: number;
  /** A four-eyes gate: the store's side of the wait (team-feed.ts), when known; `refused`: y was pressed. */
  wait?: GateWait | undefined;
  refused?: boolean;
  /** The operator has seen every line of the confirmation (the c view to its end): y is live even when the
   *  frame cannot show all of it. */
  seen?: boolean;
  /** The locale is not UTF-8: command text is laid out in ASCII escapes (ascii-exact.ts), not drawn as marks. */
  ascii?: boolean;
}

/** A gate answered by typing its step id. Not a four-eyes gate: the operator's yes is not theirs to give
 *  there, so s and a are keys and the letters open views as at any other gate. */
export const typedGate = (gate: ConfirmationRequested): boolean => gate.risk === 'high' && !gate.approval;

/** A field's rows: the first labelled; each row knows which unit (a line of the source, an item) it belongs to. */
interface Run { label: string; rows: Row[]; unit: number[]; min: number; soft: number; more: (rows: number, units: number) => string }

/** A value's rows (wrapped, never cut); a row continuing the line above starts with ↪. exact: command text, every
 *  character outside printable ASCII named (visible-text.ts exactLine), in a column of its own: each line of the
 *  source starts two columns in, and only a continuing row has anything (↪) before that. A terminal that cannot
 *  draw ↪ (a tmux client without UTF-8 draws `_`, LANG=C draws `>`) showed a second line written `_ …` exactly as
 *  a comment wrapping onto the next row (a probe of stop 71: y ran its `|| touch`); now its place tells them apart. */
export function valueRows(text: string, width: number, tone?: Row[number]['tone'], prose = false, exact: boolean | 'drawn' = false, lines = true, ascii = false): { rows: Row[]; unit: number[] } {
  const rows: Row[] = [];
  const unit: number[] = [];
  let line = -1;
  const lead = exact === true && !prose;
  for (const r of wrapVisible(text, lead ? Math.max(1, width - 2) : width, !prose && !lead, exact, lines, ascii)) {
    if (!r.cont) line++;
    const mark = r.cont && !prose ? [seg('↪ ', { tone: 'dim' })] : lead ? [seg('  ')] : [];
    rows.push([...mark, seg(r.text, { tone })]);
    unit.push(line);
  }
  return { rows, unit };
}

/** A gate's panel: also how many of its rows a height leaves unseen, and whether y is live there. */
export interface GatePart extends PanelPart {
  /** Rows of the confirmation not drawn at n rows (0: all of it is on screen). */
  unseen(n: number): number;
  /** Whether yes can be given at n rows: the keys are drawn, and every line was seen (here or in the c view). */
  yesLive(n: number): boolean;
}

export function gatePart({ gate, width, keys, active, typed, frameRows = 0, wait, refused = false, seen = false, ascii = false }: GateInput): GatePart {
  const high = gate.risk === 'high';
  const typedIn = typedGate(gate);
  const tone = high ? 'bad' : 'warn';
  const inner = Math.max(1, width - 4);
  const value = Math.max(1, inner - LABEL);
  const labelled = (label: string, lines: Row[]): Row[] => lines.map((l, i) => [seg(i === 0 ? label.padEnd(LABEL) : ' '.repeat(LABEL), { tone: 'dim' }), ...l]);
  // Command text (where it runs, its directory) is drawn exactly; settings the engine words (timeout) as prose.
  // One value each (a target, a directory): a line break in it is drawn named, never as a row of its own.
  const fixedField = (label: string, text: string, exact = false): Row[] => labelled(label, valueRows(text, value, undefined, false, exact, !exact, ascii).rows);

  const head = `${gate.approval ? 'FOUR EYES' : 'CONFIRM'}${high ? ' (HIGH RISK)' : ''}  `;
  const titleText = `${gate.stepId}${gate.title !== gate.stepId ? ` · ${gate.title}` : ''}`;
  const title: Row[] = wrapParagraph(titleText, Math.max(1, inner - head.length)).map((l, i) => [
    i === 0 ? seg(head, { tone, bold: true }) : seg(' '.repeat(head.length)), seg(l, { bold: i === 0 && l.startsWith(gate.stepId) }),
  ]);
  const settings = gateSettings(gate);
  const fixedTop: Row[] = [
    ...(gate.target ? fixedField('on', gateTarget(gate)!, true) : []),
    ...settings.filter((s) => s.label !== 'env' && s.label !== '').flatMap((s) => fixedField(s.label, s.value, drawnExactly(s.label))),
  ];
  // The key that shows everything: c, or F2 at a high-risk gate (whose letters are the typed id's).
  const all = typedIn ? 'F2' : 'c';
  const lineMore = (rows: number, units: number) => `… ${units === rows ? plural(rows, 'more line') : `${plural(rows, 'more row')} (${plural(units, 'line')})`} (${all}: see all)`;
  const text = (label: string, t: string, soft: number, tone?: Row[number]['tone'], prose = false, exact = false): Run => {
    const v = valueRows(t, value, tone, prose, exact, true, ascii);
    return { label, rows: v.rows, unit: v.unit, min: Math.min(v.rows.length, v.rows.length > 1 && label === 'will run' ? 2 : 1), soft, more: lineMore };
  };
  // One unit per variable, its line breaks drawn named: joined with line breaks, `LABEL="x\nDRY_RUN=1"` drew as
  // two variables, and y ran a step the gate showed set to DRY_RUN=1 without it (a probe of stop 72).
  const envValues = settings.filter((s) => s.label === 'env' || s.label === '').map((s) => s.value);
  const envRun = (): Run => {
    const rows: Row[] = [];
    const unit: number[] = [];
    envValues.forEach((v, i) => { for (const r of valueRows(v, value, undefined, false, true, false, ascii).rows) { rows.push(r); unit.push(i); } });
    return { label: 'env', rows, unit, min: 1, soft: 3, more: lineMore };
  };
  const runs: Run[] = [
    text('will run', commandBody(gate.command), 5, 'active', false, true),
    ...(envValues.length ? [envRun()] : []),
    ...(gate.description ? [text('why', gate.description.trim(), 3, undefined, true)] : []),
    ...(gate.blastRadius ? [text('affects', gate.blastRadius, 2, undefined, true)] : []),
    ...(gate.items ? [itemRun(gate, value, all, ascii)] : []),
  ];
  const again = resumedReason(gate);
  const resumed: Row[] = again ? wrapParagraph(`⚠ ${again.line}`, inner).map((l) => [seg(l, { tone: 'warn', bold: true })]) : [];
  // The question in the value column, as every field: at the box's left edge, a question templated from a capture
  // drew its own `will run …` and `timeout …` rows under the real ones (a probe of stop 71); the left columns are
  // the engine's labels only.
  const q = valueRows(gate.question, value, undefined, true);
  const question: Run = { label: '', rows: q.rows.map((r) => r.map((s) => ({ ...s, bold: true }))), unit: q.unit, min: Math.min(q.rows.length, 2), soft: 4, more: lineMore };
  // The keys' rows (their number never depends on `unseen`): y says what is unseen while it is dead.
  const keyRows = (unseen: number): Row[] => gate.approval ? fourEyesLines(gate.stepId, wait?.stepId === gate.stepId ? wait : undefined, keys, active, inner, refused)
    : keyLines(gate.stepId, typedIn, keys, active, inner, typed, seen ? 0 : unseen, all);

  const every = [...runs, question];
  const sizes = every.map((r) => r.rows.length);
  const mins = every.map((r) => r.min);
  const fixed = title.length + fixedTop.length + resumed.length + keyRows(0).length;
  const least = fixed + mins.reduce((a, b) => a + b, 0);
  const full = fixed + 1 + sizes.reduce((a, b) => a + b, 0);
  const first = every.map((r) => r.soft);
  const softRows = fixed + 1 + share(sizes, mins, Infinity, [first]).reduce((a, b) => a + b, 0);
  const tooSmall = (n: number): Row[] => boxed(wrapParagraph(`${high ? 'CONFIRM (HIGH RISK)' : 'CONFIRM'} ${gate.stepId}: this terminal is too short for the confirmation (it needs ${least + 2 + frameRows} rows); make it taller to answer`, inner)
    .slice(0, n - 2).map((l) => [seg(l, { tone })]), width, tone, high);

  const layout = (n: number) => {
    const extra = n - 2 - least;
    const withBlank = extra > 0 ? 1 : 0;
    return { withBlank, got: share(sizes, mins, extra - withBlank, [first, sizes]) };
  };
  // A clipped run of r rows draws r - 1 of them and the count: the rows behind the count are unseen.
  const unseen = (n: number): number => {
    if (n < least + 2) return sizes.reduce((a, b) => a + b, 0);
    const { got } = layout(n);
    return sizes.reduce((a, size, i) => a + (got[i]! >= size ? 0 : size - Math.max(0, got[i]! - 1)), 0);
  };
  const keysShown = (n: number) => n >= least + 2;
  return {
    need: need(least + 2, softRows + 2, full + 2),
    keysShown,
    unseen,
    yesLive: (n) => keysShown(n) && (seen || unseen(n) === 0),
    rows(n) {
      if (n < least + 2) return n >= 3 ? tooSmall(n) : [];
      const { withBlank, got } = layout(n);
      const body: Row[] = [...title, ...labelled(runs[0]!.label, clip(runs[0]!, got[0]!, ascii)), ...fixedTop];
      runs.slice(1).forEach((r, i) => body.push(...labelled(r.label, clip(r, got[i + 1]!, ascii))));
      body.push(...resumed, ...(withBlank ? [blank] : []), ...labelled('asks', clip(question, got[every.length - 1]!, ascii)), ...keyRows(unseen(n)));
      return boxed(body, width, tone, high);
    },
  };
}

/** At most r rows of a run; clipped, the last row counts exactly what is left out (rows, and the source lines or
 *  items they hold; a line cut by the clip counts among them). */
function clip(run: Run, r: number, ascii = false): Row[] {
  if (r >= run.rows.length) return run.rows;
  if (r <= 0) return [];
  const kept = r - 1;
  const hiddenRows = run.rows.length - kept;
  const firstHidden = run.unit[kept]!;
  const startsMid = kept > 0 && run.unit[kept - 1] === firstHidden;
  const units = new Set(run.unit.slice(kept).filter((u) => u >= 0)).size;
  // ↪: the line above goes on in the rows not shown. In ASCII the count's row starts `...` or `>...` in the
  // marks' two columns, never `> ` (a continuing row of the command) nor `  ` (a line of it): a command line
  // `. 3 more rows (c: see all)` drew as the count (a probe of stop 81).
  const more = run.more(hiddenRows, units);
  if (ascii) return [...run.rows.slice(0, kept), [seg(`${startsMid ? '>' : ''}${more.replace(/^…/, '...')}`, { tone: 'dim' })]];
  return [...run.rows.slice(0, kept), [...(startsMid ? [seg('↪ ', { tone: 'dim' })] : []), seg(more, { tone: 'dim' })]];
}

/** A for_each's items: a heading, then each item's rows; the count of what is hidden is in items. */
function itemRun(gate: ConfirmationRequested, width: number, all: string, ascii = false): Run {
  // Items are command text: drawn exactly, named before the list is laid out.
  const exact = gate.items!.map((i) => ({ label: exactText(i.label, ascii), detail: exactText(i.detail, ascii) }));
  const [head, ...items] = gateItemLines(exact, gate.itemsDone, Infinity);
  const rows: Row[] = [];
  const unit: number[] = [];
  wrapParagraph(head!, width).forEach((l) => { rows.push([seg(l, { bold: true })]); unit.push(-1); });
  // Wrapped as command text: the space a row is cut at drawn (·), where `a b` and `a  b` drew alike (stop 81).
  items.forEach((line, i) => valueRows(line, width, 'active', false, 'drawn', true, ascii).rows.forEach((r) => { rows.push(r); unit.push(i); }));
  return {
    label: 'for each', rows, unit, min: 1, soft: 8,
    more: (_rows, units) => `… ${plural(units, 'more item')} not shown (${all}: see all)`,
  };
}

const key = (k: string): Row[number] => seg(` ${k} `, { bold: true, inverse: true });

/** unseen: rows of the confirmation not yet seen; y is dead until they are, and the row says so instead of y. */
function keyLines(stepId: string, high: boolean, keys: 'arming' | 'live', active: boolean, inner: number, typed: GateInput['typed'], unseen: number, all: string): Row[] {
  const waiting = active ? [] : [seg('   (finish what is open first)', { tone: 'dim' })];
  // The longest wording that fits: the count of unseen rows and the key that shows them are never cut off.
  const blockedAt = (room: number): Row[number] | undefined => {
    if (unseen <= 0) return undefined;
    const words = [`y: see all first (${all}): ${plural(unseen, 'row')} unseen`, `y: ${all} first, ${unseen} unseen`, `${all}:${unseen}`];
    return seg(words.find((w) => displayWidth(w) <= room) ?? words[words.length - 1]!, { tone: 'warn', bold: true });
  };
  const blocked = blockedAt(inner);
  if (!high) {
    if (keys === 'arming') return [[seg(READ_FIRST, { tone: 'dim' })]];
    const sa: Row = [key('s'), seg(' skip   '), key('a'), seg(' abort   ')];
    return [unseen > 0 ? [...sa, blockedAt(inner - rowWidth(sa))!, ...waiting]
      : [key('y'), seg(' run   '), key('s'), seg(' skip   '), key('a'), seg(' abort the run'), ...waiting]];
  }
  if (keys === 'arming') return [[seg(READ_FIRST, { tone: 'dim' })], blank, blank];
  // Three rows whatever is typed (the frame sizes the panel before anything is typed): a long entry shows its end.
  const shown = visibleLine(typed?.value ?? '');
  const room = Math.max(1, inner - 4);
  const tail = displayWidth(shown) > room ? `…${lastWidth(shown, room - 1)}` : shown;
  const how: Row = [seg('type '), seg(stepId, { bold: true }), seg(' and Enter to run it · '), seg('skip', { bold: true }), seg(' or '), seg('abort', { bold: true }), seg(' and Enter'), ...waiting];
  return [
    ...(rowWidth(how) <= inner ? [how] : wrapParagraph(how.map((x) => x.text).join(''), inner).map((l) => [seg(l)])),
    [seg('› ', { tone: 'warn' }), seg(tail), seg(' ', { inverse: true })],
    typed?.escaped ? [seg('then: ? keys · c all of it · e evidence · r results · n note · Esc clears', { tone: 'accent' })]
      : typed?.error ? [seg(typed.error, { tone: 'bad' })] : blocked ? [blocked] : blank,
  ];
}

/** A four-eyes gate's foot: that it waits for another person and how they answer, who may, the store's state,
 *  and the keys that are the operator's (s, a); y says why it does nothing. */
function fourEyesLines(stepId: string, wait: GateWait | undefined, keys: 'arming' | 'live', active: boolean, inner: number, refused: boolean): Row[] {
  const para = (text: string, tone?: Row[number]['tone'], bold = false): Row[] => wrapParagraph(text, inner).map((l) => [seg(l, { ...(tone ? { tone } : {}), bold })]);
  const store = !wait || wait.store === 'connecting' ? para('store: connecting…', 'dim')
    : wait.store === 'reachable' ? para('store: reachable; waiting for a decision', 'ok')
    : para(`store: unreachable (${wait.why ?? 'no answer'}); retrying. Nothing but a teammate's decision runs the step (or a resume with --break-glass "<reason>")`, 'bad');
  const waiting = active ? [] : [seg('   (finish what is open first)', { tone: 'dim' })];
  const keyRow: Row = keys === 'arming' ? [seg(READ_FIRST, { tone: 'dim' })]
    : [key('s'), seg(' skip   '), key('a'), seg(' abort the run   '),
      refused ? seg('y: you cannot approve your own step', { tone: 'bad', bold: true }) : seg('y: not yours: another person approves', { tone: 'dim' }), ...waiting];
  return [
    ...para(`waiting for approval by another person (${wait?.command ?? `runbook approve <run-id> ${stepId}`})`, 'warn', true),
    ...para(`may approve: ${wait?.mayApprove ?? '(asking the store)'}`),
    ...store,
    keyRow,
  ];
}

/** The last `width` columns of a text. */
function lastWidth(text: string, width: number): string {
  const chars = [...text];
  let out = '';
  for (let i = chars.length - 1; i >= 0 && displayWidth(chars[i] + out) <= width; i--) out = chars[i] + out;
  return out;
}
