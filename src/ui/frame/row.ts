// The frame as rows of styled text. Every part of the screen is built as rows that are each exactly one terminal
// line, never wider than the terminal (measured in display width): the frame's height is then the number of
// rows, known before ink draws it, so the frame always fits and a key is taken only when its line is drawn.
import { displayWidth, padWidth, truncateWidth } from '../../common/display-width.js';
import type { Tone } from '../step-status.js';

export interface Seg { text: string; tone?: Tone | 'accent' | undefined; bold?: boolean; inverse?: boolean; underline?: boolean }
export type Row = Seg[];

export const seg = (text: string, style: Omit<Seg, 'text'> = {}): Seg => ({ text, ...style });
export const dim = (text: string): Row => [{ text, tone: 'dim' }];
export const blank: Row = [];

/** A row is one line: a tab or a newline left in its text would move the cursor past the box's border (or down
 *  the screen), so they are drawn as `⇥` and `⏎` wherever a row is measured or drawn. */
export const flat = (text: string): string => (/[\t\n\r]/.test(text) ? text.replace(/\t/g, '⇥').replace(/\r?\n/g, '⏎').replace(/\r/g, '␍') : text);

export const rowWidth = (r: Row): number => r.reduce((w, s) => w + displayWidth(flat(s.text)), 0);

/** The row cut to `width` columns ('…' marks the cut). */
export function fit(row: Row, width: number): Row {
  const r = row.some((s) => flat(s.text) !== s.text) ? row.map((s) => ({ ...s, text: flat(s.text) })) : row;
  if (rowWidth(r) <= width) return r;
  const out: Row = [];
  let left = width;
  for (const s of r) {
    const w = displayWidth(s.text);
    if (w < left) { out.push(s); left -= w; continue; }
    out.push({ ...s, text: truncateWidth(s.text, left) });
    break;
  }
  return out;
}

/** Text in a column of exactly `width` columns: cut with '…' or padded. */
export function cell(text: string, width: number): string {
  return padWidth(truncateWidth(text, width), width);
}

/** Rows inside a border (round, or double for high risk), one space of padding; `width` is the whole box's. */
export function boxed(rows: Row[], width: number, tone: Tone | 'accent', double = false): Row[] {
  const [tl, tr, bl, br, h, v] = double ? ['╔', '╗', '╚', '╝', '═', '║'] : ['╭', '╮', '╰', '╯', '─', '│'];
  const inner = Math.max(1, width - 4);
  const edge = (l: string, r: string): Row => [{ text: `${l}${h.repeat(width - 2)}${r}`, tone }];
  return [
    edge(tl, tr),
    ...rows.map((r) => {
      const body = fit(r, inner);
      return [{ text: `${v} `, tone }, ...body, { text: `${' '.repeat(inner - rowWidth(body))} ${v}`, tone }] as Row;
    }),
    edge(bl, br),
  ];
}
