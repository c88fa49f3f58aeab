// Many long literals found in one pass that skips (Wu–Manber): a run's own secret is masked in a few hundred
// forms (secrets/script-forms.ts), and neither one indexOf per form nor one alternation of them all is fast (V8
// tries the alternatives one by one at every position: 0.4 ms per 64 KB at 200 forms, against 0.01 ms for the
// 20 forms of a value's encodings). Every literal is at least MIN long, so the text is read MIN characters at a
// time: the last BLOCK characters of the window say how far no literal can start, usually MIN - BLOCK + 1.

/** Literals shorter than this are left to the caller. */
export const MIN = 12;
const BLOCK = 3;
const MAX_SHIFT = MIN - BLOCK + 1;

const hash = (a: number, b: number, c: number): number => ((a * 961) + (b * 31) + c) & 0xffff;

export class SkipScanner {
  /** How far the window may move when its last block hashes here (0: a literal may start at the window). */
  private readonly shift = new Uint8Array(0x10000).fill(MAX_SHIFT);
  /** The literals whose first MIN characters end in a block of this hash, longest first. */
  private readonly ends = new Map<number, string[]>();

  constructor(literals: Iterable<string>) {
    const sorted = [...literals].filter((l) => l.length >= MIN).sort((a, b) => b.length - a.length);
    for (const lit of sorted) {
      for (let j = BLOCK - 1; j < MIN; j++) {
        const h = hash(lit.charCodeAt(j - 2), lit.charCodeAt(j - 1), lit.charCodeAt(j));
        this.shift[h] = Math.min(this.shift[h]!, MIN - 1 - j);
      }
      const h = hash(lit.charCodeAt(MIN - 3), lit.charCodeAt(MIN - 2), lit.charCodeAt(MIN - 1));
      const list = this.ends.get(h);
      if (list) list.push(lit); else this.ends.set(h, [lit]);
    }
  }

  /** At every position where a literal starts, the longest one there: `hit(start, end)`; stops when it returns
   *  true, and says whether it did. */
  scan(text: string, hit: (start: number, end: number) => boolean): boolean {
    const shift = this.shift;
    for (let pos = MIN - 1; pos < text.length;) {
      const h = hash(text.charCodeAt(pos - 2), text.charCodeAt(pos - 1), text.charCodeAt(pos));
      const s = shift[h]!;
      if (s > 0) { pos += s; continue; }
      const start = pos - MIN + 1;
      for (const lit of this.ends.get(h) ?? []) if (text.startsWith(lit, start)) { if (hit(start, start + lit.length)) return true; break; }
      pos++;
    }
    return false;
  }
}
