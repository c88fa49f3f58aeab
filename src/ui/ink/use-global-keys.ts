// Keys that are not one panel's: Ctrl-C (always; the first asks, the second aborts); n, ? and r while a step
// runs, at a manual step and at a gate (none of them answers the gate: y/s/a are the gate's own); c and e at a
// gate, i at a manual step (views of what does not fit); scrolling the output pane. F1–F5 open the same views
// (gate-keys.ts). At a high-risk gate the letters are the typed id's: the gate's panel routes its keys itself.
import { useInput, type Key } from 'ink';
import type { Focus, Overlay, Page } from '../focus.js';
import { functionView, type View } from './gate-keys.js';
import { useRawInput } from './use-raw-input.js';

export interface GlobalKeys {
  active: boolean;
  focus: Focus;
  /** A high-risk gate owns the keys: no letter opens a view here. */
  highGate: boolean;
  overlay: Overlay;
  setOverlay(o: Overlay): void;
  openPage(p: Page): void;
  abortRun(): void;
  maxScroll: number;
  setScroll(f: (n: number) => number): void;
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
    if (key.ctrl && input === 'c') { if (k.overlay === 'abort') k.abortRun(); else k.setOverlay('abort'); return; }
    const f = k.focus;
    if (!viewsHere(f) || (f === 'gate' && k.highGate)) return;
    const view = LETTERS[input];
    if (view && (view !== 'instructions' || f === 'manual') && (view !== 'confirmation' && view !== 'evidence' || f === 'gate')) openView(view, f, k);
    else scroll(key, f === 'idle', k.maxScroll, k.setScroll);
  }, { isActive: k.active });
  useRawInput((read) => {
    const view = functionView(read);
    if (view && viewsHere(k.focus) && !(k.focus === 'gate' && k.highGate)) openView(view, k.focus, k);
  }, { isActive: k.active });
}

/** PgUp/PgDn always scroll the output; the arrows only when nothing else uses them. */
function scroll(key: Key, arrows: boolean, max: number, setScroll: (f: (n: number) => number) => void): void {
  if (key.pageUp || (arrows && key.upArrow)) setScroll((n) => Math.min(max, n + (key.pageUp ? 10 : 1)));
  else if (key.pageDown || (arrows && key.downArrow)) setScroll((n) => Math.max(0, n - (key.pageDown ? 10 : 1)));
  else if (key.end) setScroll(() => 0);
}
