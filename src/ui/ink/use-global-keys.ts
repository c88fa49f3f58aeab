// Keys that are not one panel's: Ctrl-C (always; the first asks, the second aborts) and the abort question's
// own y / n / Esc, read from every read key by key (two Ctrl-C in one read abort); n, ? and r while a step
// runs, at a manual step and at a gate (none of them answers the gate: y/s/a are the gate's own); c and e at a
// gate, i at a manual step (views of what does not fit); scrolling the output pane. F1–F5 open the same views
// (gate-keys.ts). At a high-risk gate the letters are the typed id's: the gate's panel routes its keys itself.
import { useInput, type Key } from 'ink';
import type { Focus, Overlay, Page } from '../focus.js';
import { functionView, type View } from './gate-keys.js';
import type { Owns } from './key-owner.js';
import { useRawInput } from './use-raw-input.js';

export interface GlobalKeys {
  active: boolean;
  /** A high-risk gate owns the keys: no letter opens a view here. */
  highGate: boolean;
  /** Who owns the keys now (key-owner.ts): the focus of the last frame may be a key behind. */
  owns: Owns;
  setOverlay(o: Overlay): void;
  openPage(p: Page): void;
  abortRun(): void;
  maxScroll: number;
  setScroll(f: (n: number) => number): void;
  /** w: show or hide what steps given a secret printed (on this screen only). */
  toggleWithheld?(): void;
}

/** Opens a view by name where it applies (c and e at a gate, i at a manual step). */
export function openView(view: View, focus: Focus, k: Pick<GlobalKeys, 'setOverlay' | 'openPage'>): void {
  if (view === 'note') k.setOverlay('note');
  else if (view === 'help') k.openPage({ kind: 'help' });
  else if (view === 'results') k.openPage({ kind: 'results', selected: -1 });
  else if ((view === 'confirmation' || view === 'instructions') && focus === 'gate') k.openPage({ kind: 'confirmation' });
  else if ((view === 'confirmation' || view === 'instructions') && focus === 'manual') k.openPage({ kind: 'instructions' });
  else if (view === 'evidence' && focus === 'gate') k.openPage({ kind: 'evidence' });
}

const LETTERS: Record<string, View> = { n: 'note', '?': 'help', r: 'results', c: 'confirmation', e: 'evidence', i: 'instructions' };

export function useGlobalKeys(k: GlobalKeys): void {
  const viewsHere = (f: Focus) => f === 'idle' || f === 'manual' || f === 'gate';
  useInput((input, key) => {
    if (key.ctrl && input === 'c') return; // read below, from the raw read
    const f = k.owns.read(); // not the last frame's focus: a key of this read or the last may have moved it
    if (!viewsHere(f) || (f === 'gate' && k.highGate)) return;
    if (input === 'w' && k.toggleWithheld) { k.toggleWithheld(); return; }
    const view = LETTERS[input];
    if (view && (view !== 'instructions' || f === 'manual') && (view !== 'confirmation' && view !== 'evidence' || f === 'gate')) openView(view, f, k);
    else scroll(key, f === 'idle', k.maxScroll, k.setScroll);
  }, { isActive: k.active });
  useRawInput((read) => {
    if (abortKeys(read, k)) return;
    const view = functionView(read);
    const f = k.owns.read();
    if (view && viewsHere(f) && !(f === 'gate' && k.highGate)) openView(view, f, k);
  }, { isActive: k.active });
}

/** Ctrl-C and the abort question, key by key: the first Ctrl-C asks, y or another Ctrl-C aborts, n or Esc goes
 *  on. True when the read was theirs. */
function abortKeys(read: string, k: GlobalKeys): boolean {
  if (!read.includes('\u0003') && !k.owns('abort')) return false;
  const asking = () => k.owns.now() === 'abort';
  if (read === '\u001b') { k.setOverlay('none'); return true; }
  for (const ch of read) {
    if (ch === '\u0003') {
      if (asking()) { k.abortRun(); return true; }
      k.setOverlay('abort');
    } else if (asking() && ch === 'y') { k.abortRun(); return true; }
    else if (asking() && ch === 'n') k.setOverlay('none');
  }
  return true;
}

/** PgUp/PgDn always scroll the output; the arrows only when nothing else uses them. */
function scroll(key: Key, arrows: boolean, max: number, setScroll: (f: (n: number) => number) => void): void {
  if (key.pageUp || (arrows && key.upArrow)) setScroll((n) => Math.min(max, n + (key.pageUp ? 10 : 1)));
  else if (key.pageDown || (arrows && key.downArrow)) setScroll((n) => Math.max(0, n - (key.pageDown ? 10 : 1)));
  else if (key.end) setScroll(() => 0);
}
