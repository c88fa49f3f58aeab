// Finds every occurrence of many literal strings in a text in one pass per group of them: the literals as one
// regular expression of alternatives, longest first, so a text is scanned once whatever the number of secrets
// (one indexOf per secret and encoded form was 3 s per 200 MB of output at 10 secrets, 30 s at 100). Every start
// position is tried (the scan resumes one character after a match, not after its end), so two secrets that
// overlap are both found and the caller merges them.

/** Alternatives per expression: V8 compiles a very large alternation slowly, or not at all. */
const GROUP = 2000;
/** Up to this many literals, one indexOf each is faster than an alternation (V8 skips through the text). */
const FEW = 6;

/** A match of the literal `text.slice(start, end)`. */
export type Range = [number, number];

export class LiteralMatcher {
  private groups: RegExp[] | undefined;
  private readonly literals = new Set<string>();

  get size(): number { return this.literals.size; }
  values(): IterableIterator<string> { return this.literals.values(); }

  add(literal: string): void {
    if (!literal || this.literals.has(literal)) return;
    this.literals.add(literal);
    this.groups = undefined;
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
    for (const re of this.compiled()) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m; m = re.exec(text)) {
        if (!accept || accept(m.index, m.index + m[0].length)) return true;
        re.lastIndex = m.index + 1;
      }
    }
    return false;
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
