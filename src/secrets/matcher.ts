// Finds every occurrence of many literal strings in a text in one pass per group of them: the literals as one
// regular expression of alternatives, longest first, so a text is scanned once whatever the number of secrets
// (one indexOf per secret and encoded form was 3 s per 200 MB of output at 10 secrets, 30 s at 100). Every start
// position is tried (the scan resumes one character after a match, not after its end), so two secrets that
// overlap are both found and the caller merges them.

/** Alternatives per expression: V8 compiles a very large alternation slowly, or not at all. */
const GROUP = 2000;
/** Up to this many literals, one indexOf each is faster than an alternation (V8 skips through the text). */
const FEW = 6;
/** From this many literals on, an index by their first two characters is faster than an alternation: a secret's
 *  script forms (windows, compositions: secrets/script-forms.ts) are a few hundred literals, and V8 tries the
 *  alternatives one by one at every position (1.7 ms per 4 KB at 270 literals, against 0.1 ms for the index). */
const MANY = 48;

/** A match of the literal `text.slice(start, end)`. */
export type Range = [number, number];

export class LiteralMatcher {
  private groups: RegExp[] | undefined;
  private pairs: Map<number, string[]> | undefined;
  /** A bit per hash of a literal's first two characters: most positions are turned away without a Map lookup. */
  private pairBits = new Uint8Array(0);
  private readonly literals = new Set<string>();

  get size(): number { return this.literals.size; }
  values(): IterableIterator<string> { return this.literals.values(); }

  add(literal: string): void {
    if (!literal || this.literals.has(literal)) return;
    this.literals.add(literal);
    this.groups = undefined;
    this.pairs = undefined;
  }

  /** Pushes every occurrence onto `out`; `accept` may refuse one (it is then as if that literal did not match
   *  there; shorter ones at the same position are not tried). */
  find(text: string, out: Range[], accept?: (start: number, end: number) => boolean): void {
    if (this.literals.size === 0 || text.length === 0) return;
    if (this.literals.size <= FEW) {
      for (const lit of this.literals) {
        for (let i = text.indexOf(lit); i >= 0; i = text.indexOf(lit, i + 1)) if (!accept || accept(i, i + lit.length)) out.push([i, i + lit.length]);
      }
      return;
    }
    if (this.literals.size >= MANY) { this.scan(text, (start, end) => { if (!accept || accept(start, end)) out.push([start, end]); return false; }); return; }
    for (const re of this.compiled()) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        if (!accept || accept(start, end)) out.push([start, end]);
        re.lastIndex = start + 1;
      }
    }
  }

  /** Whether any literal occurs (with `accept`'s say). */
  test(text: string, accept?: (start: number, end: number) => boolean): boolean {
    if (this.literals.size === 0 || text.length === 0) return false;
    if (this.literals.size <= FEW) {
      for (const lit of this.literals) {
        for (let i = text.indexOf(lit); i >= 0; i = text.indexOf(lit, i + 1)) if (!accept || accept(i, i + lit.length)) return true;
      }
      return false;
    }
    if (this.literals.size >= MANY) return this.scan(text, (start, end) => !accept || accept(start, end));
    for (const re of this.compiled()) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (!accept || accept(m.index, m.index + m[0].length)) return true;
        re.lastIndex = m.index + 1;
      }
    }
    return false;
  }

  /** At every position, the longest literal that starts there (as the alternation, longest first, finds it);
   *  stops when `hit` returns true, and says whether it did. Literals of one character are not indexed. */
  private scan(text: string, hit: (start: number, end: number) => boolean): boolean {
    const pairs = this.indexed();
    const bits = this.pairBits;
    for (let i = 0; i + 1 < text.length; i++) {
      const a = text.charCodeAt(i), b = text.charCodeAt(i + 1);
      if (bits[((a << 5) ^ b) & 0xffff] === 0) continue;
      const list = pairs.get((a << 16) | b);
      if (!list) continue;
      for (const lit of list) if (text.startsWith(lit, i)) { if (hit(i, i + lit.length)) return true; break; }
    }
    for (const lit of this.literals) {
      if (lit.length !== 1) continue;
      for (let i = text.indexOf(lit); i >= 0; i = text.indexOf(lit, i + 1)) if (hit(i, i + 1)) return true;
    }
    return false;
  }

  private indexed(): Map<number, string[]> {
    if (this.pairs) return this.pairs;
    const pairs = new Map<number, string[]>();
    this.pairBits = new Uint8Array(0x10000);
    for (const lit of [...this.literals].sort((a, b) => b.length - a.length)) {
      if (lit.length < 2) continue;
      this.pairBits[((lit.charCodeAt(0) << 5) ^ lit.charCodeAt(1)) & 0xffff] = 1;
      const key = (lit.charCodeAt(0) << 16) | lit.charCodeAt(1);
      const list = pairs.get(key);
      if (list) list.push(lit); else pairs.set(key, [lit]);
    }
    this.pairs = pairs;
    return pairs;
  }

  private compiled(): RegExp[] {
    if (this.groups) return this.groups;
    const sorted = [...this.literals].sort((a, b) => b.length - a.length);
    const groups: RegExp[] = [];
    for (let i = 0; i < sorted.length; i += GROUP) {
      groups.push(new RegExp(sorted.slice(i, i + GROUP).map(escape).join('|'), 'g'));
    }
    this.groups = groups;
    return groups;
  }
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
