// Which start of a secret's form a stream's tail could be: what a stream masker must hold back (secrets/hold.ts).
// The forms are indexed by their first characters, so a tail is read in one short pass whatever their number:
// most positions fail on their first character.
import { Grams } from './grams.js';

/** Prefixes up to this length are kept whole in a set; longer ones are found through their first HEAD chars. */
const HEAD = 3;

export class PrefixIndex {
  private readonly firsts = new Set<number>();
  private readonly short = new Set<string>();
  private readonly byHead = new Map<string, string[]>();
  private readonly forms: string[] = [];
  private grammed: Grams | undefined;
  readonly longest: number;

  constructor(forms: Iterable<string>) {
    let longest = 0;
    for (const f of forms) {
      if (f.length < 2) continue; // a form of one character has no proper prefix
      this.forms.push(f);
      longest = Math.max(longest, f.length);
      this.firsts.add(f.charCodeAt(0));
      for (let k = 1; k <= Math.min(HEAD, f.length - 1); k++) this.short.add(f.slice(0, k));
      if (f.length > HEAD) {
        const head = f.slice(0, HEAD);
        const list = this.byHead.get(head);
        if (list) list.push(f); else this.byHead.set(head, [f]);
      }
    }
    this.longest = longest;
  }

  /** The earliest p in [from, end) such that text[p..end) is a proper prefix of a form (the start of one, not all
   *  of it), and `accept(p)` holds; undefined when there is none. */
  earliest(text: string, from: number, end: number, accept?: (p: number) => boolean): number | undefined {
    for (let p = Math.max(from, end - this.longest + 1); p < end; p++) {
      if (!this.firsts.has(text.charCodeAt(p)) || (accept && !accept(p))) continue;
      const n = end - p;
      if (n <= HEAD) {
        if (this.short.has(text.slice(p, end))) return p;
        continue;
      }
      const list = this.byHead.get(text.slice(p, p + HEAD));
      if (list?.some((f) => f.length > n && text.startsWith(f.slice(0, n), p))) return p;
    }
    return undefined;
  }

  /** Which characters stand next to which in the forms (secrets/grams.ts), built when first asked for. */
  grams(): Grams { return (this.grammed ??= new Grams(this.forms)); }

  /** Whether `piece` stands inside a longer form: more of the stream may make it a piece of the form's end. */
  inside(piece: string): boolean {
    if (piece.length === 0 || piece.length >= this.longest) return false;
    return this.forms.some((f) => f.length > piece.length && f.includes(piece));
  }
}
