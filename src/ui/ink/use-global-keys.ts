// Keys that are not one panel's: Ctrl-C (always; the first asks, the second aborts); n, ? and r while a step
// runs, at a manual step and at a gate (none of them answers the gate: y/s/a are the gate's own); c and e at a
// gate, i at a manual step (views of what does not fit); scrolling the output pane.
import { useInput, type Key } from 'ink';
import type { Focus, Overlay, Page } from '../focus.js';

export interface GlobalKeys {
  active: boolean;
  focus: Focus;
  overlay: Overlay;
  setOverlay(o: Overlay): void;
  openPage(p: Page): void;
  abortRun(): void;
  maxScroll: number;
  setScroll(f: (n: number) => number): void;
}

export function useGlobalKeys(k: GlobalKeys): void {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') { if (k.overlay === 'abort') k.abortRun(); else k.setOverlay('abort'); return; }
    const f = k.focus;
    if (f !== 'idle' && f !== 'manual' && f !== 'gate') return;
    if (input === 'n') k.setOverlay('note');
    else if (input === '?') k.openPage({ kind: 'help' });
    else if (input === 'r') k.openPage({ kind: 'results', selected: -1 });
    else if (input === 'c' && f === 'gate') k.openPage({ kind: 'confirmation' });
    else if (input === 'e' && f === 'gate') k.openPage({ kind: 'evidence' });
    else if (input === 'i' && f === 'manual') k.openPage({ kind: 'instructions' });
    else scroll(key, f === 'idle', k.maxScroll, k.setScroll);
  }, { isActive: k.active });
}

/** PgUp/PgDn always scroll the output; the arrows only when nothing else uses them. */
function scroll(key: Key, arrows: boolean, max: number, setScroll: (f: (n: number) => number) => void): void {
  if (key.pageUp || (arrows && key.upArrow)) setScroll((n) => Math.min(max, n + (key.pageUp ? 10 : 1)));
  else if (key.pageDown || (arrows && key.downArrow)) setScroll((n) => Math.max(0, n - (key.pageDown ? 10 : 1)));
  else if (key.end) setScroll(() => 0);
}
