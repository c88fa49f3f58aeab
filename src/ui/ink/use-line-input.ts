// A one-line text field (no ink-text-input dependency): printable keys and pastes append, Backspace
// deletes, Enter submits, Esc cancels. Keys typed fast (or on a busy machine) and pastes reach ink as one
// chunk, "y\rdestroy\r": ink then reports no Enter at all, so every carriage return inside a chunk submits
// what came before it. The value lives in a ref too, so the submits of one chunk see its earlier text.
import { useRef, useState } from 'react';
import { useInput } from 'ink';
import { terminalText } from '../../common/terminal-text.js';

export interface LineInput { value: string; clear(): void }

/** accepts: whether keys count now, asked per key (default: always). A field that drops keys for a while stays
 *  active and says no here, rather than toggling isActive (ink attaches a listener in an effect, which may run
 *  after the frame that shows the field: keys typed at once would be lost). */
export function useLineInput(opts: { isActive: boolean; accepts?(): boolean; onSubmit(value: string): void; onCancel?(): void }): LineInput {
  const [value, setValue] = useState('');
  const ref = useRef('');
  // The typed text is sent as typed; shown, a pasted bidi override or C1 character is visible, not acting.
  const set = (v: string) => { ref.current = v; setValue(terminalText(v)); };
  useInput((input, key) => {
    if (opts.accepts && !opts.accepts()) return;
    if (key.escape) { opts.onCancel?.(); return; }
    if (key.return) { opts.onSubmit(ref.current); return; }
    if (key.backspace || key.delete) { set(ref.current.slice(0, -1)); return; }
    if (key.ctrl || key.meta || key.tab || key.upArrow || key.downArrow || key.leftArrow || key.rightArrow) return;
    input.split(/\r\n?/).forEach((part, i) => {
      if (i > 0) opts.onSubmit(ref.current);
      // eslint-disable-next-line no-control-regex
      const printable = part.replace(/[\u0000-\u001f\u007f]/g, '');
      if (printable) set(ref.current + printable);
    });
  }, { isActive: opts.isActive });
  return { value, clear: () => set('') };
}
