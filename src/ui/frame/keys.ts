// The keys that work right now (what the open panel shows itself, it does not repeat), wrapped rather than cut.
import type { Focus } from '../focus.js';
import { wrapText } from '../wrap.js';
import { seg, type Row } from './row.js';

/** evidence: e has something to show at this gate. high: a high-risk gate, whose letters are the typed id's. */
/** withheld: some step given a secret printed something, and w would show or hide it. */
export function keysRow(focus: Focus, width: number, evidence: boolean, high = false, withheld?: 'show' | 'hide'): Row[] {
  const w = withheld && !high ? `w ${withheld} withheld · ` : '';
  const hint = {
    idle: `n note · r results · ${w}? keys · PgUp/PgDn scroll output · Ctrl-C abort`,
    manual: `n note · r results · ${w}? keys · Ctrl-C abort`,
    prompt: 'Enter submit · Esc clear · Ctrl-C abort',
    gate: high
      ? `F1 keys · F2 all · ${evidence ? 'F3 evidence · ' : ''}F4 results · F5 note · Esc+letter · ^C abort`
      : `c whole confirmation · ${evidence ? 'e evidence · ' : ''}r results · ${w}n note · ? keys · Ctrl-C abort`,
    note: 'Enter add note · Esc cancel',
  }[focus as string];
  return hint ? wrapText(hint, width).map((l) => [seg(l, { tone: 'dim' })]) : [];
}
