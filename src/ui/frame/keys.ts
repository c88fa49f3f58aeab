// One row of the keys that work right now (what the open panel shows itself, it does not repeat).
import type { Focus } from '../focus.js';
import { fit, seg, type Row } from './row.js';

/** evidence: e has something to show at this gate. */
export function keysRow(focus: Focus, width: number, evidence: boolean): Row[] {
  const hint = {
    idle: 'n note · r results · ? keys · PgUp/PgDn scroll output · Ctrl-C abort',
    manual: 'n note · r results · ? keys · Ctrl-C abort',
    prompt: 'Enter submit · Esc clear · Ctrl-C abort',
    gate: `c whole confirmation · ${evidence ? 'e evidence · ' : ''}r results · n note · ? keys · Ctrl-C abort`,
    note: 'Enter add note · Esc cancel',
  }[focus as string];
  return hint ? [fit([seg(hint, { tone: 'dim' })], width)] : [];
}
