// A secret cut short: text is shortened before it is shown (a for_each label at 200 characters, a wait step's
// last line at 120, an error line at 500, a step's output with its middle elided), and the cut may fall inside a
// secret, leaving a piece that matches no registered form. Every such cut is marked with '…', so the piece of a
// form that ends right before a '…' or starts right after one (past the line break and bracket of an elision
// marker, `\n[… 12 bytes elided …]\n`) is masked. Pieces shorter than MIN_PIECE are left: two characters say little, and masking every two
// characters that happen to start a secret would eat real text.
import type { Range } from './matcher.js';

export const MIN_PIECE = 3;
/** At most this many cuts per text are looked at (a text full of '…' is no one's truncation). */
const MAX_CUTS = 100;

/** Forms by their first MIN_PIECE characters, and by their last. */
export interface CutForms {
  byPrefix: Map<string, string[]>;
  bySuffix: Map<string, string[]>;
  longest: number;
}

export function cutIndex(forms: Iterable<string>): CutForms {
  const byPrefix = new Map<string, string[]>();
  const bySuffix = new Map<string, string[]>();
  let longest = 0;
  for (const f of forms) {
    if (f.length <= MIN_PIECE) continue;
    push(byPrefix, f.slice(0, MIN_PIECE), f);
    push(bySuffix, f.slice(-MIN_PIECE), f);
    longest = Math.max(longest, f.length);
  }
  return { byPrefix, bySuffix, longest };
}

function push(map: Map<string, string[]>, key: string, f: string): void {
  const list = map.get(key);
  if (list) list.push(f); else map.set(key, [f]);
}

export function cutRanges(text: string, forms: CutForms, out: Range[]): void {
  if (forms.longest === 0) return;
  let seen = 0;
  for (let i = text.indexOf('…'); i >= 0 && seen < MAX_CUTS; i = text.indexOf('…', i + 1), seen++) {
    let k = i;
    if (text[k - 1] === '[') k--;
    if (text[k - 1] === '\n') k--;
    const before = pieceBefore(text, k, forms, MIN_PIECE);
    if (before !== undefined) out.push([before, k]);
    let j = i + 1;
    if (text[j] === ']') j++;
    if (text[j] === '\n') j++;
    const after = pieceAfter(text, j, forms, MIN_PIECE);
    if (after !== undefined) out.push([j, after]);
  }
}

/** The earliest p such that text[p..i) is the start of a form (and not the whole of it), at least `min` long. */
export function pieceBefore(text: string, i: number, forms: CutForms, min: number): number | undefined {
  for (let p = Math.max(0, i - forms.longest + 1); p <= i - min; p++) {
    const candidates = forms.byPrefix.get(text.slice(p, p + MIN_PIECE));
    if (!candidates) continue;
    const piece = text.slice(p, i);
    if (candidates.some((f) => f.length > piece.length && f.startsWith(piece))) return p;
  }
  return undefined;
}

/** The furthest q such that text[j..q) is the end of a form (and not the whole of it), at least `min` long. */
export function pieceAfter(text: string, j: number, forms: CutForms, min: number): number | undefined {
  for (let q = Math.min(text.length, j + forms.longest - 1); q >= j + min; q--) {
    const candidates = forms.bySuffix.get(text.slice(q - MIN_PIECE, q));
    if (!candidates) continue;
    const piece = text.slice(j, q);
    if (candidates.some((f) => f.length > piece.length && f.endsWith(piece))) return q;
  }
  return undefined;
}
