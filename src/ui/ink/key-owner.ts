// Who owns the keys at the moment a key arrives, not at the last frame. A key that hands the keys to another
// part (Ctrl-C to the abort question, n to the note field, ? to a view) changes the owner at once; keys read
// right after it (in the same read, or before React has drawn and re-subscribed: a loaded machine, a fast
// typist) must go where the screen will show them going. The panels' listeners still hold the props of the
// last frame, so each asks here before it acts: "Ctrl-C, y" at a gate answers the abort question and never
// runs the destructive step.
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { useStdin } from 'ink';
import { focusOf, type Focus, type Overlay, type Page } from '../focus.js';
import type { ViewModel } from '../view-model.js';

/** Whether `focus` owned the keys when the read being handled arrived (a read goes, whole, to one owner: the one
 *  before its keys act). `now`: who owns them at this instant (the abort question reads a read key by key). */
export interface Owns { (focus: Focus): boolean; now(): Focus; read(): Focus }

/** Outside an App (a panel rendered alone) every panel owns its keys. */
const ALWAYS: Owns = Object.assign(() => true, { now: (): Focus => 'idle', read: (): Focus => 'idle' });
export const KeyOwnerContext = createContext<Owns>(ALWAYS);
export const useOwns = (): Owns => useContext(KeyOwnerContext);

type Set<T> = (next: T | ((now: T) => T)) => void;

/** State whose newest value is readable at once: the setter updates it before React renders. */
function useNowState<T>(initial: T): [T, Set<T>, () => T] {
  const [value, setValue] = useState(initial);
  const now = useRef(initial);
  const set: Set<T> = useCallback((next) => {
    now.current = typeof next === 'function' ? (next as (n: T) => T)(now.current) : next;
    setValue(now.current);
  }, []);
  return [value, set, useCallback(() => now.current, [])];
}

/** The App's overlay and page, and who owns the keys (from the run's newest state, not the last frame). */
export function useKeyOwner(latestVm: () => ViewModel) {
  const [overlay, setOverlay, overlayNow] = useNowState<Overlay>('none');
  const [page, setPage, pageNow] = useNowState<Page | undefined>(undefined);
  const now = useCallback(() => focusOf(latestVm(), overlayNow(), pageNow()), [latestVm, overlayNow, pageNow]);
  // The owner as each read arrives, taken before any listener sees it: first in line, whatever order the
  // panels' listeners were attached in (ink re-attaches a useInput listener at every render).
  const atRead = useRef<Focus | undefined>(undefined);
  const { internal_eventEmitter: events } = useStdin();
  useEffect(() => {
    const take = () => { atRead.current = now(); queueMicrotask(() => { atRead.current = undefined; }); };
    events.prependListener('input', take);
    return () => { events.removeListener('input', take); };
  }, [events, now]);
  const read = useCallback(() => atRead.current ?? now(), [now]);
  const owns = useCallback((f: Focus) => read() === f, [read]);
  return { overlay, setOverlay, page, setPage, owns: Object.assign(owns, { now, read }) as Owns };
}
