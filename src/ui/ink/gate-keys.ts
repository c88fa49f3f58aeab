// The keys that open a view over a gate or a step without typing a letter: at a high-risk gate every letter is
// the typed step id's (`restart-db` holds r, e, s, t, a), so views are reached with keys no id can contain —
// a function key, or Esc and then the view's letter. Elsewhere the letters work too.
import { functionKey } from './use-raw-input.js';

export type View = 'help' | 'confirmation' | 'evidence' | 'results' | 'note' | 'instructions';

/** The view a letter opens (after Esc at a high-risk gate, as is elsewhere). */
export const LETTER_VIEWS: Record<string, View> = { '?': 'help', c: 'confirmation', e: 'evidence', r: 'results', n: 'note', i: 'instructions' };
/** The view a function key opens: F1 keys, F2 the whole confirmation (or instructions), F3 evidence, F4 results, F5 note. */
const F_VIEWS: Record<number, View> = { 1: 'help', 2: 'confirmation', 3: 'evidence', 4: 'results', 5: 'note' };

export function functionView(read: string): View | undefined {
  return F_VIEWS[functionKey(read)];
}

/** A meta-letter read (Esc and the letter in one read, as a fast typist or a paste sends it): the view. */
export function metaView(read: string): View | undefined {
  return read.length === 2 && read[0] === '\u001b' ? LETTER_VIEWS[read[1]!] : undefined;
}
