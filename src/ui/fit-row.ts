// A row the engine cuts at the terminal's width itself, each further row marked as continuing it (`↪` under an
// indent). Left to the terminal's own wrap, text padded to the edge started a row of its own at the left, where the
// engine's lines start: a forged "run finished: RESOLVED" under a run that ended escalate (a probe of stop 71).
// Used by the screens that print lines to a terminal: replay, follow, approve and --plain. Measured as the terminal
// draws it: a tab to the next stop of 8 (a round-3 probe's tabs counted 0 columns and the terminal wrapped), colour
// anywhere in the row ignored (a bold step id before the author's command left the row uncut).
import { displayWidth } from '../common/display-width.js';
import { hardWrap } from './wrap.js';

const SGR = /\x1b\[[0-9;]*m/g;
/** The colour a plain line is wrapped in (one SGR sequence around the whole text). */
const AROUND = /^((?:\x1b\[[0-9;]*m)*)([^\x1b]*)((?:\x1b\[[0-9;]*m)*)$/;

/** Tabs as the spaces a terminal moves over, from the row's first column. */
function expandTabs(text: string): string {
  if (!text.includes('\t')) return text;
  let out = '';
  for (const part of text.split(/(\t)/)) out += part === '\t' ? ' '.repeat(8 - (displayWidth(out) % 8)) : part;
  return out;
}

/** `indent`: the columns a continuing row starts after. Too narrow a terminal to cut sensibly: left whole. A row
 *  that is cut keeps its colour only when the colour is around all of it. */
export function fitRow(row: string, width: number, indent: number): string[] {
  const around = AROUND.exec(row);
  const [open, text, close] = around ? [around[1] ?? '', around[2] ?? '', around[3] ?? ''] : ['', row.replace(SGR, ''), ''];
  const drawn = expandTabs(text);
  if (width < indent + 12 || displayWidth(drawn) <= width) return [row];
  const [head, ...rest] = hardWrap(drawn, width);
  const cont = hardWrap(rest.join(''), width - indent - 2).map((r) => `${' '.repeat(indent)}↪ ${r}`);
  return [head!, ...cont].map((r) => `${open}${r}${close}`);
}
