// A row the engine cuts at the terminal's width itself, each further row marked as continuing it (`↪` under an
// indent). Left to the terminal's own wrap, text padded to the edge started a row of its own at the left, where the
// engine's lines start: a forged "run finished: RESOLVED" under a run that ended escalate (a probe of stop 71).
// Used by the screens that print lines to a terminal: replay, follow, approve and --plain.
import { displayWidth } from '../common/display-width.js';
import { hardWrap } from './wrap.js';

/** The colour a plain line is wrapped in (one SGR sequence around the whole text). */
const AROUND = /^((?:\x1b\[[0-9;]*m)*)([^\x1b]*)((?:\x1b\[[0-9;]*m)*)$/;

/** `indent`: the columns a continuing row starts after. Too narrow a terminal to cut sensibly: left whole. */
export function fitRow(row: string, width: number, indent: number): string[] {
  const parts = AROUND.exec(row);
  if (!parts) return [row]; // colour inside the text: never data (terminal-safe), so the engine's own words
  const [, open = '', text = '', close = ''] = parts;
  if (width < indent + 12 || displayWidth(text) <= width) return [row];
  const [head, ...rest] = hardWrap(text, width);
  const cont = hardWrap(rest.join(''), width - indent - 2).map((r) => `${' '.repeat(indent)}↪ ${r}`);
  return [head!, ...cont].map((r) => `${open}${r}${close}`);
}
