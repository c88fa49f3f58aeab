// A one-line text field (no ink-text-input dependency), read key by key through the shared line editor
// (src/ui/line-editor.ts): printable keys and pastes append, Backspace, Ctrl-W and Ctrl-U erase, Enter submits,
// Esc cancels — in order inside one read, however many keys it holds. The value lives in a ref too, so the submits
// of one read see its earlier text; `store` keeps it outside the component (a high-risk gate's typed id survives
// a view opened over the gate).
import { useRef, useState } from 'react';
import { terminalText } from '../../common/terminal-text.js';
import { feedLine } from '../line-editor.js';
import { useRawInput } from './use-raw-input.js';

export interface LineInput { value: string; clear(): void; feed(read: string): void }
/** Where a field's text lives when it must outlive the component; a gate's also says whether it was armed. */
export interface LineStore {
  get(): string; set(v: string): void; wasArmed?(): boolean; markArmed?(): void;
  /** A gate: whether the operator has seen every line of it (the c view scrolled to its end). */
  wasSeen?(): boolean;
}

/** accepts: whether keys count now, asked per read (default: always). A field that drops keys for a while stays
 *  active and says no here, rather than toggling isActive (a listener attached in an effect may run after the
 *  frame that shows the field: keys typed at once would be lost). manual: the owner feeds reads itself (the
 *  high-risk gate, which routes a few keys elsewhere first). */
export function useLineInput(opts: { isActive: boolean; accepts?(): boolean; onSubmit(value: string): void; onCancel?(): void; store?: LineStore; manual?: boolean }): LineInput {
  const own = useRef(opts.store?.get() ?? '');
  const [value, setValue] = useState(() => terminalText(own.current));
  // The typed text is sent as typed; shown, a pasted bidi override or C1 character is visible, not acting.
  const field = {
    get: () => own.current,
    set: (v: string) => { own.current = v; opts.store?.set(v); setValue(terminalText(v)); },
  };
  const feed = (read: string) => {
    if (opts.accepts && !opts.accepts()) return;
    feedLine(read, field, { submit: (v) => opts.onSubmit(v), ...(opts.onCancel ? { cancel: opts.onCancel } : {}) });
  };
  useRawInput(feed, { isActive: opts.isActive && !opts.manual });
  return { value, clear: () => field.set(''), feed };
}
