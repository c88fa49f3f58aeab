// Keys that are not any panel's: Ctrl-C (always; the first asks, the second aborts), n and ? when nothing
// else is being answered, and scrolling the output pane.
import { useInput, type Key } from 'ink';
import type { Focus, Overlay } from '../focus.js';

export interface GlobalKeys {
  active: boolean;
  focus: Focus;
  overlay: Overlay;
  setOverlay(o: Overlay): void;
  abortRun(): void;
  maxScroll: number;
  setScroll(f: (n: number) => number): void;
}

export function useGlobalKeys(k: GlobalKeys): void {
  useInput((input, key) => {
    if (key.ctrl && input === 'c') { if (k.overlay === 'abort') k.abortRun(); else k.setOverlay('abort'); return; }
    if (k.focus === 'idle' || k.focus === 'manual') {
      if (input === 'n') k.setOverlay('note');
      else if (input === '?') k.setOverlay('help');
    }
    if (k.focus === 'idle' || k.focus === 'manual' || k.focus === 'gate') scroll(key, k.focus === 'idle', k.maxScroll, k.setScroll);
  }, { isActive: k.active });
}

/** PgUp/PgDn always scroll the output; the arrows only when nothing else uses them. */
function scroll(key: Key, arrows: boolean, max: number, setScroll: (f: (n: number) => number) => void): void {
  if (key.pageUp || (arrows && key.upArrow)) setScroll((n) => Math.min(max, n + (key.pageUp ? 10 : 1)));
  else if (key.pageDown || (arrows && key.downArrow)) setScroll((n) => Math.max(0, n - (key.pageDown ? 10 : 1)));
  else if (key.end) setScroll(() => 0);
}
